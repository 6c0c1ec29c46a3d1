package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on PostgreSQL, String keys under a non-C ICU collation that orders them otherwise than Java. */
class PostgresStringKeyPhaseWalkTest extends AbstractPhaseWalkTest<String> {

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
        return "walk_pg_str";
    }

    @Override
    protected Class<String> keyType() {
        return String.class;
    }

    @Override
    protected String keyColumnType(Side side) {
        return side == Side.OLD ? "VARCHAR(60) COLLATE \"en-x-icu\"" : "VARCHAR(60) COLLATE \"en-x-icu\"";
    }

    @Override
    protected String key(int i) {
        return WalkKeys.mixed(i);
    }

    @Override
    protected int defaultWalks() {
        return 10;
    }
}
