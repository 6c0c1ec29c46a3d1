package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on PostgreSQL, one database. */
class PostgresPhaseWalkTest extends AbstractPhaseWalkTest {

    @Override
    protected DataSource oldDatabase() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected DataSource newDatabase() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected boolean twoDatabases() {
        return false;
    }

    @Override
    protected String prefix() {
        return "walk_pg";
    }
}
