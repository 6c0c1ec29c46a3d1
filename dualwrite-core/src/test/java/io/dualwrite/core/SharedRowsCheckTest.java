package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.testsupport.TestDatabases;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Registering a migration refuses a shared-rows store whose columns cannot be NULL (its deletes clear them to NULL),
 * naming the table, the columns and the fix, on each database.
 */
class SharedRowsCheckTest {

    private record Plan(long id, String plan) {}

    @Test
    void aNotNullSharedColumnIsRefusedOnPostgres() {
        refused(TestDatabases.postgres().dataSource());
    }

    @Test
    void aNotNullSharedColumnIsRefusedOnMariaDb() {
        refused(TestDatabases.mariadb().dataSource());
    }

    @Test
    void nullableSharedColumnsWithDefaultsAreRegistered() {
        DataSource database = TestDatabases.postgres().dataSource();
        People.execute(
                database,
                "DROP TABLE IF EXISTS shared_check_old",
                "CREATE TABLE shared_check_old (id BIGINT PRIMARY KEY, full_name VARCHAR(100) NOT NULL,"
                        + " plan VARCHAR(20) DEFAULT 'free')");
        assertThatCode(() -> register(migration(database))).doesNotThrowAnyException();
    }

    private static void refused(DataSource database) {
        People.execute(
                database,
                "DROP TABLE IF EXISTS shared_check_old",
                "CREATE TABLE shared_check_old (id BIGINT PRIMARY KEY, full_name VARCHAR(100) NOT NULL,"
                        + " plan VARCHAR(20) DEFAULT 'free' NOT NULL)");
        Migration<Long, Plan, Plan> migration = migration(database);

        assertThatThrownBy(() -> register(migration))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining(migration.name())
                .hasMessageContaining("the OLD store shares the rows of shared_check_old")
                .hasMessageContaining("but plan cannot be NULL there")
                .hasMessageContaining("Let those columns accept NULL");
    }

    private static Migration<Long, Plan, Plan> migration(DataSource database) {
        People.execute(
                database,
                "DROP TABLE IF EXISTS shared_check_new",
                "CREATE TABLE shared_check_new (id BIGINT PRIMARY KEY, plan VARCHAR(20) NOT NULL)");
        JdbcTransactions transactions = JdbcTransactions.of(database);
        return Migration.builder(
                        "shared-rows-" + UUID.randomUUID(),
                        Long.class,
                        store(transactions, "shared_check_old").sharedRows().build(),
                        store(transactions, "shared_check_new").build())
                .toNew(plan -> plan)
                .build();
    }

    private static JdbcStore.Builder<Long, Plan> store(JdbcTransactions transactions, String table) {
        return JdbcStore.builder(transactions, Long.class, Plan.class)
                .table(table)
                .key("id", Plan::id)
                .columns("plan")
                .mapper(rs -> new Plan(rs.getLong("id"), rs.getString("plan")))
                .binder((p, row) -> row.set("plan", p.plan()));
    }

    private static void register(Migration<?, ?, ?> migration) {
        DualWrite.builder(new InMemoryPhaseStore())
                .singleInstance()
                .migration(migration)
                .build()
                .close();
    }
}
