package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

/** The drill (see {@link AbstractMigrationDrillTest}) with OLD on mariadb and NEW on mariadb. */
class MariaDbMigrationDrillTest extends AbstractMigrationDrillTest {

    @Override
    protected TestDatabase oldDatabase() {
        return TestDatabases.mariadb();
    }

    @Override
    protected TestDatabase newDatabase() {
        return TestDatabases.mariadb();
    }
}
