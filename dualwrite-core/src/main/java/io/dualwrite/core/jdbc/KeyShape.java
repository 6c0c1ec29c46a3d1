package io.dualwrite.core.jdbc;

import io.dualwrite.core.internal.RecordKeys;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The key of a {@link JdbcStore}, over one column or several: renders the SQL that finds keys by equality, bounds a
 * key range and orders keys, binds a key's values to those statements' parameters, and reads a key back from a
 * result set (by column name: every statement labels the key columns with their names).
 *
 * <p>Several columns are ordered lexicographically, first column first, each by the database's own order (its
 * collation). Ranges use the row comparison {@code (a, b) > (?, ?)} on PostgreSQL (which walks an index on
 * {@code (a, b)} with it) and H2, and the expanded form {@code (a > ? OR (a = ? AND b > ?))} on MariaDB, which
 * evaluates row comparisons without its range optimizer but turns the expanded form into index ranges. Equality
 * lists are {@code (a, b) IN ((?, ?), ...)} on PostgreSQL, an OR of ANDs elsewhere.
 *
 * @param <K> the key type
 */
final class KeyShape<K> {

    /** Key types whose {@code equals} is the database's equality, so that no spelling of a key can differ. */
    private static final Set<Class<?>> EXACT_KEY_TYPES = Set.of(
            Long.class, Integer.class, Short.class, Byte.class, java.math.BigInteger.class, java.util.UUID.class);

    private final List<String> columns;
    private final Function<K, List<?>> values;
    private final RowMapper<K> reader;
    private final boolean exact;

    private KeyShape(List<String> columns, Function<K, List<?>> values, RowMapper<K> reader, boolean exact) {
        this.columns = List.copyOf(columns);
        this.values = values;
        this.reader = reader;
        this.exact = exact;
    }

    /** A key in one column, bound and read as the key type itself. */
    static <K> KeyShape<K> single(String column, Class<K> type) {
        return new KeyShape<>(
                List.of(column),
                key -> Collections.singletonList(key),
                rs -> rs.getObject(column, type),
                EXACT_KEY_TYPES.contains(type));
    }

    /** A key over several columns, taken apart and read back by the application's functions. */
    static <K> KeyShape<K> composite(List<String> columns, Function<K, List<?>> values, RowMapper<K> reader) {
        return new KeyShape<>(columns, values, reader, false);
    }

    /** A key over several columns from a record's components, in declaration order, one per column. */
    static <K> KeyShape<K> ofRecord(List<String> columns, RecordKeys<K> record) {
        List<Class<?>> types = record.componentTypes();
        RowMapper<K> reader = rs -> {
            Object[] parts = new Object[columns.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = rs.getObject(columns.get(i), types.get(i));
            }
            return record.create(parts);
        };
        return new KeyShape<>(columns, key -> List.of(record.values(key)), reader, record.exact());
    }

    List<String> columns() {
        return columns;
    }

    boolean composite() {
        return columns.size() > 1;
    }

    /** Whether the database holds two keys equal only when {@code equals} does, whatever the collation. */
    boolean exact() {
        return exact;
    }

    /** The key columns, comma-separated: {@code "a, b"}. */
    String columnList() {
        return String.join(", ", columns);
    }

    /** The key columns, each qualified: {@code "n.a, n.b"}. */
    String columnList(String qualifier) {
        return qualified(qualifier).stream().collect(Collectors.joining(", "));
    }

    /** {@code ORDER BY}'s list: {@code "a, b"} or {@code "a DESC, b DESC"}. */
    String orderBy(String qualifier, boolean descending) {
        return qualified(qualifier).stream()
                .map(c -> descending ? c + " DESC" : c)
                .collect(Collectors.joining(", "));
    }

    /** {@code a = ? AND b = ?}; parameters: the key's values. */
    String equalTo(String qualifier) {
        return qualified(qualifier).stream().map(c -> c + " = ?").collect(Collectors.joining(" AND "));
    }

    /** Each key column of one table equal to the same column of another: {@code n.x = o.a AND n.y = o.b}. */
    String joins(String qualifier, KeyShape<?> other, String otherQualifier) {
        List<String> mine = qualified(qualifier);
        List<String> theirs = other.qualified(otherQualifier);
        if (mine.size() != theirs.size()) {
            throw new IllegalArgumentException(
                    "key columns " + columns + " and " + other.columns + " differ in number");
        }
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < mine.size(); i++) {
            pairs.add(mine.get(i) + " = " + theirs.get(i));
        }
        return String.join(" AND ", pairs);
    }

    /** The keys equal to any of {@code count} keys; parameters: each key's values, key after key ({@link #bindAll}). */
    String in(SqlDialect dialect, int count) {
        if (!composite()) {
            return columns.get(0) + " IN (" + String.join(", ", Collections.nCopies(count, "?")) + ")";
        }
        if (dialect == SqlDialect.POSTGRESQL) {
            String tuple = "(" + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
            return "(" + columnList() + ") IN (" + String.join(", ", Collections.nCopies(count, tuple)) + ")";
        }
        return "(" + String.join(" OR ", Collections.nCopies(count, "(" + equalTo("") + ")")) + ")";
    }

    /** The keys after a key, exclusive. */
    Bound after(SqlDialect dialect, String qualifier) {
        return bound(dialect, qualifier, ">", ">");
    }

    /** The keys up to a key, inclusive. */
    Bound upTo(SqlDialect dialect, String qualifier) {
        return bound(dialect, qualifier, "<", "<=");
    }

    private Bound bound(SqlDialect dialect, String qualifier, String strict, String last) {
        List<String> names = qualified(qualifier);
        int n = names.size();
        if (n == 1) {
            return new Bound(names.get(0) + " " + last + " ?", new int[] {0});
        }
        if (dialect != SqlDialect.MARIADB) {
            return new Bound(
                    "(" + String.join(", ", names) + ") " + last + " (" + String.join(", ", Collections.nCopies(n, "?"))
                            + ")",
                    range(n));
        }
        // (a > ? OR (a = ? AND b > ?) OR (a = ? AND b = ? AND c > ?)): lexicographic, as MariaDB optimizes it.
        List<String> terms = new ArrayList<>();
        List<Integer> parameters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> parts = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                parts.add(names.get(j) + " = ?");
                parameters.add(j);
            }
            parts.add(names.get(i) + " " + (i == n - 1 ? last : strict) + " ?");
            parameters.add(i);
            terms.add(parts.size() == 1 ? parts.get(0) : "(" + String.join(" AND ", parts) + ")");
        }
        return new Bound(
                "(" + String.join(" OR ", terms) + ")",
                parameters.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Binds the key's values from parameter {@code first} on; the index of the next parameter. */
    int bind(PreparedStatement statement, int first, K key) throws SQLException {
        List<?> parts = valuesOf(key);
        for (int i = 0; i < parts.size(); i++) {
            statement.setObject(first + i, parts.get(i));
        }
        return first + parts.size();
    }

    /** Binds each key's values, key after key (for {@link #in}); the index of the next parameter. */
    int bindAll(PreparedStatement statement, int first, List<K> keys) throws SQLException {
        int index = first;
        for (K key : keys) {
            index = bind(statement, index, key);
        }
        return index;
    }

    /** The key in the current row, read from its columns by name. */
    K read(ResultSet rs) throws SQLException {
        return reader.map(rs);
    }

    /** The key's values, one per key column, none null. */
    List<?> valuesOf(K key) {
        Objects.requireNonNull(key, "key");
        List<?> parts = values.apply(key);
        if (parts == null || parts.size() != columns.size()) {
            throw new IllegalArgumentException("the key " + key + " gave " + (parts == null ? "no" : parts.size())
                    + " values, but the key has " + columns.size() + " columns " + columns);
        }
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i) == null) {
                throw new IllegalArgumentException(
                        "the key " + key + " has no value for key column '" + columns.get(i) + "'");
            }
        }
        return parts;
    }

    private List<String> qualified(String qualifier) {
        return qualifier.isEmpty()
                ? columns
                : columns.stream().map(c -> qualifier + c).toList();
    }

    private static int[] range(int n) {
        int[] indexes = new int[n];
        for (int i = 0; i < n; i++) {
            indexes[i] = i;
        }
        return indexes;
    }

    /**
     * One bound of a key range: its SQL, and which of the key's values its parameters take, in order (the
     * expanded form repeats them).
     */
    final class Bound {
        private final String sql;
        private final int[] parameters;

        private Bound(String sql, int[] parameters) {
            this.sql = sql;
            this.parameters = parameters;
        }

        String sql() {
            return sql;
        }

        /** Binds the key's values to this bound's parameters from {@code first} on; the next index. */
        int bind(PreparedStatement statement, int first, K key) throws SQLException {
            List<?> parts = valuesOf(key);
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(first + i, parts.get(parameters[i]));
            }
            return first + parameters.length;
        }
    }
}
