package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabases;
import javax.sql.DataSource;

/** PostgreSQL's {@code uuid} (unsigned bytes) and an ICU collation ({@code en-x-icu}: linguistic, deterministic). */
class PostgresKeyOrderTest extends AbstractKeyOrderTest {

    @Override
    protected DataSource database() {
        return TestDatabases.postgres().dataSource();
    }

    @Override
    protected String prefix() {
        return "keyorder_pg";
    }

    @Override
    protected String uuidColumn() {
        return "uuid";
    }

    @Override
    protected String stringColumn() {
        return "VARCHAR(100) COLLATE \"en-x-icu\"";
    }

    @Override
    protected boolean distinguishesCaseAndAccents() {
        return true;
    }
}
