package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbKeptColumnsTest extends AbstractKeptColumnsTest {

    @Override
    protected TestDatabase oldDatabase() {
        return TestDatabases.mariadb();
    }
}
