package io.dualwrite.contract.jdbc;

import io.dualwrite.contract.AbstractBackfillStoreContractTest;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbJdbcBackfillStoreTest extends AbstractBackfillStoreContractTest {

    @Override
    protected BackfillStore createStore() {
        TestDatabase database = TestDatabases.mariadb();
        DualWriteSchema.create(database.dataSource());
        return new JdbcBackfillStore(database.dataSource());
    }
}
