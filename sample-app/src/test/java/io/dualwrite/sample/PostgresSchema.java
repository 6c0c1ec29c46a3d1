package io.dualwrite.sample;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A PostgreSQL schema of a test class's own, empty at its start: a drill deletes every row of the
 * migration's tables, which other test classes of the same database must not share.
 */
final class PostgresSchema {

    private PostgresSchema() {}

    /** Creates the schema afresh and points the application's data source at it (the sample creates its tables). */
    static void postgres(DynamicPropertyRegistry registry, String schema) {
        TestDatabase database = TestDatabases.postgres();
        JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
        jdbc.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        jdbc.execute("CREATE SCHEMA " + schema);
        String url = database.jdbcUrl() + (database.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", database::user);
        registry.add("spring.datasource.password", database::password);
    }
}
