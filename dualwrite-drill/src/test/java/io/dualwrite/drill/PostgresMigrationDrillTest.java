package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

/** The drill (see {@link AbstractMigrationDrillTest}) with OLD on postgres and NEW on postgres. */
class PostgresMigrationDrillTest extends AbstractMigrationDrillTest {

    @Override
    protected TestDatabase oldDatabase() {
        return TestDatabases.postgres();
    }

    @Override
    protected TestDatabase newDatabase() {
        return TestDatabases.postgres();
    }
}
