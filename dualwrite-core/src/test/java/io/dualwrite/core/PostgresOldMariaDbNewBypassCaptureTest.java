package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

/** Capture across two databases: OLD in PostgreSQL, NEW in MariaDB, each side's records in its own database. */
class PostgresOldMariaDbNewBypassCaptureTest extends AbstractTwoDatabaseBypassCaptureTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }

    @Override
    protected TestDatabase newDatabase() {
        return TestDatabases.mariadb();
    }
}
