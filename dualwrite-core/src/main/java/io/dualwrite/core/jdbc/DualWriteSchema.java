package io.dualwrite.core.jdbc;

import io.dualwrite.core.model.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * dualwrite's own tables ({@code dualwrite_phase}, {@code dualwrite_audit}, {@code dualwrite_divergence}), created
 * by the per-dialect scripts {@code io/dualwrite/core/jdbc/schema-<dialect>.sql} shipped in this jar. The scripts are
 * idempotent; teams that manage schemas with Flyway or Liquibase copy them into their own migrations instead.
 */
public final class DualWriteSchema {

    private DualWriteSchema() {}

    /** Creates the tables that do not exist yet in the data source's database. */
    public static void create(DataSource dataSource) {
        create(JdbcTransactions.of(dataSource));
    }

    /** Creates the tables that do not exist yet in the database of these transactions. */
    public static void create(JdbcTransactions transactions) {
        SqlDialect dialect = transactions.dialect();
        List<String> statements = statements(script(dialect));
        transactions.withConnection(c -> {
            try (Statement statement = c.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            }
            return null;
        });
    }

    /** dualwrite's tables that hold rows per migration. */
    static final List<String> MIGRATION_TABLES = List.of(
            "dualwrite_phase",
            "dualwrite_audit",
            "dualwrite_backfill",
            "dualwrite_verification",
            "dualwrite_divergence",
            "dualwrite_instance",
            "dualwrite_resync",
            "dualwrite_fence");

    /** As {@link #purge(JdbcTransactions, String)}. */
    public static long purge(DataSource dataSource, String migration) {
        return purge(JdbcTransactions.of(dataSource), migration);
    }

    /**
     * Deletes a finished migration's rows from dualwrite's tables in this database (its phase, audit trail, copy and
     * verification progress, ledger entries, instance reports, re-syncs and fences), once its history is no longer
     * needed: run it in each database that holds dualwrite's tables for the migration. Refused while this database
     * holds the migration's phase and the migration is not finished (purging it would restart it in OLD_ONLY).
     *
     * @return the number of rows deleted
     * @throws IllegalStateException if the migration is stored here and not finished
     */
    public static long purge(JdbcTransactions transactions, String migration) {
        JdbcPhaseStore phases = new JdbcPhaseStore(transactions);
        if (phases.find(migration).isPresent() && phases.finished(migration).isEmpty()) {
            throw new IllegalStateException("Migration '" + migration + "' is not finished, so its history cannot be"
                    + " purged: purging would start it again in OLD_ONLY. Finish it in DROP_OLD first"
                    + " (ManagedMigration.finish), or leave its rows");
        }
        return transactions.inTransaction(() -> transactions.withConnection(c -> {
            long deleted = 0;
            for (String table : MIGRATION_TABLES) {
                try (java.sql.PreparedStatement delete =
                        c.prepareStatement("DELETE FROM " + table + " WHERE migration = ?")) {
                    delete.setString(1, migration);
                    deleted += delete.executeUpdate();
                }
            }
            return deleted;
        }));
    }

    /** The text of the schema script for a dialect. */
    public static String script(SqlDialect dialect) {
        String resource = "schema-" + dialect.scriptSuffix() + ".sql";
        try (InputStream in = DualWriteSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing " + resource + " next to " + DualWriteSchema.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("Could not read " + resource, e);
        }
    }

    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        return statements;
    }
}
