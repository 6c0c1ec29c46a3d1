package io.dualwrite.core.jdbc;

import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.store.KeySource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A migration's key source ({@link KeySource}) that draws from a database sequence: {@code nextval} on PostgreSQL,
 * {@code NEXT VALUE FOR} on H2, {@code NEXTVAL} on MariaDB 10.3+. It is the one source of ids in every phase, DROP_OLD
 * included, so that the two sides can never collide while the migration runs; see docs/generated-keys.md.
 *
 * <pre>{@code
 * Migration<Long, Customer, CustomerName> split = Migration.builder("split-name", Long.class, customers, names)
 *         .keys(KeySequence.of(transactions, "customer_id_seq"))        // or:
 *      // .keys(KeySequence.ofColumn(transactions, "customer", "id"))    // a PostgreSQL IDENTITY or SERIAL column
 *         .toNew(...)
 *         .build();
 * Customer saved = dualWrite.repository(split).create(id -> new Customer(id, "Ada Lovelace"));
 * }</pre>
 *
 * <p>A value drawn and never written leaves a gap; a sequence never goes back, so no rollback reuses an id. A draw
 * joins the transaction open on this thread in the sequence's database, if any (sequences are not transactional:
 * a rolled-back draw is not handed out again).
 */
public final class KeySequence implements KeySource<Long> {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final JdbcTransactions transactions;
    private final @Nullable String table;
    private final @Nullable String column;
    private volatile @Nullable String sequence;

    private KeySequence(
            JdbcTransactions transactions, @Nullable String sequence, @Nullable String table, @Nullable String column) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.sequence = sequence;
        this.table = table;
        this.column = column;
    }

    /**
     * Draws from a named sequence ({@code schema.name} or {@code name}) in the database of {@code transactions}.
     * Make it the default of the OLD table's key column, so that every other writer draws from it too.
     */
    public static KeySequence of(JdbcTransactions transactions, String sequence) {
        return new KeySequence(transactions, identifier(sequence, "sequence"), null, null);
    }

    /** As {@link #of(JdbcTransactions, String)}, on a data source; dualwrite keeps the transactions. */
    public static KeySequence of(DataSource dataSource, String sequence) {
        return of(JdbcTransactions.of(dataSource), sequence);
    }

    /**
     * Draws from the sequence a table's key column draws from, found in the catalog on first use: a PostgreSQL
     * {@code IDENTITY} or {@code SERIAL} column's own sequence ({@code pg_get_serial_sequence}), or the sequence
     * named in the column's default on any dialect.
     *
     * @throws InvalidMigrationException on first use, if the column draws from no sequence that can be named (an H2
     *     identity, MariaDB's {@code AUTO_INCREMENT}, no generator), or refuses explicit values
     *     ({@code GENERATED ALWAYS}); the message says the fix
     */
    public static KeySequence ofColumn(JdbcTransactions transactions, String table, String column) {
        return new KeySequence(transactions, null, identifier(table, "table"), identifier(column, "column"));
    }

    /** {@inheritDoc} Draws the sequence's next value: one statement, in the transaction open on this thread if any. */
    @Override
    public Long nextKey() {
        String sql = "SELECT " + nextValueExpression();
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql);
                    ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** The SQL expression that draws the next value, such as {@code nextval('customer_id_seq')}. */
    public String nextValueExpression() {
        String name = sequence();
        return switch (transactions.dialect()) {
            case POSTGRESQL -> "nextval('" + name + "')";
            case H2 -> "NEXT VALUE FOR " + name;
            case MARIADB -> "NEXTVAL(" + name + ")";
        };
    }

    /**
     * The lowest value the sequence may hand out next, read without drawing one; empty when the sequence does not
     * exist. (Values a session cached before are not seen: a sequence with a cache may hand those out still.)
     */
    public Optional<Long> peekNext() {
        String name = sequence();
        return transactions.withConnection(c -> {
            String sql =
                    switch (transactions.dialect()) {
                        case POSTGRESQL ->
                            "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM " + name;
                        case MARIADB -> "SELECT next_not_cached_value FROM " + name;
                        case H2 ->
                            "SELECT BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES WHERE UPPER(SEQUENCE_NAME) = UPPER(?)"
                                    + " AND UPPER(SEQUENCE_SCHEMA) = UPPER(COALESCE(?, CURRENT_SCHEMA))";
                    };
            java.sql.Savepoint savepoint = c.getAutoCommit() ? null : c.setSavepoint();
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                if (transactions.dialect() == SqlDialect.H2) {
                    int dot = name.indexOf('.');
                    statement.setString(1, name.substring(dot + 1));
                    statement.setString(2, dot < 0 ? null : name.substring(0, dot));
                }
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
            } catch (java.sql.SQLException e) {
                if (savepoint != null) {
                    c.rollback(savepoint);
                }
                return Optional.<Long>empty(); // PostgreSQL, MariaDB: no such relation
            }
        });
    }

    /** The statement that restarts the sequence at a value (the same on every dialect). */
    public String restartSql(long value) {
        return "ALTER SEQUENCE " + sequence() + " RESTART WITH " + value;
    }

    /**
     * The sequence's name: as declared, or as the catalog names the column's sequence for {@link #ofColumn}.
     *
     * @throws InvalidMigrationException if the column draws from no sequence dualwrite can draw from
     */
    public String sequence() {
        String known = sequence;
        if (known == null) {
            known = resolve();
            sequence = known;
        }
        return known;
    }

    /** The transactions of the sequence's database. */
    public JdbcTransactions transactions() {
        return transactions;
    }

    @Override
    public String description() {
        return "sequence " + (sequence != null ? sequence : "of " + table + "." + column);
    }

    @Override
    public String toString() {
        return "KeySequence[" + description() + "]";
    }

    private String resolve() {
        KeyGenerator generator = KeyGenerator.read(transactions, table, column)
                .orElseThrow(() -> new InvalidMigrationException("KeySequence.ofColumn: the catalog lists no column "
                        + table + "." + column + "; create the table first, or name the sequence with"
                        + " KeySequence.of(transactions, sequence)"));
        return switch (generator.kind()) {
            case IDENTITY, SEQUENCE -> {
                if (generator.sequence() == null) {
                    throw new InvalidMigrationException(KeySequenceCheck.hiddenIdentity(
                            transactions.dialect(), table, column, generator.columnType()));
                }
                yield identifier(generator.sequence(), "sequence");
            }
            case IDENTITY_ALWAYS ->
                throw new InvalidMigrationException(
                        KeySequenceCheck.generatedAlways("KeySequence.ofColumn", table, column));
            case AUTO_INCREMENT ->
                throw new InvalidMigrationException(
                        KeySequenceCheck.autoIncrement("KeySequence.ofColumn", table, column, generator.columnType()));
            case NONE ->
                throw new InvalidMigrationException("KeySequence.ofColumn: " + table + "." + column + " draws from no"
                        + " sequence (it has no default); create one starting above every id and make it the column's"
                        + " default, then declare KeySequence.of(transactions, sequence)");
        };
    }

    private static String identifier(String name, String what) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Invalid " + what + " name '" + name + "'; use letters, digits and '_' (optionally schema.name)");
        }
        return name;
    }
}
