package io.dualwrite.contract.jdbc;

import io.dualwrite.contract.AbstractVerificationStoreContractTest;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.verify.VerificationStore;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class H2JdbcVerificationStoreTest extends AbstractVerificationStoreContractTest {

    @Override
    protected VerificationStore createStore() {
        TestDatabase database = TestDatabases.h2();
        DualWriteSchema.create(database.dataSource());
        return new JdbcVerificationStore(database.dataSource());
    }
}
