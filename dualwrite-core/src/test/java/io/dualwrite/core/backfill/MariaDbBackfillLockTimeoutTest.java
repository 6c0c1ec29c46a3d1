package io.dualwrite.core.backfill;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbBackfillLockTimeoutTest extends AbstractBackfillLockTimeoutTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected String prefix() {
        return "bf_locks_maria";
    }

    @Override
    protected String readLockTimeout() {
        return "SELECT @@SESSION.innodb_lock_wait_timeout";
    }

    @Override
    protected String expectedInside() {
        return "2"; // whole seconds, rounded up (0 would fail every lock wait at once)
    }
}
