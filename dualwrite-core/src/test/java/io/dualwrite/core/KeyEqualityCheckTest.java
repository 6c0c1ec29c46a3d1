package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.AbstractKeyOrderTest.Item;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.testsupport.TestDatabases;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Registering a migration refuses string key columns that hold different keys equal, read from each database's
 * catalog, and names both columns, both collations and the fix.
 */
class KeyEqualityCheckTest {

    private static final String OLD = "keyeq_old";
    private static final String NEW = "keyeq_new";

    private final DataSource mariadb = TestDatabases.mariadb().dataSource();
    private final DataSource postgres = TestDatabases.postgres().dataSource();

    @Test
    void aCaseInsensitiveMariaDbKeyAgainstADeterministicPostgresKeyIsRefused() {
        Migration<String, Item<String>, Item<String>> migration =
                migration(String.class, mariadb, "VARCHAR(100)", postgres, "VARCHAR(100)");

        assertThatThrownBy(() -> register(migration))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining(migration.name())
                .hasMessageContaining("OLD keyeq_old.id (MariaDB varchar, collation utf8mb4_general_ci:"
                        + " case- and accent-insensitive, trailing spaces ignored)")
                .hasMessageContaining("NEW keyeq_new.id (PostgreSQL varchar, collation default (")
                .hasMessageContaining("): equal only when identical)")
                .hasMessageContaining("utf8mb4_nopad_bin")
                .hasMessageContaining("acceptKeyCollations(reason)");
    }

    @Test
    void aPadSpaceBinaryMariaDbKeyIgnoresTrailingSpacesAndIsRefusedAgainstPostgres() {
        Migration<String, Item<String>, Item<String>> migration =
                migration(String.class, mariadb, "VARCHAR(100) COLLATE utf8mb4_bin", postgres, "VARCHAR(100)");

        assertThatThrownBy(() -> register(migration))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("collation utf8mb4_bin: equal when identical but for trailing spaces");
    }

    @Test
    void aBinaryNoPadMariaDbKeyAgainstDeterministicPostgresKeysPasses() {
        assertRegisters(
                migration(String.class, mariadb, "VARCHAR(100) COLLATE utf8mb4_nopad_bin", postgres, "VARCHAR(100)"));
        assertRegisters(migration(
                String.class,
                mariadb,
                "VARCHAR(100) COLLATE utf8mb4_nopad_bin",
                postgres,
                "VARCHAR(100) COLLATE \"en-x-icu\""));
    }

    @Test
    void charKeysThatBothIgnoreTrailingSpacesPass() {
        assertRegisters(migration(String.class, mariadb, "CHAR(10) COLLATE utf8mb4_bin", postgres, "CHAR(10)"));
    }

    @Test
    void longAndUuidKeysPassWhateverTheDatabases() {
        assertRegisters(migration(Long.class, mariadb, "BIGINT", postgres, "BIGINT"));
        assertRegisters(migration(UUID.class, mariadb, "UUID", postgres, "uuid"));
    }

    @Test
    void twoCollationsInOneMariaDbDatabaseAreRefused() {
        Migration<String, Item<String>, Item<String>> migration =
                migration(String.class, mariadb, "VARCHAR(100)", mariadb, "VARCHAR(100) COLLATE utf8mb4_nopad_bin");

        assertThatThrownBy(() -> register(migration))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("collation utf8mb4_general_ci")
                .hasMessageContaining("collation utf8mb4_nopad_bin: equal only when identical");
    }

    @Test
    void theSameCaseInsensitiveCollationOnBothSidesPasses() {
        assertRegisters(migration(String.class, mariadb, "VARCHAR(100)", mariadb, "VARCHAR(50)"));
    }

    @Test
    void aNondeterministicPostgresCollationAgainstADeterministicOneIsRefused() {
        People.execute(
                postgres,
                "CREATE COLLATION IF NOT EXISTS dualwrite_test_ci"
                        + " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
        Migration<String, Item<String>, Item<String>> migration = migration(
                String.class,
                postgres,
                "VARCHAR(100) COLLATE dualwrite_test_ci",
                postgres,
                "VARCHAR(100) COLLATE \"und-x-icu\"");

        assertThatThrownBy(() -> register(migration))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("collation dualwrite_test_ci: nondeterministic")
                .hasMessageContaining("collation und-x-icu: equal only when identical");
    }

    @Test
    void h2AgainstADeterministicPostgresKeyPasses() {
        assertRegisters(
                migration(String.class, TestDatabases.h2().dataSource(), "VARCHAR(100)", postgres, "VARCHAR(100)"));
    }

    @Test
    void aDeclaredDifferenceIsRegisteredAndNeedsAReason() {
        Migration<String, Item<String>, Item<String>> accepted = builder(
                        String.class, mariadb, "VARCHAR(100)", postgres, "VARCHAR(100)")
                .acceptKeyCollations("keys are lower-case ASCII codes")
                .build();

        assertRegisters(accepted);
        assertRegisters(accepted.withFailurePolicy(SecondaryFailurePolicy.RECORD_FOR_REPAIR));
        assertThatThrownBy(() -> builder(String.class, mariadb, "VARCHAR(100)", postgres, "VARCHAR(100)")
                        .acceptKeyCollations(" "))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("acceptKeyCollations needs a reason");
    }

    @Test
    void aTableThatIsNotThereYetIsNotChecked() {
        Migration<String, Item<String>, Item<String>> migration =
                migration(String.class, mariadb, "VARCHAR(100)", postgres, "VARCHAR(100)");
        People.execute(mariadb, "DROP TABLE " + OLD);

        assertRegisters(migration);
    }

    private <K> Migration<K, Item<K>, Item<K>> migration(
            Class<K> keyType, DataSource oldDatabase, String oldColumn, DataSource newDatabase, String newColumn) {
        return builder(keyType, oldDatabase, oldColumn, newDatabase, newColumn).build();
    }

    private <K> Migration.Builder<K, Item<K>, Item<K>> builder(
            Class<K> keyType, DataSource oldDatabase, String oldColumn, DataSource newDatabase, String newColumn) {
        table(oldDatabase, OLD, oldColumn);
        table(newDatabase, NEW, newColumn);
        JdbcTransactions oldTransactions = JdbcTransactions.of(oldDatabase);
        JdbcTransactions newTransactions =
                newDatabase == oldDatabase ? oldTransactions : JdbcTransactions.of(newDatabase);
        return Migration.builder(
                        "key-equality-" + UUID.randomUUID(),
                        keyType,
                        AbstractKeyOrderTest.store(oldTransactions, keyType, OLD),
                        AbstractKeyOrderTest.store(newTransactions, keyType, NEW))
                .toNew(item -> item);
    }

    private static void table(DataSource database, String table, String keyColumn) {
        People.execute(
                database,
                "DROP TABLE IF EXISTS " + table,
                "CREATE TABLE " + table + " (id " + keyColumn + " PRIMARY KEY, payload VARCHAR(100))");
    }

    private static void register(Migration<?, ?, ?> migration) {
        DualWrite.builder(new InMemoryPhaseStore())
                .singleInstance()
                .migration(migration)
                .build()
                .close();
    }

    private static void assertRegisters(Migration<?, ?, ?> migration) {
        assertThatCode(() -> register(migration)).as(migration.toString()).doesNotThrowAnyException();
    }
}
