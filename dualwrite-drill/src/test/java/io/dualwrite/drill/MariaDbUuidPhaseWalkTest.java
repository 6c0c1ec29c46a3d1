package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on MariaDB, UUID keys (whose type sorts its segments swapped). */
class MariaDbUuidPhaseWalkTest extends AbstractPhaseWalkTest<java.util.UUID> {

    private static final Supplier<TestDatabase> PG = TestDatabases::postgres;
    private static final Supplier<TestDatabase> MARIADB = TestDatabases::mariadb;

    MariaDbUuidPhaseWalkTest() {
        super(WalkSetup.uuids(MARIADB, MARIADB, "walk_maria_uuid"));
    }
}
