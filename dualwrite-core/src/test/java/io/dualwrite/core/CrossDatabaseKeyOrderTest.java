package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/**
 * OLD in MariaDB, NEW in PostgreSQL: key columns that hold the same keys equal (a binary NO PAD collation and a
 * deterministic ICU one; MariaDB's and PostgreSQL's UUID types) but order them differently, each walked in its own
 * order.
 */
class CrossDatabaseKeyOrderTest extends AbstractKeyOrderTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected DataSource newDatabase(DataSource oldDatabase) {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected String prefix() {
        return "keyorder_cross";
    }

    @Override
    protected String uuidColumn() {
        return "UUID";
    }

    @Override
    protected String newUuidColumn() {
        return "uuid";
    }

    @Override
    protected String stringColumn() {
        return "VARCHAR(100) COLLATE utf8mb4_nopad_bin";
    }

    @Override
    protected String newStringColumn() {
        return "VARCHAR(100) COLLATE \"en-x-icu\"";
    }

    @Override
    protected boolean distinguishesCaseAndAccents() {
        return true;
    }
}
