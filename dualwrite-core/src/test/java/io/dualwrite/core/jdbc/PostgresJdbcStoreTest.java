package io.dualwrite.core.jdbc;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresJdbcStoreTest extends AbstractJdbcStoreTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
