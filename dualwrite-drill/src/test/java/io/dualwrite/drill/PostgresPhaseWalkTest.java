package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on PostgreSQL, one database, Long keys. */
class PostgresPhaseWalkTest extends AbstractPhaseWalkTest<Long> {

    private static final Supplier<TestDatabase> PG = TestDatabases::postgres;
    private static final Supplier<TestDatabase> MARIADB = TestDatabases::mariadb;

    PostgresPhaseWalkTest() {
        super(WalkSetup.longs(PG, PG, "walk_pg"));
    }
}
