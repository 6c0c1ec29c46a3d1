package io.dualwrite.core.jdbc;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class H2JdbcStoreTest extends AbstractJdbcStoreTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.h2();
    }
}
