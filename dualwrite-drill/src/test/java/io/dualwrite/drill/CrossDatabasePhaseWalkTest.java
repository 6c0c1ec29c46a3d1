package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on MariaDB (OLD) to PostgreSQL (NEW), with outages of either, Long keys. */
class CrossDatabasePhaseWalkTest extends AbstractPhaseWalkTest<Long> {

    private static final Supplier<TestDatabase> PG = TestDatabases::postgres;
    private static final Supplier<TestDatabase> MARIADB = TestDatabases::mariadb;

    CrossDatabasePhaseWalkTest() {
        super(WalkSetup.longs(MARIADB, PG, "walk_cross"));
    }
}
