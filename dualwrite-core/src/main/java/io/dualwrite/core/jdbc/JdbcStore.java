package io.dualwrite.core.jdbc;

import io.dualwrite.core.model.StoreException;
import io.dualwrite.core.store.MigrationStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * <p>It is the largest class of the library because every {@link MigrationStore} operation is a statement per
 * dialect with its own race rules (locking reads, insert-if-absent that must not swallow other unique conflicts,
 * batches that fall back row by row, shared rows that a delete clears), plus the builder that checks a table's
 * description; splitting it would scatter one table's SQL over several classes.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class JdbcStore<K, V> implements MigrationStore<K, V> {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    /** Keys per {@code IN (...)} list: well below every dialect's parameter limit. */
    private static final int LOOKUP_BATCH = 500;

    /** Key types whose {@code equals} is the database's equality, so that no spelling of a key can differ. */
    private static final Set<Class<?>> EXACT_KEY_TYPES = Set.of(
            Long.class, Integer.class, Short.class, Byte.class, java.math.BigInteger.class, java.util.UUID.class);

    private final JdbcTransactions transactions;
    private final Class<K> keyType;
    private final Class<V> valueType;
    private final String table;
    private final String keyColumn;
    private final List<String> columns;
    /** The other columns of the row that the value carries and the application writes in every phase. */
    private final List<String> keptColumns;
    /** The index of each column, the migrated ones first, then the kept ones. */
    private final Map<String, Integer> columnIndexes;

    private final Function<V, K> keyOf;
    private final RowMapper<V> mapper;
    private final RowBinder<V> binder;
    private final String selectColumns;
    /** For a store of shared rows: " AND (c1 IS NOT NULL OR ...)", the condition that the row holds a value. */
    private final String ownedValue;

    private final boolean sharedRows;
    private volatile @Nullable KeyCollation keyCollation;

    private JdbcStore(Builder<K, V> builder) {
        this.transactions = builder.transactions;
        this.keyType = builder.keyType;
        this.valueType = builder.valueType;
        this.table = builder.table;
        this.keyColumn = builder.keyColumn;
        this.columns = List.copyOf(builder.columns);
        this.keptColumns = List.copyOf(builder.keptColumns);
        List<String> allColumns = new ArrayList<>(columns);
        allColumns.addAll(keptColumns);
        this.keyOf = builder.keyOf;
        this.mapper = builder.mapper;
        this.binder = builder.binder;
        Map<String, Integer> indexes = new HashMap<>();
        for (int i = 0; i < allColumns.size(); i++) {
            indexes.put(allColumns.get(i), i);
        }
        this.columnIndexes = Map.copyOf(indexes);
        this.selectColumns = SqlDialect.columnList(keyColumn, allColumns);
        this.ownedValue = (builder.sharedRows || !keptColumns.isEmpty()) && !columns.isEmpty()
                ? " AND ("
                        + columns.stream()
                                .map(c -> c + " IS NOT NULL")
                                .collect(java.util.stream.Collectors.joining(" OR "))
                        + ")"
                : "";
        this.sharedRows = builder.sharedRows || !keptColumns.isEmpty();
    }

    /** Starts a store on a data source; dualwrite keeps the transactions. */
    public static <K, V> Builder<K, V> builder(DataSource dataSource, Class<K> keyType, Class<V> valueType) {
        return new Builder<>(JdbcTransactions.of(dataSource), keyType, valueType);
    }

    /** Starts a store whose transactions another component keeps (such as Spring's transaction manager). */
    public static <K, V> Builder<K, V> builder(JdbcTransactions transactions, Class<K> keyType, Class<V> valueType) {
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
        String sql =
                "SELECT " + selectColumns + " FROM " + table + " WHERE " + keyColumn + " = ?" + ownedValue + lockClause;
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
     * {@inheritDoc}
     *
     * <p>One {@code SELECT ... WHERE key IN (...)} per batch of keys; each row found is matched to the key asked for
     * by the key the database returns. A key left unmatched while the database's equality may be coarser than
     * Java's (a string key under a case- or accent-insensitive or PAD SPACE collation) is looked for once more by
     * equality, and, if the database holds it under another spelling, read as {@link #read} reads it.
     */
    @Override
    public Map<K, V> readAll(Collection<K> keys) {
        List<K> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
        Map<K, V> found = new HashMap<>();
        for (int from = 0; from < distinct.size(); from += LOOKUP_BATCH) {
            List<K> batch = distinct.subList(from, Math.min(distinct.size(), from + LOOKUP_BATCH));
            Map<K, V> stored = selectIn(batch);
            List<K> unmatched = new ArrayList<>();
            for (K key : batch) {
                V value = stored.get(key);
                if (value != null) {
                    found.put(key, value);
                } else {
                    unmatched.add(key);
                }
            }
            if (!unmatched.isEmpty()
                    && !EXACT_KEY_TYPES.contains(keyType)
                    && !selectIn(unmatched).isEmpty()) {
                for (K key : unmatched) {
                    read(key).ifPresent(value -> found.put(key, value));
                }
            }
        }
        return found;
    }

    /** The rows under the keys, by the key each row holds as the database returns it. */
    private Map<K, V> selectIn(List<K> keys) {
        String sql = "SELECT " + selectColumns + " FROM " + table + " WHERE " + keyColumn + " IN ("
                + String.join(", ", java.util.Collections.nCopies(keys.size(), "?")) + ")" + ownedValue;
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                for (int i = 0; i < keys.size(); i++) {
                    statement.setObject(i + 1, keys.get(i));
                }
                Map<K, V> rows = new HashMap<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getObject(1, keyType), mapper.map(rs));
                    }
                }
                return rows;
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>On MariaDB the row is updated, and inserted only when the update found none: {@code ON DUPLICATE KEY UPDATE}
     * fires on a conflict with <em>any</em> unique index, and would overwrite another row that happens to hold the
     * same value in a unique column. A conflict on another unique index so fails the write, as it would without
     * dualwrite.
     */
    @Override
    public void upsert(V value) {
        if ((sharedRows || transactions.dialect() == SqlDialect.MARIADB)
                && !columns.isEmpty()
                && updateColumns(value) > 0) {
            return;
        }
        if (transactions.dialect() == SqlDialect.MARIADB && !columns.isEmpty()) {
            transactions.withConnection(c -> {
                // The update may count 0 for a present row whose values are unchanged (a driver set to
                // useAffectedRows): only a key that is absent again means other writers deleted it meanwhile.
                if (!insertUnlessTheKeyIsPresent(c, value)
                        && updateColumns(value) == 0
                        && !withoutPresentKeys(c, List.of(value)).isEmpty()) {
                    throw new StoreException(
                            "Table " + table + ": key " + keyOf.apply(value) + " was inserted and"
                                    + " deleted by other writers while this upsert ran; write it again",
                            null);
                }
                return null;
            });
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
     * <p>The keys of the batch that are present already are looked up by equality ({@code IN (...)}), and the others
     * inserted with a plain batched insert, which costs far less than a conflict-checking one. Should a concurrent
     * insert take one of those keys first, or the database hold one under another spelling (a case-insensitive
     * collation), the batch is redone with the dialect's insert-if-absent statement (inside a savepoint when a
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
            List<V> absent = withoutPresentKeys(c, values);
            if (!ownedValue.isEmpty()) {
                // A shared row another writer created holds no value of this store yet: fill it, never overwrite.
                List<V> rowless = new ArrayList<>();
                for (V value : absent) {
                    if (fillSharedRow(c, value) == 0) {
                        rowless.add(value);
                    }
                }
                absent = rowless;
            }
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
                if (conflictFree != null) {
                    insertBatch(c, conflictFree, absent); // PostgreSQL: ON CONFLICT on the key only
                } else {
                    for (V value : absent) {
                        insertUnlessTheKeyIsPresent(c, value);
                    }
                }
            }
            return null;
        });
    }

    /**
     * Inserts the row unless its key is present; false when it was. A duplicate-key error whose key is absent
     * afterwards came from another unique index, and is thrown: insert-if-absent must not swallow it (MariaDB's
     * {@code INSERT IGNORE} and {@code ON DUPLICATE KEY UPDATE k = k} both would).
     */
    private boolean insertUnlessTheKeyIsPresent(Connection c, V value) throws SQLException {
        SqlDialect dialect = transactions.dialect();
        try (PreparedStatement statement = c.prepareStatement(dialect.insert(table, keyColumn, columns))) {
            bind(statement, value);
            statement.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (dialect.isDuplicateKey(e) && keyPresent(c, keyOf.apply(value))) {
                return false;
            }
            throw e;
        }
    }

    /** Sets this store's columns of an existing shared row that holds none of them; the rows changed (0 or 1). */
    private int fillSharedRow(Connection c, V value) throws SQLException {
        String noValue =
                columns.stream().map(col -> col + " IS NULL").collect(java.util.stream.Collectors.joining(" AND "));
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET "
                + columns.stream().map(col -> col + " = ?").collect(java.util.stream.Collectors.joining(", "))
                + " WHERE " + keyColumn + " = ? AND " + noValue)) {
            update.setObject(bindColumns(update, value, 1), keyOf.apply(value));
            return update.executeUpdate();
        }
    }

    private boolean keyPresent(Connection c, K key) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT 1 FROM " + table + " WHERE " + keyColumn + " = ?" + ownedValue)) {
            select.setObject(1, key);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private List<V> withoutPresentKeys(Connection c, List<V> values) throws SQLException {
        Set<K> present = new java.util.HashSet<>();
        for (int from = 0; from < values.size(); from += LOOKUP_BATCH) {
            List<V> batch = values.subList(from, Math.min(values.size(), from + LOOKUP_BATCH));
            try (PreparedStatement select = c.prepareStatement("SELECT " + keyColumn + " FROM " + table + " WHERE "
                    + keyColumn + " IN (" + String.join(", ", java.util.Collections.nCopies(batch.size(), "?"))
                    + ")" + ownedValue)) {
                for (int i = 0; i < batch.size(); i++) {
                    select.setObject(i + 1, keyOf.apply(batch.get(i)));
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        present.add(rs.getObject(1, keyType));
                    }
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

    /**
     * {@inheritDoc}
     *
     * <p>A store of {@link Builder#sharedRows() shared rows} never deletes the row it shares: it sets its own columns
     * to NULL, and a row whose own columns are all NULL holds no value of this store. (Resetting them to their
     * defaults would leave a row that reads as a value wherever a default is not NULL.)
     */
    @Override
    public void delete(K key) {
        transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(deleteStatement())) {
                statement.setObject(1, key);
                return statement.executeUpdate();
            }
        });
    }

    /** Deletes every key with one statement batch (a shared-rows store clears its columns instead, as one batch). */
    @Override
    public void deleteAll(Collection<K> keys) {
        if (keys.isEmpty()) {
            return;
        }
        transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(deleteStatement())) {
                for (K key : keys) {
                    statement.setObject(1, key);
                    statement.addBatch();
                }
                return statement.executeBatch().length;
            }
        });
    }

    private String deleteStatement() {
        return ownedValue.isEmpty()
                ? "DELETE FROM " + table + " WHERE " + keyColumn + " = ?"
                : "UPDATE " + table + " SET "
                        + columns.stream().map(c -> c + " = NULL").collect(java.util.stream.Collectors.joining(", "))
                        + " WHERE " + keyColumn + " = ?";
    }

    /**
     * Upserts every value with one statement batch where the dialect's upsert is one statement (PostgreSQL, H2);
     * otherwise (MariaDB, shared rows) one batch updates the rows that exist and the rest are upserted one by one,
     * as {@link #upsert} does, so that no conflict on another unique index is swallowed.
     */
    @Override
    public void upsertAll(List<V> values) {
        if (values.isEmpty()) {
            return;
        }
        if ((sharedRows || transactions.dialect() == SqlDialect.MARIADB) && !columns.isEmpty()) {
            for (V missing : updateAll(values)) {
                upsert(missing);
            }
            return;
        }
        String sql = transactions.dialect().upsert(table, keyColumn, columns);
        transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                for (V value : values) {
                    bind(statement, value);
                    statement.addBatch();
                }
                return statement.executeBatch().length;
            }
        });
    }

    /**
     * Updates this store's columns of every row present, in one batch; the values whose row is not there, found by
     * one lookup of the keys (update counts cannot tell: a driver may report unchanged rows as 0, or no counts).
     */
    private List<V> updateAll(List<V> values) {
        String sql = "UPDATE " + table + " SET "
                + columns.stream().map(c -> c + " = ?").collect(java.util.stream.Collectors.joining(", "))
                + " WHERE " + keyColumn + " = ?";
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                for (V value : values) {
                    statement.setObject(bindColumns(statement, value, 1), keyOf.apply(value));
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            return withoutPresentKeys(c, values);
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
                .append(table)
                .append(" WHERE 1 = 1")
                .append(ownedValue);
        List<K> parameters = new ArrayList<>(2);
        if (afterExclusive != null) {
            sql.append(" AND ").append(keyColumn).append(" > ?");
            parameters.add(afterExclusive);
        }
        if (upToInclusive != null) {
            sql.append(" AND ").append(keyColumn).append(" <= ?");
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
        // Not MAX(key): PostgreSQL has no max(uuid); the index gives the greatest key in the database's order.
        String sql = "SELECT " + keyColumn + " FROM " + table + " ORDER BY " + keyColumn + " DESC LIMIT 1";
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql);
                    ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getObject(1, keyType)) : Optional.empty();
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

    @Override
    public Optional<List<String>> columnNames() {
        return Optional.of(columns);
    }

    /**
     * How the database compares values of the key column, read from its catalog on first use; empty while the
     * catalog does not list the column (the table does not exist yet).
     *
     * @throws io.dualwrite.core.model.StoreException if the catalog cannot be read
     */
    public Optional<KeyCollation> keyCollation() {
        KeyCollation known = keyCollation;
        if (known == null) {
            known = KeyColumns.read(transactions, table, keyColumn).orElse(null);
            keyCollation = known;
        }
        return Optional.ofNullable(known);
    }

    /**
     * Whether this store shares its rows with another writer ({@link Builder#sharedRows()}): then a delete clears
     * its columns, which must therefore all accept NULL.
     */
    public boolean sharesRows() {
        return sharedRows;
    }

    /**
     * This store's columns that the database declares NOT NULL, read from the result metadata of a query that
     * returns no row; empty while the table does not exist yet.
     */
    public Optional<List<String>> notNullColumns() {
        String sql = "SELECT " + String.join(", ", columns) + " FROM " + table + " WHERE 1 = 0";
        try {
            return Optional.of(transactions.withConnection(c -> {
                try (PreparedStatement statement = c.prepareStatement(sql);
                        ResultSet rs = statement.executeQuery()) {
                    java.sql.ResultSetMetaData metadata = rs.getMetaData();
                    List<String> notNull = new ArrayList<>();
                    for (int i = 1; i <= columns.size(); i++) {
                        if (metadata.isNullable(i) == java.sql.ResultSetMetaData.columnNoNulls) {
                            notNull.add(columns.get(i - 1));
                        }
                    }
                    return List.copyOf(notNull);
                }
            }));
        } catch (StoreException e) {
            return Optional.empty();
        }
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
        Object[] values = rowValues(value);
        for (int i = 0; i < columns.size(); i++) {
            statement.setObject(first + i, values[i]);
        }
        return first + columns.size();
    }

    /** Every column's value, the migrated ones first, then the kept ones, as the binder sets them. */
    private Object[] rowValues(V value) {
        List<String> allColumns = new ArrayList<>(columns);
        allColumns.addAll(keptColumns);
        RowValues row = new RowValues(table, allColumns, columnIndexes);
        binder.bind(value, row);
        return row.values();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Per value, an update of the kept columns; where no row is there, an insert of the key and the kept columns
     * (PostgreSQL's {@code ON CONFLICT} on the key, H2's {@code MERGE}; on MariaDB a plain insert that, should a
     * concurrent writer create the row first, turns into the update again, so that a conflict on another unique
     * index is never swallowed).
     */
    @Override
    public void upsertKept(List<V> values) {
        if (keptColumns.isEmpty()) {
            throw new UnsupportedOperationException(
                    "Table " + table + " keeps no columns; declare them with" + " keptColumns(...)");
        }
        SqlDialect dialect = transactions.dialect();
        String update = "UPDATE " + table + " SET "
                + keptColumns.stream().map(c -> c + " = ?").collect(java.util.stream.Collectors.joining(", "))
                + " WHERE " + keyColumn + " = ?";
        String insert = dialect == SqlDialect.MARIADB
                ? dialect.insert(table, keyColumn, keptColumns)
                : dialect.upsert(table, keyColumn, keptColumns);
        transactions.withConnection(c -> {
            for (V value : values) {
                K key = keyOf.apply(value);
                if (key == null) {
                    throw new StoreException("Table " + table + ": the value " + value + " has a null key", null);
                }
                Object[] row = rowValues(value);
                if (updateKept(c, update, key, row) > 0) {
                    continue;
                }
                try (PreparedStatement statement = c.prepareStatement(insert)) {
                    statement.setObject(1, key);
                    for (int i = 0; i < keptColumns.size(); i++) {
                        statement.setObject(2 + i, row[columns.size() + i]);
                    }
                    statement.executeUpdate();
                } catch (SQLException e) {
                    // MariaDB: another writer inserted the row meanwhile (or the driver counted an unchanged row
                    // as 0): update it; a conflict on another unique index is thrown.
                    if (!dialect.isDuplicateKey(e) || !rowPresent(c, key)) {
                        throw e;
                    }
                    updateKept(c, update, key, row);
                }
            }
            return null;
        });
    }

    private int updateKept(Connection c, String sql, K key, Object[] row) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < keptColumns.size(); i++) {
                statement.setObject(1 + i, row[columns.size() + i]);
            }
            statement.setObject(1 + keptColumns.size(), key);
            return statement.executeUpdate();
        }
    }

    private boolean rowPresent(Connection c, K key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT 1 FROM " + table + " WHERE " + keyColumn + " = ?")) {
            select.setObject(1, key);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Deletes the rows whole, kept columns included, with one statement batch. */
    @Override
    public void deleteRows(Collection<K> keys) {
        if (keptColumns.isEmpty()) {
            deleteAll(keys);
            return;
        }
        if (keys.isEmpty()) {
            return;
        }
        transactions.withConnection(c -> {
            try (PreparedStatement statement =
                    c.prepareStatement("DELETE FROM " + table + " WHERE " + keyColumn + " = ?")) {
                for (K key : keys) {
                    statement.setObject(1, key);
                    statement.addBatch();
                }
                return statement.executeBatch().length;
            }
        });
    }

    @Override
    public boolean keepsColumns() {
        return !keptColumns.isEmpty();
    }

    /** The kept columns ({@link Builder#keptColumns}), empty for most stores. */
    public List<String> keptColumns() {
        return keptColumns;
    }

    /** Builds a {@link JdbcStore}; every part is required, {@link #columns} may be empty. */
    public static final class Builder<K, V> {
        private final JdbcTransactions transactions;
        private final Class<K> keyType;
        private final Class<V> valueType;
        private String table;
        private String keyColumn;
        private Function<V, K> keyOf;
        private List<String> columns = List.of();
        private List<String> keptColumns = List.of();
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
         * other columns' NOT NULL constraints on the row it proposes before it finds the conflict. A delete never
         * deletes the shared row: it sets this store's columns to NULL, so they must all accept NULL (checked when the
         * {@code DualWrite} is built); a row whose columns of this store are all NULL holds no value of it (reads and
         * scans skip it, insert-if-absent fills it).
         */
        public Builder<K, V> sharedRows() {
            this.sharedRows = true;
            return this;
        }

        /**
         * Declares other columns of the row that the value carries and the mapper reads but the migration does not
         * move (a customer's email beside the name being split): the application writes them through the
         * migration's {@code DualRepository} in every phase, DROP_OLD and after included, while the migrated
         * {@link #columns} are written only in the phases that write OLD. The binder sets both. Implies
         * {@link #sharedRows()}: the backfill, the verifier, the re-sync and repairs see and write only the migrated
         * columns (a value written back from NEW cannot know the kept ones), and a delete by them clears those; the
         * application's delete deletes the row.
         */
        public Builder<K, V> keptColumns(String... columns) {
            List<String> checked = new ArrayList<>();
            for (String column : columns) {
                checked.add(identifier(column, "kept column"));
            }
            this.keptColumns = checked;
            return this;
        }

        public JdbcStore<K, V> build() {
            requirePart(table, "table", "table(name)");
            requirePart(keyColumn, "key column", "key(column, keyOf)");
            requirePart(mapper, "row mapper", "mapper(...)");
            requirePart(binder, "row binder", "binder(...)");
            for (String kept : keptColumns) {
                if (kept.equals(keyColumn) || columns.contains(kept)) {
                    throw new IllegalArgumentException("JdbcStore on " + table + ": the kept column '" + kept
                            + "' is also the key or a migrated column; list each column once, in columns(...) if the"
                            + " migration moves it, else in keptColumns(...)");
                }
            }
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
