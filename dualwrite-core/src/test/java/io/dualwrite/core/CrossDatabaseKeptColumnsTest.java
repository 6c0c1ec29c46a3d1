package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

/** OLD in MariaDB, NEW and dualwrite's phase in PostgreSQL: the kept columns are written in OLD's own transaction. */
class CrossDatabaseKeptColumnsTest extends AbstractKeptColumnsTest {

    @Override
    protected TestDatabase oldDatabase() {
        return TestDatabases.mariadb();
    }

    @Override
    protected TestDatabase newDatabase() {
        return TestDatabases.postgres();
    }
}
