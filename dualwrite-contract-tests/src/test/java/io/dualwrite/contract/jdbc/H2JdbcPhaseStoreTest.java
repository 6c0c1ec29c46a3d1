package io.dualwrite.contract.jdbc;

import io.dualwrite.contract.AbstractPhaseStoreContractTest;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class H2JdbcPhaseStoreTest extends AbstractPhaseStoreContractTest {

    @Override
    protected PhaseStore createStore() {
        TestDatabase database = TestDatabases.h2();
        DualWriteSchema.create(database.dataSource());
        return new JdbcPhaseStore(database.dataSource());
    }
}
