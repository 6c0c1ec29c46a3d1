package io.dualwrite.core.jdbc;

import io.dualwrite.core.model.Side;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The DDL that captures the writes bypassing dualwrite on one migration's table: the {@code dualwrite_capture}
 * table, and AFTER INSERT, UPDATE and DELETE row triggers that record the key of every row changed by a session that
 * dualwrite did not mark ({@link WriterMarker}). An UPDATE is recorded only when one of the migration's own columns
 * (or the key) changed: another migration's columns of a shared table, or kept columns, do not count.
 *
 * <p>A migration captures OLD's table, and NEW's once NEW is the source of truth (the triggers on NEW are created with
 * OLD's, see docs/capture.md); each trigger records the side it watches. When both sides share one database they share
 * one record per key, whose {@code side} is that of the latest capture; in two databases each has its own table.
 *
 * <p>dualwrite applies it itself ({@link #create()}, {@link #drop()}) unless told not to; teams that apply DDL
 * through Flyway or Liquibase print it with {@link #script(List)} and apply it as a migration of their own. The
 * statements are those dualwrite runs, one per list element; MariaDB's trigger bodies contain semicolons, so a
 * script for the {@code mariadb} client needs a {@code DELIMITER} around them (Flyway and Liquibase need none).
 *
 * <pre>{@code
 * CREATE TABLE dualwrite_capture (
 *     migration   VARCHAR(100) NOT NULL,
 *     entity_key  VARCHAR(500) NOT NULL,   -- the key as the migration's KeyCodec encodes it
 *     token       VARCHAR(64)  NOT NULL,   -- new at every capture: the drain removes only what it copied
 *     writes      BIGINT       NOT NULL,   -- row changes captured under this key since the drain last took it
 *     captured_at TIMESTAMP    NOT NULL,
 *     side        VARCHAR(3)   DEFAULT 'OLD' NOT NULL,  -- the side of the latest capture: OLD or NEW
 *     PRIMARY KEY (migration, entity_key))
 * }</pre>
 *
 * <p>Keys over one column of type BIGINT, INT, a character type or UUID only: the trigger writes the key's text as
 * the database renders it, which equals the built-in {@code KeyCodec} of {@code Long}, {@code Integer},
 * {@code String} and {@code UUID}.
 */
public final class CaptureDdl {

    /** The table captured keys wait in, in the database of the captured table. */
    public static final String TABLE = "dualwrite_capture";

    private static final String SIDE_COLUMN = "side VARCHAR(3) DEFAULT 'OLD' NOT NULL";

    private final SqlDialect dialect;
    private final Side side;
    private final String migration;
    private final String table;
    private final String keyColumn;
    private final List<String> columns;
    private final String baseName;

    /**
     * The DDL for the OLD table.
     *
     * @param migration the migration's name
     * @param table the captured table (the OLD table)
     * @param keyColumn its key column
     * @param columns the columns the migration owns on it
     */
    public CaptureDdl(SqlDialect dialect, String migration, String table, String keyColumn, List<String> columns) {
        this(dialect, Side.OLD, migration, table, keyColumn, columns);
    }

    /**
     * @param side the side whose table this captures, written into every record
     * @param migration the migration's name
     * @param table the captured table
     * @param keyColumn its key column
     * @param columns the columns the migration owns on it
     */
    public CaptureDdl(
            SqlDialect dialect, Side side, String migration, String table, String keyColumn, List<String> columns) {
        if (dialect == SqlDialect.H2) {
            throw new IllegalArgumentException(
                    "Capturing bypass writes needs PostgreSQL or MariaDB triggers; H2 is not supported");
        }
        this.dialect = dialect;
        this.side = Objects.requireNonNull(side, "side");
        this.migration = Objects.requireNonNull(migration, "migration");
        this.table = Objects.requireNonNull(table, "table");
        this.keyColumn = Objects.requireNonNull(keyColumn, "keyColumn");
        this.columns = List.copyOf(columns);
        this.baseName = baseName(migration, table);
    }

    /** The DDL for the OLD store's table: its key column and own columns. */
    public static CaptureDdl forStore(String migration, JdbcStore<?, ?> store) {
        return forStore(migration, store, Side.OLD);
    }

    /** The DDL for the table of the store of {@code side}: its key column and own columns. */
    public static CaptureDdl forStore(String migration, JdbcStore<?, ?> store, Side side) {
        if (store.keyColumns().size() != 1) {
            throw new IllegalArgumentException("Migration '" + migration + "': capturing bypass writes supports keys"
                    + " over one column, but " + store.table() + " has a key over " + store.keyColumns());
        }
        return new CaptureDdl(
                store.transactions().dialect(), side, migration, store.table(), store.keyColumn(), store.columns());
    }

    /**
     * The statements that create the capture table (if absent; a table created before it had a {@code side} column
     * gets one) and this migration's triggers (replacing them).
     */
    public List<String> create() {
        List<String> statements = new ArrayList<>();
        statements.add(createTable());
        statements.add("ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS " + SIDE_COLUMN);
        statements.addAll(drop());
        if (dialect == SqlDialect.POSTGRESQL) {
            statements.add(postgresFunction());
            statements.add("CREATE TRIGGER " + triggerName("iud") + " AFTER INSERT OR DELETE ON " + table
                    + " FOR EACH ROW WHEN (" + postgresUnmarked() + ") EXECUTE FUNCTION " + functionName() + "()");
            statements.add("CREATE TRIGGER " + triggerName("upd") + " AFTER UPDATE ON " + table
                    + " FOR EACH ROW WHEN (" + postgresUnmarked() + " AND ("
                    + changed("OLD.%1$s IS DISTINCT FROM NEW.%1$s", " OR ")
                    + ")) EXECUTE FUNCTION " + functionName() + "()");
        } else {
            statements.add(mariaDbTrigger("ins", "INSERT", "NEW", null));
            statements.add(mariaDbTrigger("upd", "UPDATE", "NEW", changed("NOT (OLD.%1$s <=> NEW.%1$s)", " OR ")));
            statements.add(mariaDbTrigger("del", "DELETE", "OLD", null));
        }
        return statements;
    }

    /** The statements that drop this migration's triggers (the capture table stays: other migrations may use it). */
    public List<String> drop() {
        if (dialect == SqlDialect.POSTGRESQL) {
            return List.of(
                    "DROP TRIGGER IF EXISTS " + triggerName("iud") + " ON " + table,
                    "DROP TRIGGER IF EXISTS " + triggerName("upd") + " ON " + table,
                    "DROP FUNCTION IF EXISTS " + functionName() + "()");
        }
        return List.of(
                "DROP TRIGGER IF EXISTS " + triggerName("ins"),
                "DROP TRIGGER IF EXISTS " + triggerName("upd"),
                "DROP TRIGGER IF EXISTS " + triggerName("del"));
    }

    /** The statements as a script: each ended by {@code ;}, MariaDB's trigger bodies inside a DELIMITER. */
    public String script(List<String> statements) {
        if (dialect == SqlDialect.POSTGRESQL) {
            return statements.stream().map(s -> s + ";\n").collect(Collectors.joining());
        }
        StringBuilder script = new StringBuilder();
        for (String statement : statements) {
            if (statement.startsWith("CREATE TRIGGER")) {
                script.append("DELIMITER //\n").append(statement).append(" //\nDELIMITER ;\n");
            } else {
                script.append(statement).append(";\n");
            }
        }
        return script.toString();
    }

    /** The names of this migration's triggers, for checking the catalog. */
    public List<String> triggerNames() {
        return dialect == SqlDialect.POSTGRESQL
                ? List.of(triggerName("iud"), triggerName("upd"))
                : List.of(triggerName("ins"), triggerName("upd"), triggerName("del"));
    }

    public SqlDialect dialect() {
        return dialect;
    }

    /** The side whose table this captures. */
    public Side side() {
        return side;
    }

    public String table() {
        return table;
    }

    /** The captured table's key column. */
    public String keyColumn() {
        return keyColumn;
    }

    /** The columns of the captured table the migration owns (an UPDATE of none of them is not captured). */
    public List<String> columns() {
        return columns;
    }

    /** The statement that creates the capture table if it is absent. */
    public String createTable() {
        String timestamp = dialect == SqlDialect.POSTGRESQL ? "TIMESTAMP" : "DATETIME(6)";
        return "CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                + "migration VARCHAR(100) NOT NULL, "
                + "entity_key VARCHAR(500) NOT NULL, "
                + "token VARCHAR(64) NOT NULL, "
                + "writes BIGINT NOT NULL, "
                + "captured_at " + timestamp + " NOT NULL, "
                + SIDE_COLUMN + ", "
                + "PRIMARY KEY (migration, entity_key))";
    }

    private String postgresUnmarked() {
        return "current_setting('" + WriterMarker.POSTGRES_SETTING + "', true) IS DISTINCT FROM 'on'";
    }

    private String postgresFunction() {
        String upsert = "INSERT INTO " + TABLE + " (migration, entity_key, token, writes, captured_at, side) VALUES ("
                + literal(migration) + ", %s::text, md5(random()::text || clock_timestamp()::text), 1,"
                + " clock_timestamp() AT TIME ZONE 'UTC', " + literal(side.name()) + ") ON CONFLICT (migration,"
                + " entity_key) DO UPDATE SET token = EXCLUDED.token, writes = " + TABLE + ".writes + 1,"
                + " captured_at = EXCLUDED.captured_at, side = EXCLUDED.side;";
        return "CREATE OR REPLACE FUNCTION " + functionName() + "() RETURNS trigger LANGUAGE plpgsql AS $dw$\n"
                + "BEGIN\n"
                + "  IF TG_OP <> 'DELETE' THEN\n"
                + "    " + upsert.formatted("NEW." + keyColumn) + "\n"
                + "  END IF;\n"
                + "  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD." + keyColumn + " IS DISTINCT FROM NEW."
                + keyColumn + ") THEN\n"
                + "    " + upsert.formatted("OLD." + keyColumn) + "\n"
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END\n"
                + "$dw$";
    }

    private String mariaDbTrigger(String suffix, String event, String row, String condition) {
        String upsert = "INSERT INTO " + TABLE + " (migration, entity_key, token, writes, captured_at, side) VALUES ("
                + literal(migration) + ", CAST(%s AS CHAR), UUID(), 1, UTC_TIMESTAMP(6), " + literal(side.name())
                + ") ON DUPLICATE KEY UPDATE token = VALUES(token), writes = writes + 1,"
                + " captured_at = VALUES(captured_at), side = VALUES(side);";
        StringBuilder body = new StringBuilder();
        body.append("CREATE TRIGGER ")
                .append(triggerName(suffix))
                .append(" AFTER ")
                .append(event)
                .append(" ON ")
                .append(table)
                .append(" FOR EACH ROW BEGIN\n  IF ")
                .append(WriterMarker.MARIADB_VARIABLE)
                .append(" IS NULL");
        if (condition != null) {
            body.append(" AND (").append(condition).append(")");
        }
        body.append(" THEN\n    ")
                .append(upsert.formatted(row + "." + keyColumn))
                .append("\n");
        if (event.equals("UPDATE")) {
            body.append("    IF NOT (OLD.")
                    .append(keyColumn)
                    .append(" <=> NEW.")
                    .append(keyColumn)
                    .append(") THEN\n      ")
                    .append(upsert.formatted("OLD." + keyColumn))
                    .append("\n    END IF;\n");
        }
        body.append("  END IF;\nEND");
        return body.toString();
    }

    /** The condition that one of the migration's columns or the key changed. */
    private String changed(String format, String separator) {
        List<String> watched = new ArrayList<>();
        watched.add(keyColumn);
        watched.addAll(columns);
        return watched.stream().map(format::formatted).collect(Collectors.joining(separator));
    }

    private String triggerName(String suffix) {
        return baseName + "_" + suffix;
    }

    private String functionName() {
        return baseName + "_fn";
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** {@code dw_cap_<readable part>_<hash>}: short enough for PostgreSQL's 63 and MariaDB's 64 characters. */
    private static String baseName(String migration, String table) {
        String readable = migration.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        if (readable.length() > 24) {
            readable = readable.substring(0, 24);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((migration + "\u0000" + table).getBytes(StandardCharsets.UTF_8));
            return "dw_cap_" + readable + "_" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
