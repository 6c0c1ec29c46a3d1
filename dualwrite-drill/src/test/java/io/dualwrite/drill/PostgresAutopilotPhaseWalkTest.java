package io.dualwrite.drill;

import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/**
 * The randomized phase walks (see {@link AbstractPhaseWalkTest}) on PostgreSQL, one database, while the leader's
 * autopilot drives the migration up to DROP_OLD, racing the walk's own moves forward and back (DROP_OLD -> READ_NEW
 * and its re-sync of the old side, then rollbacks from that READ_NEW).
 */
class PostgresAutopilotPhaseWalkTest extends AbstractPhaseWalkTest<Long> {

    /** One supplier for both sides: the setup tells one database from two by it. */
    private static final Supplier<TestDatabase> PG = TestDatabases::postgres;

    PostgresAutopilotPhaseWalkTest() {
        super(WalkSetup.longs(PG, PG, "walk_pg_pilot").withAutopilotUpTo(MigrationPhase.DROP_OLD));
    }
}
