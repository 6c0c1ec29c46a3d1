package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresKeptColumnsTest extends AbstractKeptColumnsTest {

    @Override
    protected TestDatabase oldDatabase() {
        return TestDatabases.postgres();
    }
}
