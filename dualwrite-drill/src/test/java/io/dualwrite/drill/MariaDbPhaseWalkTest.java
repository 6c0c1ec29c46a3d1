package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on MariaDB, one database, Long keys. */
class MariaDbPhaseWalkTest extends AbstractPhaseWalkTest<Long> {

    private static final Supplier<TestDatabase> PG = TestDatabases::postgres;
    private static final Supplier<TestDatabase> MARIADB = TestDatabases::mariadb;

    MariaDbPhaseWalkTest() {
        super(WalkSetup.longs(MARIADB, MARIADB, "walk_maria"));
    }
}
