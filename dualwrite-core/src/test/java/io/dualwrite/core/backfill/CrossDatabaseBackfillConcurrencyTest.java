package io.dualwrite.core.backfill;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/** OLD in MariaDB, NEW in PostgreSQL. */
class CrossDatabaseBackfillConcurrencyTest extends AbstractBackfillConcurrencyTest {

    @Override
    protected DataSource oldDatabase() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected DataSource newDatabase() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected String prefix() {
        return "bf_conc_cross";
    }
}
