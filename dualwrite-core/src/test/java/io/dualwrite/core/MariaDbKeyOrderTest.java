package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/**
 * MariaDB's {@code UUID} type (10.7+, segments compared in swapped order) and string keys under the server's
 * default collation, {@code utf8mb4_general_ci}: case- and accent-insensitive, trailing spaces ignored.
 */
class MariaDbKeyOrderTest extends AbstractKeyOrderTest {

    @Override
    protected DataSource database() {
        return TestDatabases.mariadb().dataSource();
    }

    @Override
    protected String prefix() {
        return "keyorder_maria";
    }

    @Override
    protected String uuidColumn() {
        return "UUID";
    }

    @Override
    protected String stringColumn() {
        return "VARCHAR(100)";
    }

    @Override
    protected boolean distinguishesCaseAndAccents() {
        return false;
    }
}
