package io.dualwrite.drill;

import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/**
 * The randomized phase walks (see {@link AbstractPhaseWalkTest}) from MariaDB (OLD) to PostgreSQL (NEW), with outages
 * of either, while the leader's autopilot drives the migration too (up to READ_NEW), racing the walk's own moves.
 */
class CrossDatabaseAutopilotPhaseWalkTest extends AbstractPhaseWalkTest<Long> {

    private static final Supplier<TestDatabase> PG = TestDatabases::postgres;
    private static final Supplier<TestDatabase> MARIADB = TestDatabases::mariadb;

    CrossDatabaseAutopilotPhaseWalkTest() {
        super(WalkSetup.longs(MARIADB, PG, "walk_cross_pilot").withAutopilotUpTo(MigrationPhase.READ_NEW));
    }
}
