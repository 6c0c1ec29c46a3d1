package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on MariaDB, String keys (mixed case, accents, trailing spaces) under the server's default collation. */
class MariaDbStringKeyPhaseWalkTest extends AbstractPhaseWalkTest<String> {

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
        return "walk_maria_str";
    }

    @Override
    protected Class<String> keyType() {
        return String.class;
    }

    @Override
    protected String keyColumnType(Side side) {
        return side == Side.OLD ? "VARCHAR(60)" : "VARCHAR(60)";
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
