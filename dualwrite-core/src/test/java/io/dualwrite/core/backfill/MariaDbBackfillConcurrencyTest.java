package io.dualwrite.core.backfill;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

class MariaDbBackfillConcurrencyTest extends AbstractBackfillConcurrencyTest {

    @Override
    protected DataSource oldDatabase() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected DataSource newDatabase() {
        return oldDatabase();
    }

    @Override
    protected String prefix() {
        return "bf_conc_maria";
    }
}
