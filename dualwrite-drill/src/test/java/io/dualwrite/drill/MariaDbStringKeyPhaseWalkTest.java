package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.function.Supplier;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on MariaDB, String keys (mixed case, accents, trailing spaces) under the server's default collation. */
class MariaDbStringKeyPhaseWalkTest extends AbstractPhaseWalkTest<String> {

    private static final Supplier<TestDatabase> PG = TestDatabases::postgres;
    private static final Supplier<TestDatabase> MARIADB = TestDatabases::mariadb;

    MariaDbStringKeyPhaseWalkTest() {
        super(WalkSetup.strings(MARIADB, "walk_maria_str", "VARCHAR(60)"));
    }
}
