package io.dualwrite.core.jdbc;

import io.dualwrite.core.backfill.AbstractBackfillStoreContractTest;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresJdbcBackfillStoreTest extends AbstractBackfillStoreContractTest {

    @Override
    protected BackfillStore createStore() {
        TestDatabase database = TestDatabases.postgres();
        DualWriteSchema.create(database.dataSource());
        return new JdbcBackfillStore(database.dataSource());
    }
}
