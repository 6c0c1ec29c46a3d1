package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

/**
 * Capture across two databases the other way round: OLD in MariaDB, NEW in PostgreSQL, where a locking read of an
 * absent NEW row locks nothing (no gap locks), so the drain's insert-if-absent is what keeps a concurrent writer's row.
 */
class MariaDbOldPostgresNewBypassCaptureTest extends AbstractTwoDatabaseBypassCaptureTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }

    @Override
    protected TestDatabase newDatabase() {
        return TestDatabases.postgres();
    }
}
