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
 * idempotent. Teams that manage their schema with Flyway or Liquibase run the same scripts from this jar instead: the
 * repeatable Flyway migration {@code db/dualwrite/<dialect>/R__dualwrite_schema.sql} (a copy the build makes) or the
 * changelog {@code db/dualwrite/changelog.xml} (docs/schema.md).
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
            "dualwrite_backfill_partition",
            "dualwrite_verification",
            "dualwrite_divergence",
            "dualwrite_instance",
            "dualwrite_resync",
            "dualwrite_fence",
            "dualwrite_old_side");

    /** Instances that reported on a migration within this long still run it: its history is not purged then. */
    static final java.time.Duration STILL_RUNNING = java.time.Duration.ofMinutes(1);

    /** As {@link #purge(JdbcTransactions, String, JdbcTransactions...)}, on data sources. */
    public static long purge(DataSource phaseDatabase, String migration, DataSource... otherDatabases) {
        JdbcTransactions[] others = new JdbcTransactions[otherDatabases.length];
        for (int i = 0; i < otherDatabases.length; i++) {
            others[i] = JdbcTransactions.of(otherDatabases[i]);
        }
        return purge(JdbcTransactions.of(phaseDatabase), migration, others);
    }

    /**
     * Deletes a finished migration's rows from dualwrite's tables (its phase, audit trail, copy and verification
     * progress, ledger entries, instance reports, re-syncs and fences), once its history is no longer needed: in the
     * database that holds its phase, and in each other database that holds dualwrite's tables for it (the other
     * side's, across two databases). The other databases are purged first, the phase last, so that a purge that
     * fails half-way can be run again.
     *
     * @return the number of rows deleted
     * @throws IllegalStateException if the phase database holds no FINISHED entry for the migration (purging a
     *     running migration would lose the keys its ledgers hold and start it again in OLD_ONLY), or an instance
     *     reported on the migration within the last minute (remove the migration's bean first)
     */
    public static long purge(JdbcTransactions phaseDatabase, String migration, JdbcTransactions... otherDatabases) {
        JdbcPhaseStore phases = new JdbcPhaseStore(phaseDatabase);
        if (phases.finished(migration).isEmpty()) {
            throw new IllegalStateException("Migration '" + migration + "' is not finished in this database's phase"
                    + " store, so its history cannot be purged: purging a running migration would lose the keys its"
                    + " ledgers hold and start it again in OLD_ONLY. Finish it in DROP_OLD first"
                    + " (ManagedMigration.finish), and pass the database that holds its phase first");
        }
        java.time.Instant now = java.time.Instant.now();
        List<String> running = new JdbcInstanceRegistry(phaseDatabase)
                .instances(migration).stream()
                        .filter(i -> i.isLive(now, STILL_RUNNING))
                        .map(i -> i.instanceId())
                        .toList();
        if (!running.isEmpty()) {
            throw new IllegalStateException("Migration '" + migration + "' is finished, but instances still run it"
                    + " (reported within " + STILL_RUNNING + "): " + running + ". Deploy the application without the"
                    + " migration's bean first, then purge");
        }
        long deleted = 0;
        for (JdbcTransactions other : otherDatabases) {
            deleted += deleteRows(other, migration);
        }
        return deleted + deleteRows(phaseDatabase, migration);
    }

    private static long deleteRows(JdbcTransactions transactions, String migration) {
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
