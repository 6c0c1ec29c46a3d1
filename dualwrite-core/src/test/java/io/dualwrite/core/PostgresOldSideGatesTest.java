package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

class PostgresOldSideGatesTest extends AbstractOldSideGatesTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }

    @Override
    protected void flushSoon(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // PostgreSQL 15: flushed when this statement's transaction ends (else up to 11 s later)
            statement.execute("SELECT pg_stat_force_next_flush()");
        }
    }
}
