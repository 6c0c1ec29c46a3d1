package io.dualwrite.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * dualwrite's tables created by the application's schema tool instead of at startup (docs/schema.md): an application
 * whose own migrations start at V1 (or whose own master changelog includes dualwrite's) starts with
 * {@code dualwrite.jdbc.initialize-schema=never}, registers its migration, moves it and dual-writes; and what each
 * tool creates is what {@link DualWriteSchema#create} creates, table by table, column by column, index by index. Each
 * test works in schemas (PostgreSQL), databases (MariaDB) or in-memory databases (H2) of its own, dropped after it.
 * One subclass per database.
 */
abstract class AbstractSchemaToolsTest {

    private final List<FreshSchema> schemas = new ArrayList<>();

    protected abstract TestDatabase database();

    @AfterEach
    void dropSchemas() {
        schemas.forEach(schema -> schema.drop().run());
    }

    @Test
    void anApplicationWhoseOwnFlywayMigrationsStartAtV1CreatesDualWritesTablesWithThem() {
        FreshSchema schema = fresh();
        app(schema)
                .withPropertyValues(
                        "spring.flyway.locations=classpath:db/schema-test-app/flyway,classpath:db/dualwrite/{vendor}")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Flyway.class).info().applied())
                            .extracting(AbstractSchemaToolsTest::describe)
                            .containsExactly("1 person tables", "R dualwrite schema");
                    dualWriteRuns(context);
                });
    }

    @Test
    void flywayAddsDualWritesTablesToADatabaseThatTheApplicationsMigrationsAlreadyReached() {
        FreshSchema schema = fresh();
        Flyway.configure()
                .dataSource(schema.dataSource())
                .locations("classpath:db/schema-test-app/flyway")
                .load()
                .migrate();

        app(schema)
                .withPropertyValues(
                        "spring.flyway.locations=classpath:db/schema-test-app/flyway,classpath:db/dualwrite/{vendor}")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Flyway.class).info().applied())
                            .extracting(AbstractSchemaToolsTest::describe)
                            .containsExactly("1 person tables", "R dualwrite schema");
                    dualWriteRuns(context);
                });
    }

    @Test
    void anApplicationsLiquibaseMasterChangelogCreatesDualWritesTablesByIncludingTheirChangelog() {
        FreshSchema schema = fresh();
        app(schema)
                .withPropertyValues(
                        "spring.flyway.enabled=false",
                        "spring.liquibase.enabled=true",
                        "spring.liquibase.change-log=classpath:db/schema-test-app/changelog-master.xml")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(new JdbcTemplate(context.getBean(DataSource.class))
                                    .queryForList(
                                            "SELECT id FROM DATABASECHANGELOG ORDER BY orderexecuted", String.class))
                            .containsExactly("1", "dualwrite-schema-" + vendor());
                    dualWriteRuns(context);
                });
    }

    @Test
    void flywayAndLiquibaseCreateWhatDualWriteSchemaCreates() throws Exception {
        FreshSchema byScript = fresh();
        DualWriteSchema.create(byScript.dataSource());
        FreshSchema byFlyway = fresh();
        Flyway.configure()
                .dataSource(byFlyway.dataSource())
                .locations("classpath:db/dualwrite/" + vendor())
                .load()
                .migrate();
        FreshSchema byLiquibase = fresh();
        liquibaseUpdate(byLiquibase.dataSource(), "db/dualwrite/changelog.xml");

        List<String> expected = catalog(byScript);
        assertThat(expected)
                .contains("table dualwrite_phase", "table dualwrite_fence", "primary key dualwrite_phase 1 migration")
                .anyMatch(line -> line.startsWith("column dualwrite_fence.raise_id #3 "))
                .anyMatch(line -> line.startsWith("index dualwrite_audit dualwrite_audit_migration unique=false 2 id"));
        assertThat(catalog(byFlyway)).as("created by Flyway").isEqualTo(expected);
        assertThat(catalog(byLiquibase)).as("created by Liquibase").isEqualTo(expected);
    }

    /** The migration is registered, moves to DUAL_WRITE (audited), and a write reaches both tables. */
    private static void dualWriteRuns(AssertableApplicationContext context) {
        assertThat(context.getBean(DualWriteSchemaInitializer.class).initialized())
                .isFalse();
        DualWrite dualWrite = context.getBean(DualWrite.class);
        assertThat(dualWrite.phase("names")).isEqualTo(MigrationPhase.OLD_ONLY);

        dualWrite.advance("names", TransitionRequest.by("test", "dual writes"));
        @SuppressWarnings("unchecked")
        DualRepository<Long, PersonMigration.Full, PersonMigration.Split> names =
                (DualRepository<Long, PersonMigration.Full, PersonMigration.Split>) dualWrite.repository("names");
        new TransactionTemplate(context.getBean(PlatformTransactionManager.class))
                .executeWithoutResult(status -> names.write(new PersonMigration.Full(1, "Ada Lovelace")));

        JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
        assertThat(jdbc.queryForObject("SELECT name FROM person_full WHERE id = 1", String.class))
                .isEqualTo("Ada Lovelace");
        assertThat(jdbc.queryForObject("SELECT first_name FROM person_split WHERE id = 1", String.class))
                .isEqualTo("Ada");
        assertThat(jdbc.queryForList(
                        "SELECT to_phase FROM dualwrite_audit WHERE migration = 'names' ORDER BY id", String.class))
                .last()
                .isEqualTo("DUAL_WRITE");
    }

    private ApplicationContextRunner app(FreshSchema schema) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        FlywayAutoConfiguration.class,
                        LiquibaseAutoConfiguration.class,
                        DualWriteJdbcAutoConfiguration.class,
                        DualWriteResilienceAutoConfiguration.class,
                        DualWriteAutoConfiguration.class))
                .withUserConfiguration(PersonMigration.class)
                .withPropertyValues(
                        "spring.datasource.url=" + schema.url(),
                        "spring.datasource.username=" + schema.user(),
                        "spring.datasource.password=" + schema.password(),
                        "spring.liquibase.enabled=false",
                        "dualwrite.jdbc.initialize-schema=never");
    }

    /** The name of the database's folder in {@code db/dualwrite}, as Spring Boot resolves {@code {vendor}}. */
    private String vendor() {
        return database().kind().name().toLowerCase(Locale.ROOT);
    }

    private static String describe(MigrationInfo migration) {
        return (migration.getVersion() == null ? "R" : migration.getVersion().getVersion()) + " "
                + migration.getDescription();
    }

    @SuppressWarnings("deprecation")
    private static void liquibaseUpdate(DataSource dataSource, String changelog) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            Database database =
                    DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            new Liquibase(changelog, new ClassLoaderResourceAccessor(), database).update("");
        }
    }

    /**
     * dualwrite's tables as the JDBC driver describes them: columns (position, type, size, nullability, default,
     * auto-increment), primary keys, indexes (names generated by the database left out) and foreign keys, sorted.
     */
    private static List<String> catalog(FreshSchema schema) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection connection = schema.dataSource().getConnection()) {
            DatabaseMetaData metaData = connection.getMetaData();
            String catalog = connection.getCatalog();
            String schemaName = connection.getSchema();
            String pattern = metaData.storesUpperCaseIdentifiers() ? "DUALWRITE%" : "dualwrite%";
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = metaData.getTables(catalog, schemaName, pattern, new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            for (String table : tables) {
                String name = table.toLowerCase(Locale.ROOT);
                lines.add("table " + name);
                try (ResultSet rs = metaData.getColumns(catalog, schemaName, table, "%")) {
                    while (rs.next()) {
                        lines.add("column " + name + "."
                                + rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT)
                                + " #" + rs.getInt("ORDINAL_POSITION") + " " + rs.getString("TYPE_NAME") + "("
                                + rs.getInt("COLUMN_SIZE") + "," + rs.getInt("DECIMAL_DIGITS") + ") nullable="
                                + rs.getString("IS_NULLABLE") + " default=" + rs.getString("COLUMN_DEF")
                                + " autoincrement=" + rs.getString("IS_AUTOINCREMENT"));
                    }
                }
                try (ResultSet rs = metaData.getPrimaryKeys(catalog, schemaName, table)) {
                    while (rs.next()) {
                        lines.add("primary key " + name + " " + rs.getInt("KEY_SEQ") + " "
                                + rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
                try (ResultSet rs = metaData.getIndexInfo(catalog, schemaName, table, false, false)) {
                    while (rs.next()) {
                        if (rs.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) {
                            continue;
                        }
                        String index = rs.getString("INDEX_NAME").toLowerCase(Locale.ROOT);
                        lines.add("index " + name + " " + (index.startsWith("dualwrite") ? index : "(generated)")
                                + " unique=" + !rs.getBoolean("NON_UNIQUE") + " " + rs.getInt("ORDINAL_POSITION")
                                + " " + rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
                try (ResultSet rs = metaData.getImportedKeys(catalog, schemaName, table)) {
                    while (rs.next()) {
                        lines.add("foreign key " + name + "." + rs.getString("FKCOLUMN_NAME") + " -> "
                                + rs.getString("PKTABLE_NAME") + "." + rs.getString("PKCOLUMN_NAME"));
                    }
                }
            }
        }
        lines.sort(null);
        return lines;
    }

    /**
     * A new, empty schema of the test database: a schema on PostgreSQL (the connections' current schema), a
     * database on MariaDB, an in-memory database on H2.
     */
    private FreshSchema fresh() {
        TestDatabase database = database();
        String name =
                "dw_schema_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        FreshSchema schema =
                switch (database.kind()) {
                    case POSTGRESQL -> {
                        execute(database.dataSource(), "CREATE SCHEMA " + name);
                        yield new FreshSchema(
                                database.jdbcUrl() + (database.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema="
                                        + name,
                                database.user(),
                                database.password(),
                                () -> execute(database.dataSource(), "DROP SCHEMA " + name + " CASCADE"));
                    }
                    case MARIADB -> {
                        execute(database.dataSource(), "CREATE DATABASE " + name);
                        yield new FreshSchema(
                                withDatabase(database.jdbcUrl(), name),
                                database.user(),
                                database.password(),
                                () -> execute(database.dataSource(), "DROP DATABASE " + name));
                    }
                    case H2 -> {
                        String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
                        yield new FreshSchema(
                                url, "sa", "", () -> execute(new DriverManagerDataSource(url, "sa", ""), "SHUTDOWN"));
                    }
                };
        schemas.add(schema);
        return schema;
    }

    /** The MariaDB URL naming another database, its parameters kept. */
    static String withDatabase(String url, String database) {
        int hosts = url.indexOf("//") + 2;
        int query = url.indexOf('?', hosts);
        String parameters = query < 0 ? "" : url.substring(query);
        String server = query < 0 ? url : url.substring(0, query);
        int slash = server.indexOf('/', hosts);
        return (slash < 0 ? server : server.substring(0, slash)) + "/" + database + parameters;
    }

    private static void execute(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not run " + sql + ": " + e.getMessage(), e);
        }
    }

    private record FreshSchema(String url, String user, String password, Runnable drop) {

        DataSource dataSource() {
            return new DriverManagerDataSource(url, user, password);
        }
    }

    /** A migration from {@code person_full} to {@code person_split}, tables the application's own V1 creates. */
    @Configuration(proxyBeanMethods = false)
    static class PersonMigration {
        record Full(long id, String name) {}

        record Split(long id, String first, String last) {}

        @Bean
        Migration<Long, Full, Split> names(JdbcTransactions transactions) {
            JdbcStore<Long, Full> full = JdbcStore.builder(transactions, Long.class, Full.class)
                    .table("person_full")
                    .key("id", Full::id)
                    .columns("name")
                    .mapper(rs -> new Full(rs.getLong("id"), rs.getString("name")))
                    .binder((v, row) -> row.set("name", v.name()))
                    .build();
            JdbcStore<Long, Split> split = JdbcStore.builder(transactions, Long.class, Split.class)
                    .table("person_split")
                    .key("id", Split::id)
                    .columns("first_name", "last_name")
                    .mapper(rs -> new Split(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                    .binder((v, row) -> row.set("first_name", v.first()).set("last_name", v.last()))
                    .build();
            return Migration.builder("names", Long.class, full, split)
                    .toNew(f ->
                            new Split(f.id(), f.name().split(" ")[0], f.name().split(" ")[1]))
                    .build();
        }
    }
}
