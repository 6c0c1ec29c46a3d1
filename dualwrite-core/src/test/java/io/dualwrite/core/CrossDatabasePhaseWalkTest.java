package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on MariaDB (OLD) to PostgreSQL (NEW), with outages of either, Long keys. */
class CrossDatabasePhaseWalkTest extends AbstractPhaseWalkTest<Long> {

    @Override
    protected DataSource oldDatabase() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected DataSource newDatabase() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected boolean twoDatabases() {
        return true;
    }

    @Override
    protected String prefix() {
        return "walk_cross";
    }

    @Override
    protected Class<Long> keyType() {
        return Long.class;
    }

    @Override
    protected String keyColumnType(Side side) {
        return side == Side.OLD ? "BIGINT" : "BIGINT";
    }

    @Override
    protected Long key(int i) {
        return (long) i;
    }
}
