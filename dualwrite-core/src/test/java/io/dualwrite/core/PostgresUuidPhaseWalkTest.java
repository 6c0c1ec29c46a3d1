package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/** The randomized phase walks (see {@link AbstractPhaseWalkTest}) on PostgreSQL, UUID keys (ordered by unsigned bytes, not as Java orders them). */
class PostgresUuidPhaseWalkTest extends AbstractPhaseWalkTest<java.util.UUID> {

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
        return "walk_pg_uuid";
    }

    @Override
    protected Class<java.util.UUID> keyType() {
        return java.util.UUID.class;
    }

    @Override
    protected String keyColumnType(Side side) {
        return side == Side.OLD ? "UUID" : "UUID";
    }

    @Override
    protected java.util.UUID key(int i) {
        return WalkKeys.uuid(i);
    }

    @Override
    protected int defaultWalks() {
        return 10;
    }
}
