package io.dualwrite.core.backfill;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class PostgresBackfillLockTimeoutTest extends AbstractBackfillLockTimeoutTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected String prefix() {
        return "bf_locks_pg";
    }

    @Override
    protected String readLockTimeout() {
        return "SHOW lock_timeout";
    }

    @Override
    protected String expectedInside() {
        return "1500ms";
    }
}
