package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on MariaDB (OLD) to PostgreSQL (NEW), UUID keys, with outages of either. */
class CrossDatabaseUuidPhaseWalkTest extends AbstractPhaseWalkTest<java.util.UUID> {

    private static final Supplier<TestDatabase> PG = TestDatabases::postgres;
    private static final Supplier<TestDatabase> MARIADB = TestDatabases::mariadb;

    CrossDatabaseUuidPhaseWalkTest() {
        super(WalkSetup.uuids(MARIADB, PG, "walk_cross_uuid"));
    }
}
