package io.dualwrite.core.jdbc;

import io.dualwrite.core.backfill.AbstractBackfillStoreContractTest;
import io.dualwrite.core.backfill.BackfillStore;
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
