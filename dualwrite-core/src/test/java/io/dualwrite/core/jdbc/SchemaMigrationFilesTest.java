package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Flyway migrations and the Liquibase changelog shipped for teams that manage their schema with those tools
 * (docs/schema.md) are the schema scripts that {@link DualWriteSchema#create} runs: the build copies each script to
 * its Flyway location, and the changelog includes the scripts themselves. The starter's {@code SchemaToolsTest}s
 * run both tools on each database and compare what they create with what {@code create} does.
 */
class SchemaMigrationFilesTest {

    @ParameterizedTest
    @EnumSource(SqlDialect.class)
    void theFlywayMigrationOfEachDatabaseIsItsSchemaScript(SqlDialect dialect) throws IOException {
        String location = "db/dualwrite/" + dialect.scriptSuffix() + "/R__dualwrite_schema.sql";

        assertThat(resource(location))
                .as(
                        "%s, copied from schema-%s.sql by the build (dualwrite-core/pom.xml)",
                        location, dialect.scriptSuffix())
                .isEqualTo(DualWriteSchema.script(dialect));
    }

    @ParameterizedTest
    @EnumSource(SqlDialect.class)
    void theLiquibaseChangelogRunsTheSchemaScriptOfEachDatabase(SqlDialect dialect) throws IOException {
        assertThat(resource("db/dualwrite/changelog.xml"))
                .contains("<sqlFile path=\"io/dualwrite/core/jdbc/schema-" + dialect.scriptSuffix() + ".sql\"")
                .contains("dbms=\"" + dialect.scriptSuffix());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SchemaMigrationFilesTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as("classpath:%s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
