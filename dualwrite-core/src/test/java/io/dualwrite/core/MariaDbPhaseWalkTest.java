package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on MariaDB, one database. */
class MariaDbPhaseWalkTest extends AbstractPhaseWalkTest {

    @Override
    protected DataSource oldDatabase() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected DataSource newDatabase() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected boolean twoDatabases() {
        return false;
    }

    @Override
    protected String prefix() {
        return "walk_maria";
    }
}
