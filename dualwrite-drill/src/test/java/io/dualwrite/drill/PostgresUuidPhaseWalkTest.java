package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on PostgreSQL, UUID keys (ordered by unsigned bytes, not as Java orders them). */
class PostgresUuidPhaseWalkTest extends AbstractPhaseWalkTest<java.util.UUID> {

    private static final Supplier<TestDatabase> PG = TestDatabases::postgres;
    private static final Supplier<TestDatabase> MARIADB = TestDatabases::mariadb;

    PostgresUuidPhaseWalkTest() {
        super(WalkSetup.uuids(PG, PG, "walk_pg_uuid"));
    }
}
