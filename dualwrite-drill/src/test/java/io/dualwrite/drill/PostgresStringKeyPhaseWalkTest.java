package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on PostgreSQL, String keys under a non-C ICU collation that orders them otherwise than Java. */
class PostgresStringKeyPhaseWalkTest extends AbstractPhaseWalkTest<String> {

    private static final Supplier<TestDatabase> PG = TestDatabases::postgres;
    private static final Supplier<TestDatabase> MARIADB = TestDatabases::mariadb;

    PostgresStringKeyPhaseWalkTest() {
        super(WalkSetup.strings(PG, "walk_pg_str", "VARCHAR(60) COLLATE \"en-x-icu\""));
    }
}
