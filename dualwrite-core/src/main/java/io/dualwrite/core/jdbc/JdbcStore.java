package io.dualwrite.core.jdbc;

import io.dualwrite.core.StoreException;
import io.dualwrite.core.store.MigrationStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MigrationStore} on one table of a JDBC database (H2, PostgreSQL or MariaDB), the SQL of which is
 * generated for the dialect detected from the connection.
 *
 * <pre>{@code
 * JdbcStore<Long, NameRow> names = JdbcStore.builder(dataSource, Long.class, NameRow.class)
 *         .table("customer_name").key("customer_id", NameRow::id).columns("first_name", "last_name")
 *         .mapper(rs -> new NameRow(rs.getLong("customer_id"), rs.getString("first_name"), rs.getString("last_name")))
 *         .binder((row, values) -> values.set("first_name", row.first()).set("last_name", row.last()))
 *         .build();
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class JdbcStore<K extends Comparable<? super K>, V> implements MigrationStore<K, V> {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final int READ_ALL_BATCH = 1000;

    private final JdbcTransactions transactions;
    private final Class<K> keyType;
    private final Class<V> valueType;
    private final String table;
    private final String keyColumn;
    private final List<String> columns;
    private final Map<String, Integer> columnIndexes;
    private final Function<V, K> keyOf;
    private final RowMapper<V> mapper;
    private final RowBinder<V> binder;
    private final String selectColumns;
    private final boolean sharedRows;

    private JdbcStore(Builder<K, V> builder) {
        this.transactions = builder.transactions;
        this.keyType = builder.keyType;
        this.valueType = builder.valueType;
        this.table = builder.table;
        this.keyColumn = builder.keyColumn;
        this.columns = List.copyOf(builder.columns);
        this.keyOf = builder.keyOf;
        this.mapper = builder.mapper;
        this.binder = builder.binder;
        Map<String, Integer> indexes = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            indexes.put(columns.get(i), i);
        }
        this.columnIndexes = Map.copyOf(indexes);
        this.selectColumns = SqlDialect.columnList(keyColumn, columns);
        this.sharedRows = builder.sharedRows;
    }

    /** Starts a store on a data source; dualwrite keeps the transactions. */
    public static <K extends Comparable<? super K>, V> Builder<K, V> builder(
            DataSource dataSource, Class<K> keyType, Class<V> valueType) {
        return new Builder<>(JdbcTransactions.of(dataSource), keyType, valueType);
    }

    /** Starts a store whose transactions another component keeps (such as Spring's transaction manager). */
    public static <K extends Comparable<? super K>, V> Builder<K, V> builder(
            JdbcTransactions transactions, Class<K> keyType, Class<V> valueType) {
        return new Builder<>(transactions, keyType, valueType);
    }

    @Override
    public K keyOf(V value) {
        return keyOf.apply(value);
    }

    @Override
    public Optional<V> read(K key) {
        return read(key, "");
    }

    @Override
    public Optional<V> readLocked(K key) {
        return read(key, transactions.dialect().shareLockClause());
    }

    private Optional<V> read(K key, String lockClause) {
        String sql = "SELECT " + selectColumns + " FROM " + table + " WHERE " + keyColumn + " = ?" + lockClause;
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                statement.setObject(1, key);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * The values stored under these keys, in no particular order; absent keys are left out. Reads up to 1,000 keys
     * per statement.
     */
    public List<V> readAll(java.util.Collection<K> keys) {
        List<K> remaining = List.copyOf(keys);
        List<V> values = new ArrayList<>(remaining.size());
        for (int from = 0; from < remaining.size(); from += READ_ALL_BATCH) {
            List<K> batch = remaining.subList(from, Math.min(remaining.size(), from + READ_ALL_BATCH));
            String sql = "SELECT " + selectColumns + " FROM " + table + " WHERE " + keyColumn + " IN ("
                    + String.join(", ", java.util.Collections.nCopies(batch.size(), "?")) + ")";
            values.addAll(transactions.withConnection(c -> {
                try (PreparedStatement statement = c.prepareStatement(sql)) {
                    for (int i = 0; i < batch.size(); i++) {
                        statement.setObject(i + 1, batch.get(i));
                    }
                    List<V> found = new ArrayList<>(batch.size());
                    try (ResultSet rs = statement.executeQuery()) {
                        while (rs.next()) {
                            found.add(mapper.map(rs));
                        }
                    }
                    return found;
                }
            }));
        }
        return values;
    }

    @Override
    public void upsert(V value) {
        if (sharedRows && !columns.isEmpty() && updateColumns(value) > 0) {
            return;
        }
        String sql = transactions.dialect().upsert(table, keyColumn, columns);
        transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                bind(statement, value);
                return statement.executeUpdate();
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The keys of the batch that are present already are read in one range query, and the others inserted with a
     * plain batched insert, which costs far less than a conflict-checking one. Should a concurrent insert take one of
     * those keys first, the batch is redone with the dialect's insert-if-absent statement (inside a savepoint when a
     * transaction is open, so that the transaction survives).
     */
    @Override
    public void insertAbsent(List<V> values) {
        if (values.isEmpty()) {
            return;
        }
        SqlDialect dialect = transactions.dialect();
        String conflictFree = dialect.insertAbsent(table, keyColumn, columns);
        transactions.withConnection(c -> {
            if (conflictFree == null) {
                insertIgnoringDuplicates(c, dialect, values);
                return null;
            }
            List<V> absent = withoutPresentKeys(c, values);
            if (absent.isEmpty()) {
                return null;
            }
            Savepoint savepoint = c.getAutoCommit() ? null : c.setSavepoint();
            try {
                insertBatch(c, dialect.insert(table, keyColumn, columns), absent);
            } catch (SQLException e) {
                if (!dialect.isDuplicateKey(e) && !(e instanceof java.sql.BatchUpdateException)) {
                    throw e;
                }
                if (savepoint != null) {
                    c.rollback(savepoint);
                }
                insertBatch(c, conflictFree, absent);
            }
            return null;
        });
    }

    private List<V> withoutPresentKeys(Connection c, List<V> values) throws SQLException {
        K lowest = null;
        K highest = null;
        for (V value : values) {
            K key = keyOf.apply(value);
            lowest = lowest == null || key.compareTo(lowest) < 0 ? key : lowest;
            highest = highest == null || key.compareTo(highest) > 0 ? key : highest;
        }
        java.util.Set<K> present = new java.util.HashSet<>();
        try (PreparedStatement select = c.prepareStatement("SELECT " + keyColumn + " FROM " + table + " WHERE "
                + keyColumn + " >= ? AND " + keyColumn + " <= ?")) {
            select.setObject(1, lowest);
            select.setObject(2, highest);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getObject(1, keyType));
                }
            }
        }
        if (present.isEmpty()) {
            return values;
        }
        List<V> absent = new ArrayList<>(values.size());
        for (V value : values) {
            if (!present.contains(keyOf.apply(value))) {
                absent.add(value);
            }
        }
        return absent;
    }

    private void insertBatch(Connection c, String sql, List<V> values) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (V value : values) {
                bind(statement, value);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private void insertIgnoringDuplicates(Connection c, SqlDialect dialect, List<V> values) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(dialect.insert(table, keyColumn, columns))) {
            for (V value : values) {
                bind(statement, value);
                try {
                    statement.executeUpdate();
                } catch (SQLException e) {
                    if (!dialect.isDuplicateKey(e)) {
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    public void delete(K key) {
        String sql = "DELETE FROM " + table + " WHERE " + keyColumn + " = ?";
        transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                statement.setObject(1, key);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public List<V> scan(@Nullable K afterExclusive, @Nullable K upToInclusive, int limit) {
        return scan(afterExclusive, upToInclusive, limit, false);
    }

    @Override
    public List<V> scanLocked(@Nullable K afterExclusive, @Nullable K upToInclusive, int limit) {
        return scan(afterExclusive, upToInclusive, limit, true);
    }

    private List<V> scan(@Nullable K afterExclusive, @Nullable K upToInclusive, int limit, boolean shareLock) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
        }
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(selectColumns)
                .append(" FROM ")
                .append(table);
        List<K> parameters = new ArrayList<>(2);
        if (afterExclusive != null) {
            sql.append(" WHERE ").append(keyColumn).append(" > ?");
            parameters.add(afterExclusive);
        }
        if (upToInclusive != null) {
            sql.append(parameters.isEmpty() ? " WHERE " : " AND ")
                    .append(keyColumn)
                    .append(" <= ?");
            parameters.add(upToInclusive);
        }
        sql.append(" ORDER BY ").append(keyColumn).append(" LIMIT ").append(limit);
        if (shareLock) {
            sql.append(transactions.dialect().shareLockClause());
        }
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    statement.setObject(i + 1, parameters.get(i));
                }
                List<V> result = new ArrayList<>(Math.min(limit, 10_000));
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        result.add(mapper.map(rs));
                    }
                }
                return result;
            }
        });
    }

    /**
     * The key {@code offset} places after {@code afterExclusive} in key order (0: the first key after it), no
     * greater than {@code upToInclusive} when given; empty when fewer keys remain. Chunked walks find a chunk's end
     * with it.
     */
    public Optional<K> keyAfter(@Nullable K afterExclusive, @Nullable K upToInclusive, int offset) {
        StringBuilder sql =
                new StringBuilder("SELECT ").append(keyColumn).append(" FROM ").append(table);
        List<K> parameters = new ArrayList<>(2);
        if (afterExclusive != null) {
            sql.append(" WHERE ").append(keyColumn).append(" > ?");
            parameters.add(afterExclusive);
        }
        if (upToInclusive != null) {
            sql.append(parameters.isEmpty() ? " WHERE " : " AND ")
                    .append(keyColumn)
                    .append(" <= ?");
            parameters.add(upToInclusive);
        }
        sql.append(" ORDER BY ").append(keyColumn).append(" LIMIT 1 OFFSET ").append(Math.max(0, offset));
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < parameters.size(); i++) {
                    statement.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, keyType)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Optional<K> maxKey() {
        String sql = "SELECT MAX(" + keyColumn + ") FROM " + table;
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql);
                    ResultSet rs = statement.executeQuery()) {
                rs.next();
                return Optional.ofNullable(rs.getObject(1, keyType));
            }
        });
    }

    @Override
    public long estimateSize() {
        String estimate = transactions.dialect().estimateRowsSql();
        return transactions.withConnection(c -> {
            if (estimate != null) {
                try (PreparedStatement statement = c.prepareStatement(estimate)) {
                    statement.setString(1, table);
                    try (ResultSet rs = statement.executeQuery()) {
                        if (rs.next() && rs.getLong(1) > 0) {
                            return rs.getLong(1);
                        }
                    }
                }
            }
            try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                    ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public JdbcTransactions transactions() {
        return transactions;
    }

    @Override
    public String description() {
        return table;
    }

    public Class<K> keyType() {
        return keyType;
    }

    @Override
    public Optional<Class<V>> valueType() {
        return Optional.of(valueType);
    }

    public String table() {
        return table;
    }

    public String keyColumn() {
        return keyColumn;
    }

    public List<String> columns() {
        return columns;
    }

    /** Updates this store's columns of the row under the value's key; the number of rows updated. */
    private int updateColumns(V value) {
        String sql = "UPDATE " + table + " SET "
                + columns.stream().map(c -> c + " = ?").collect(java.util.stream.Collectors.joining(", "))
                + " WHERE " + keyColumn + " = ?";
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                statement.setObject(bindColumns(statement, value, 1), keyOf.apply(value));
                return statement.executeUpdate();
            }
        });
    }

    private void bind(PreparedStatement statement, V value) throws SQLException {
        K key = keyOf.apply(value);
        if (key == null) {
            throw new StoreException("Table " + table + ": the value " + value + " has a null key", null);
        }
        statement.setObject(1, key);
        bindColumns(statement, value, 2);
    }

    /** Binds the value's columns from parameter {@code first} on; the index of the next parameter. */
    private int bindColumns(PreparedStatement statement, V value, int first) throws SQLException {
        RowValues row = new RowValues(table, columns, columnIndexes);
        binder.bind(value, row);
        Object[] values = row.values();
        for (int i = 0; i < values.length; i++) {
            statement.setObject(first + i, values[i]);
        }
        return first + values.length;
    }

    /** Builds a {@link JdbcStore}; every part is required, {@link #columns} may be empty. */
    public static final class Builder<K extends Comparable<? super K>, V> {
        private final JdbcTransactions transactions;
        private final Class<K> keyType;
        private final Class<V> valueType;
        private String table;
        private String keyColumn;
        private Function<V, K> keyOf;
        private List<String> columns = List.of();
        private RowMapper<V> mapper;
        private RowBinder<V> binder;
        private boolean sharedRows;

        private Builder(JdbcTransactions transactions, Class<K> keyType, Class<V> valueType) {
            this.transactions = Objects.requireNonNull(transactions, "transactions");
            this.keyType = Objects.requireNonNull(keyType, "keyType");
            this.valueType = Objects.requireNonNull(valueType, "valueType");
        }

        /** The table, optionally schema-qualified. */
        public Builder<K, V> table(String table) {
            this.table = identifier(table, "table");
            return this;
        }

        /** The key column (a primary key or unique column) and how to get the key from a value. */
        public Builder<K, V> key(String column, Function<V, K> keyOf) {
            this.keyColumn = identifier(column, "key column");
            this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
            return this;
        }

        /** The non-key columns that the mapper reads and the binder sets. */
        public Builder<K, V> columns(String... columns) {
            List<String> checked = new ArrayList<>();
            for (String column : columns) {
                checked.add(identifier(column, "column"));
            }
            this.columns = checked;
            return this;
        }

        /** Builds a value from a row. */
        public Builder<K, V> mapper(RowMapper<V> mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /** Sets the non-key columns from a value. */
        public Builder<K, V> binder(RowBinder<V> binder) {
            this.binder = Objects.requireNonNull(binder, "binder");
            return this;
        }

        /**
         * Declares that this store owns only some columns of rows that another writer creates (the subscription
         * columns of a customer row, say): an upsert updates those columns of the existing row and inserts only when
         * there is none. A plain upsert would not do on PostgreSQL, whose {@code INSERT ... ON CONFLICT} checks the
         * other columns' NOT NULL constraints on the row it proposes before it finds the conflict.
         */
        public Builder<K, V> sharedRows() {
            this.sharedRows = true;
            return this;
        }

        public JdbcStore<K, V> build() {
            requirePart(table, "table", "table(name)");
            requirePart(keyColumn, "key column", "key(column, keyOf)");
            requirePart(mapper, "row mapper", "mapper(...)");
            requirePart(binder, "row binder", "binder(...)");
            if (columns.contains(keyColumn)) {
                throw new IllegalArgumentException("JdbcStore on " + table + ": the key column '" + keyColumn
                        + "' is set from the key; leave it out of columns(...)");
            }
            return new JdbcStore<>(this);
        }

        private void requirePart(Object part, String name, String fix) {
            if (part == null) {
                throw new IllegalArgumentException("JdbcStore" + (table == null ? "" : " on " + table) + " has no "
                        + name + "; declare it with " + fix);
            }
        }

        private static String identifier(String name, String what) {
            if (name == null || !IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid " + what + " name '" + name
                        + "'; use letters, digits and '_' (optionally schema.name)");
            }
            return name;
        }
    }
}
