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

    /** Parameters of one prepared statement: MariaDB's and PostgreSQL's protocols count them in 16 bits. */
    private static final int MAX_PLACEHOLDERS = 65_535;

    /** Rows per multi-row insert at most. */
    static final int MULTI_ROW_MAX_ROWS = 1_000;

    /** Estimated bytes of values per multi-row insert at most: well below MariaDB's default 16 MiB packet. */
    private static final long MULTI_ROW_BYTES = 4L * 1024 * 1024;

    /** Names the staging tables of {@link InsertPath#COPY_STAGED}, unique in every session. */
    private static final java.util.concurrent.atomic.AtomicLong STAGING_TABLES =
            new java.util.concurrent.atomic.AtomicLong();

    private final JdbcTransactions transactions;
    private final Class<K> keyType;
    private final Class<V> valueType;
    private final String table;
    private final KeyShape<K> key;
    private final List<String> columns;
    /** The other columns of the row that the value carries and the application writes in every phase. */
    private final List<String> keptColumns;
    /** Every column the binder sets, the migrated ones first, then the kept ones. */
    private final List<String> boundColumns;
    /** The index of each column, the migrated ones first, then the kept ones. */
    private final Map<String, Integer> columnIndexes;

    private final Function<V, K> keyOf;
    private final RowMapper<V> mapper;
    private final RowBinder<V> binder;
    private final String selectColumns;
    /** For a store of shared rows: " AND (c1 IS NOT NULL OR ...)", the condition that the row holds a value. */
    private final String ownedValue;

    private final boolean sharedRows;
    private final InsertPath insertPath;
    private volatile @Nullable List<KeyCollation> keyCollations;
    /** The COPY encoder for the key and columns' types, read from the table on first use (PostgreSQL). */
    private volatile @Nullable CopyCsv copyCsv;
    /** The path that wrote the last rows {@link #insertAbsent} found absent, for tests; null before any. */
    private volatile @Nullable InsertPath lastWrite;
    /** The rows the write methods addressed since the store was built (see {@link #rowWrites()}). */
    private final java.util.concurrent.atomic.LongAdder rowWrites = new java.util.concurrent.atomic.LongAdder();

    private JdbcStore(Builder<K, V> builder, KeyShape<K> key) {
        this.transactions = builder.transactions;
        this.keyType = builder.keyType;
        this.valueType = builder.valueType;
        this.table = builder.table;
        this.key = key;
        this.columns = List.copyOf(builder.columns);
        this.keptColumns = List.copyOf(builder.keptColumns);
        List<String> allColumns = new ArrayList<>(columns);
        allColumns.addAll(keptColumns);
        this.boundColumns = List.copyOf(allColumns);
        this.keyOf = builder.keyOf;
        this.mapper = builder.mapper;
        this.binder = builder.binder;
        Map<String, Integer> indexes = new HashMap<>();
        for (int i = 0; i < allColumns.size(); i++) {
            indexes.put(allColumns.get(i), i);
        }
        this.columnIndexes = Map.copyOf(indexes);
        this.selectColumns = SqlDialect.columnList(key.columnList(), allColumns);
        this.ownedValue = (builder.sharedRows || !keptColumns.isEmpty()) && !columns.isEmpty()
                ? " AND ("
                        + columns.stream()
                                .map(c -> c + " IS NOT NULL")
                                .collect(java.util.stream.Collectors.joining(" OR "))
                        + ")"
                : "";
        this.sharedRows = builder.sharedRows || !keptColumns.isEmpty();
        this.insertPath = builder.insertPath;
    }

    /**
     * How many rows this store's write methods addressed since it was built, one per value or key passed to them,
     * whether or not the statement changed the row or committed: an upper bound of the row changes it made, which
     * the old-side gates compare with the table's own write counters (docs/gates.md).
     */
    public long rowWrites() {
        return rowWrites.sum();
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

    /**
     * The value stored under a key, read under an exclusive lock held until the transaction ends: for a copy that
     * writes this row after reading others, which must not upgrade a shared lock (InnoDB deadlocks with a writer
     * queued behind one).
     */
    public Optional<V> readForUpdate(K key) {
        return read(key, " FOR UPDATE");
    }

    private Optional<V> read(K key, String lockClause) {
        String sql = "SELECT " + selectColumns + " FROM " + table + " WHERE " + this.key.equalTo("") + ownedValue
                + lockClause;
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                this.key.bind(statement, 1, key);
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
            if (!unmatched.isEmpty() && !key.exact() && !selectIn(unmatched).isEmpty()) {
                for (K key : unmatched) {
                    read(key).ifPresent(value -> found.put(key, value));
                }
            }
        }
        return found;
    }

    /** The rows under the keys, by the key each row holds as the database returns it. */
    private Map<K, V> selectIn(List<K> keys) {
        String sql = "SELECT " + selectColumns + " FROM " + table + " WHERE "
                + key.in(transactions.dialect(), keys.size()) + ownedValue;
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                key.bindAll(statement, 1, keys);
                Map<K, V> rows = new HashMap<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        rows.put(key.read(rs), mapper.map(rs));
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
        rowWrites.increment();
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
        String sql = transactions.dialect().upsert(table, key.columnList(), columns);
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
     * <p>On PostgreSQL (by default, {@link InsertPath#COPY_STAGED}, inside a transaction) every value is
     * {@code COPY}ed into a temporary staging table and inserted from it with {@code ON CONFLICT (key) DO NOTHING}.
     * Otherwise the keys of the batch that are present already are looked up by equality ({@code IN (...)}), and the
     * others written by the store's {@link InsertPath} (by default a plain batched insert), which costs far less than
     * a conflict-checking insert. Should a concurrent insert take one of those keys first, or the database hold one
     * under another spelling (a case-insensitive collation), the batch is redone with the dialect's insert-if-absent
     * statement (inside a savepoint when a transaction is open, so that the transaction survives).
     */
    @Override
    public void insertAbsent(List<V> values) {
        if (values.isEmpty()) {
            return;
        }
        rowWrites.add(values.size());
        SqlDialect dialect = transactions.dialect();
        InsertPath path = sharedRows ? InsertPath.BATCHED : insertPath.on(dialect);
        String conflictFree = dialect.insertAbsent(table, key.columnList(), columns);
        transactions.withConnection(c -> {
            if (path == InsertPath.COPY_STAGED && !c.getAutoCommit() && copyStaged(c, values)) {
                lastWrite = InsertPath.COPY_STAGED;
                return null;
            }
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
                writeAbsent(c, path, absent);
            } catch (SQLException e) {
                // A deadlock victim's transaction is rolled back whole, savepoint and locks included: neither the
                // rollback to the savepoint (which fails) nor the fallback (in a fresh transaction) may run.
                if (rolledBackByTheDatabase(e)
                        || (!dialect.isDuplicateKey(e) && !(e instanceof java.sql.BatchUpdateException))) {
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

    /** Whether the database rolled the transaction back (SQLSTATE class 40), by the exception or one it chains. */
    private static boolean rolledBackByTheDatabase(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("40")) {
                return true;
            }
        }
        for (SQLException next = e.getNextException(); next != null; next = next.getNextException()) {
            if (next.getSQLState() != null && next.getSQLState().startsWith("40")) {
                return true;
            }
        }
        return false;
    }

    /** Inserts rows whose keys the lookup found absent by the path; a duplicate key is thrown for the fallback. */
    private void writeAbsent(Connection c, InsertPath path, List<V> absent) throws SQLException {
        String plain = transactions.dialect().insert(table, key.columnList(), columns);
        if (path == InsertPath.COPY || path == InsertPath.COPY_STAGED) {
            byte[] csv = csv(c, absent);
            if (csv != null) {
                lastWrite = InsertPath.COPY;
                PostgresCopy.copyIn(c, table, SqlDialect.columnList(key.columnList(), columns), csv);
                return;
            }
        } else if (path == InsertPath.MULTI_ROW) {
            lastWrite = InsertPath.MULTI_ROW;
            insertMultiRow(c, absent);
            return;
        }
        lastWrite = InsertPath.BATCHED;
        insertBatch(c, plain, absent);
    }

    /** The path that wrote the last absent rows (before any fallback), for tests; null before any write. */
    @Nullable
    InsertPath lastWrite() {
        return lastWrite;
    }

    /**
     * {@link InsertPath#COPY_STAGED}: every value copied into a temporary table of the key and columns, then
     * inserted from it where the key is absent; false (nothing done) when a value has no exact CSV form.
     */
    private boolean copyStaged(Connection c, List<V> values) throws SQLException {
        byte[] csv = csv(c, values);
        if (csv == null) {
            return false;
        }
        String list = SqlDialect.columnList(key.columnList(), columns);
        String staging = "dualwrite_staging_" + STAGING_TABLES.incrementAndGet();
        try (java.sql.Statement statement = c.createStatement()) {
            statement.execute("CREATE TEMPORARY TABLE " + staging + " ON COMMIT DROP AS SELECT " + list + " FROM "
                    + table + " WITH NO DATA");
            PostgresCopy.copyIn(c, staging, list, csv);
            statement.executeUpdate("INSERT INTO " + table + " (" + list + ") SELECT " + list + " FROM " + staging
                    + " ON CONFLICT (" + key.columnList() + ") DO NOTHING");
            statement.execute("DROP TABLE " + staging);
        }
        return true;
    }

    /** The values' key and columns as COPY CSV, or null where the table's types or a value do not allow it. */
    private byte @Nullable [] csv(Connection c, List<V> values) throws SQLException {
        if (!PostgresCopy.available(c)) {
            return null;
        }
        CopyCsv encoder = copyCsv;
        if (encoder == null) {
            List<String> types = new ArrayList<>();
            try (PreparedStatement statement = c.prepareStatement("SELECT "
                            + SqlDialect.columnList(key.columnList(), columns) + " FROM " + table + " WHERE 1 = 0");
                    ResultSet rs = statement.executeQuery()) {
                java.sql.ResultSetMetaData metadata = rs.getMetaData();
                for (int i = 1; i <= metadata.getColumnCount(); i++) {
                    types.add(metadata.getColumnTypeName(i));
                }
            }
            encoder = new CopyCsv(types, java.time.ZoneId.systemDefault());
            copyCsv = encoder;
        }
        if (!encoder.knowsEveryType()) {
            return null;
        }
        List<Object[]> rows = new ArrayList<>(values.size());
        int keyColumns = key.columns().size();
        for (V value : values) {
            K k = keyOf.apply(value);
            if (k == null) {
                throw new StoreException("Table " + table + ": the value " + value + " has a null key", null);
            }
            Object[] row = new Object[keyColumns + columns.size()];
            List<?> parts = key.valuesOf(k);
            for (int i = 0; i < keyColumns; i++) {
                row[i] = parts.get(i);
            }
            System.arraycopy(rowValues(value), 0, row, keyColumns, columns.size());
            rows.add(row);
        }
        return encoder.encode(rows);
    }

    /**
     * {@link InsertPath#MULTI_ROW}: one {@code INSERT ... VALUES (...), (...)} per group of rows, each within the
     * placeholder limit of a prepared statement and {@link #MULTI_ROW_BYTES} of values.
     */
    private void insertMultiRow(Connection c, List<V> values) throws SQLException {
        int perRow = key.columns().size() + columns.size();
        int maxRows = Math.max(1, Math.min(MULTI_ROW_MAX_ROWS, MAX_PLACEHOLDERS / perRow));
        String tuple = "(" + String.join(", ", java.util.Collections.nCopies(perRow, "?")) + ")";
        String head = "INSERT INTO " + table + " (" + SqlDialect.columnList(key.columnList(), columns) + ") VALUES ";
        List<Object[]> group = new ArrayList<>();
        long bytes = 0;
        for (V value : values) {
            K k = keyOf.apply(value);
            if (k == null) {
                throw new StoreException("Table " + table + ": the value " + value + " has a null key", null);
            }
            Object[] row = rowValues(value);
            long size = 0;
            for (int i = 0; i < columns.size(); i++) {
                size += estimatedBytes(row[i]);
            }
            if (!group.isEmpty() && (group.size() == maxRows || bytes + size > MULTI_ROW_BYTES)) {
                executeMultiRow(c, head, tuple, group);
                group.clear();
                bytes = 0;
            }
            Object[] keyed = new Object[perRow];
            List<?> parts = key.valuesOf(k);
            for (int i = 0; i < parts.size(); i++) {
                keyed[i] = parts.get(i);
            }
            System.arraycopy(row, 0, keyed, parts.size(), columns.size());
            group.add(keyed);
            bytes += size + 16L * parts.size();
        }
        if (!group.isEmpty()) {
            executeMultiRow(c, head, tuple, group);
        }
    }

    private static void executeMultiRow(Connection c, String head, String tuple, List<Object[]> rows)
            throws SQLException {
        String sql = head + String.join(", ", java.util.Collections.nCopies(rows.size(), tuple));
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            int index = 1;
            for (Object[] row : rows) {
                for (Object value : row) {
                    statement.setObject(index++, value);
                }
            }
            statement.executeUpdate();
        }
    }

    /** A generous guess at a value's size on the wire, escaped: for the multi-row insert's size bound. */
    private static long estimatedBytes(@Nullable Object value) {
        if (value instanceof String text) {
            return 8L + 4L * text.length();
        }
        if (value instanceof byte[] bytes) {
            return 8L + 2L * bytes.length;
        }
        return 40;
    }

    /**
     * Inserts the row unless its key is present; false when it was. A duplicate-key error whose key is absent
     * afterwards came from another unique index, and is thrown: insert-if-absent must not swallow it (MariaDB's
     * {@code INSERT IGNORE} and {@code ON DUPLICATE KEY UPDATE k = k} both would).
     */
    private boolean insertUnlessTheKeyIsPresent(Connection c, V value) throws SQLException {
        SqlDialect dialect = transactions.dialect();
        try (PreparedStatement statement = c.prepareStatement(dialect.insert(table, key.columnList(), columns))) {
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
                + " WHERE " + key.equalTo("") + " AND " + noValue)) {
            key.bind(update, bindColumns(update, value, 1), keyOf.apply(value));
            return update.executeUpdate();
        }
    }

    private boolean keyPresent(Connection c, K key) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT 1 FROM " + table + " WHERE " + this.key.equalTo("") + ownedValue)) {
            this.key.bind(select, 1, key);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private List<V> withoutPresentKeys(Connection c, List<V> values) throws SQLException {
        Set<K> present = new java.util.HashSet<>(
                presentKeys(c, values.stream().map(keyOf).toList(), ""));
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

    /**
     * The keys of {@code keys} that have a row of this store, as the database returns them, looked up by equality
     * ({@code IN (...)}, {@value #LOOKUP_BATCH} keys a query) with {@code lockClause} appended to each query.
     */
    private List<K> presentKeys(Connection c, List<K> keys, String lockClause) throws SQLException {
        List<K> present = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += LOOKUP_BATCH) {
            List<K> batch = keys.subList(from, Math.min(keys.size(), from + LOOKUP_BATCH));
            try (PreparedStatement select = c.prepareStatement("SELECT " + key.columnList() + " FROM " + table
                    + " WHERE " + key.in(transactions.dialect(), batch.size()) + ownedValue + lockClause)) {
                if (transactions.dialect() == SqlDialect.POSTGRESQL) {
                    PostgresCopy.planForTheValues(select);
                }
                key.bindAll(select, 1, batch);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        present.add(key.read(rs));
                    }
                }
            }
        }
        return present;
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
        rowWrites.increment();
        transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(deleteStatement())) {
                this.key.bind(statement, 1, key);
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
        rowWrites.add(keys.size());
        transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(deleteStatement())) {
                for (K each : keys) {
                    key.bind(statement, 1, each);
                    statement.addBatch();
                }
                return statement.executeBatch().length;
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The keys' rows are locked with {@code FOR UPDATE SKIP LOCKED} and those locked deleted; on H2, which cannot
     * pass over locked rows, nothing is deleted.
     */
    @Override
    public List<K> deleteUnlessLocked(Collection<K> keys) {
        if (keys.isEmpty() || transactions.dialect() == SqlDialect.H2) {
            return List.of();
        }
        List<K> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
        List<K> unlocked = transactions.withConnection(
                c -> presentKeys(c, distinct, transactions.dialect().skipLockedClause()));
        if (unlocked.size() == 1) {
            delete(unlocked.get(0));
        } else if (!unlocked.isEmpty()) {
            deleteAll(unlocked);
        }
        return unlocked;
    }

    private String deleteStatement() {
        return ownedValue.isEmpty()
                ? "DELETE FROM " + table + " WHERE " + key.equalTo("")
                : "UPDATE " + table + " SET "
                        + columns.stream().map(c -> c + " = NULL").collect(java.util.stream.Collectors.joining(", "))
                        + " WHERE " + key.equalTo("");
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
            List<V> missing = updateAll(values);
            rowWrites.add(values.size() - missing.size());
            for (V each : missing) {
                upsert(each); // counts itself
            }
            return;
        }
        rowWrites.add(values.size());
        String sql = transactions.dialect().upsert(table, key.columnList(), columns);
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
                + " WHERE " + key.equalTo("");
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                for (V value : values) {
                    key.bind(statement, bindColumns(statement, value, 1), keyOf.apply(value));
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
        KeyRange range = new KeyRange(afterExclusive, upToInclusive);
        sql.append(range.and());
        sql.append(" ORDER BY ")
                .append(key.orderBy("", false))
                .append(" LIMIT ")
                .append(limit);
        if (shareLock) {
            sql.append(transactions.dialect().shareLockClause());
        }
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql.toString())) {
                range.bind(statement, 1);
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
    @Override
    public Optional<K> keyAfter(@Nullable K afterExclusive, @Nullable K upToInclusive, int offset) {
        KeyRange range = new KeyRange(afterExclusive, upToInclusive);
        String sql = "SELECT " + key.columnList() + " FROM " + table + " WHERE 1 = 1" + range.and() + " ORDER BY "
                + key.orderBy("", false) + " LIMIT 1 OFFSET " + Math.max(0, offset);
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                range.bind(statement, 1);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? Optional.of(key.read(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Optional<K> maxKey() {
        // Not MAX(key): PostgreSQL has no max(uuid); the index gives the greatest key in the database's order.
        String sql =
                "SELECT " + key.columnList() + " FROM " + table + " ORDER BY " + key.orderBy("", true) + " LIMIT 1";
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql);
                    ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.ofNullable(key.read(rs)) : Optional.empty();
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

    /**
     * The key column of a single-column key.
     *
     * @throws IllegalStateException for a key over several columns: see {@link #keyColumns()}
     */
    public String keyColumn() {
        if (key.composite()) {
            throw new IllegalStateException("JdbcStore on " + table + " has a key over several columns " + key.columns()
                    + "; use keyColumns()");
        }
        return key.columns().get(0);
    }

    /** The key columns, in the order that orders keys (one for a single-column key). */
    public List<String> keyColumns() {
        return key.columns();
    }

    /** The key's SQL: for dualwrite's own statements on this table (the SQL copier, checksums, samples). */
    KeyShape<K> keyShape() {
        return key;
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
     * @throws IllegalStateException for a key over several columns: see {@link #keyCollations()}
     */
    public Optional<KeyCollation> keyCollation() {
        keyColumn();
        return keyCollations().map(list -> list.get(0));
    }

    /**
     * How the database compares values of each key column, in key order, read from its catalog on first use; empty
     * while the catalog does not list every key column (the table does not exist yet).
     *
     * @throws io.dualwrite.core.model.StoreException if the catalog cannot be read
     */
    public Optional<List<KeyCollation>> keyCollations() {
        List<KeyCollation> known = keyCollations;
        if (known == null) {
            List<KeyCollation> read = new ArrayList<>();
            for (String column : key.columns()) {
                Optional<KeyCollation> collation = KeyColumns.read(transactions, table, column);
                if (collation.isEmpty()) {
                    return Optional.empty();
                }
                read.add(collation.get());
            }
            known = List.copyOf(read);
            keyCollations = known;
        }
        return Optional.of(known);
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
                + " WHERE " + key.equalTo("");
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                key.bind(statement, bindColumns(statement, value, 1), keyOf.apply(value));
                return statement.executeUpdate();
            }
        });
    }

    private void bind(PreparedStatement statement, V value) throws SQLException {
        K key = keyOf.apply(value);
        if (key == null) {
            throw new StoreException("Table " + table + ": the value " + value + " has a null key", null);
        }
        bindColumns(statement, value, this.key.bind(statement, 1, key));
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
        RowValues row = new RowValues(table, boundColumns, columnIndexes);
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
        rowWrites.add(values.size());
        SqlDialect dialect = transactions.dialect();
        String update = "UPDATE " + table + " SET "
                + keptColumns.stream().map(c -> c + " = ?").collect(java.util.stream.Collectors.joining(", "))
                + " WHERE " + this.key.equalTo("");
        String insert = dialect == SqlDialect.MARIADB
                ? dialect.insert(table, this.key.columnList(), keptColumns)
                : dialect.upsert(table, this.key.columnList(), keptColumns);
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
                    int next = this.key.bind(statement, 1, key);
                    for (int i = 0; i < keptColumns.size(); i++) {
                        statement.setObject(next + i, row[columns.size() + i]);
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
            this.key.bind(statement, 1 + keptColumns.size(), key);
            return statement.executeUpdate();
        }
    }

    private boolean rowPresent(Connection c, K key) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT 1 FROM " + table + " WHERE " + this.key.equalTo(""))) {
            this.key.bind(select, 1, key);
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
        rowWrites.add(keys.size());
        transactions.withConnection(c -> {
            try (PreparedStatement statement =
                    c.prepareStatement("DELETE FROM " + table + " WHERE " + this.key.equalTo(""))) {
                for (K key : keys) {
                    this.key.bind(statement, 1, key);
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

    /** A key range's conditions on this table, {@code " AND ..."} each, and their parameters. */
    private final class KeyRange {
        private final @Nullable K after;
        private final @Nullable K upTo;
        private final KeyShape<K>.@Nullable Bound afterBound;
        private final KeyShape<K>.@Nullable Bound upToBound;

        KeyRange(@Nullable K after, @Nullable K upTo) {
            SqlDialect dialect = transactions.dialect();
            this.after = after;
            this.upTo = upTo;
            this.afterBound = after == null ? null : key.after(dialect, "");
            this.upToBound = upTo == null ? null : key.upTo(dialect, "");
        }

        String and() {
            return (afterBound == null ? "" : " AND " + afterBound.sql())
                    + (upToBound == null ? "" : " AND " + upToBound.sql());
        }

        int bind(PreparedStatement statement, int first) throws SQLException {
            int index = first;
            if (afterBound != null) {
                index = afterBound.bind(statement, index, after);
            }
            if (upToBound != null) {
                index = upToBound.bind(statement, index, upTo);
            }
            return index;
        }
    }

    /** Builds a {@link JdbcStore}; every part is required, {@link #columns} may be empty. */
    public static final class Builder<K, V> {
        private final JdbcTransactions transactions;
        private final Class<K> keyType;
        private final Class<V> valueType;
        private String table;
        private List<String> keyColumns;
        private @Nullable Function<K, List<?>> keyValues;
        private @Nullable RowMapper<K> keyMapper;
        private Function<V, K> keyOf;
        private List<String> columns = List.of();
        private List<String> keptColumns = List.of();
        private RowMapper<V> mapper;
        private RowBinder<V> binder;
        private boolean sharedRows;
        private InsertPath insertPath = InsertPath.AUTO;

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
            this.keyColumns = List.of(identifier(column, "key column"));
            this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
            this.keyValues = null;
            this.keyMapper = null;
            return this;
        }

        /**
         * A key over several columns (a composite primary key or unique index, in the index's column order), for a
         * key type that is a record of as many components, each {@code Long}, {@code Integer}, {@code String},
         * {@code UUID}, {@code long} or {@code int}: the first component is the first column's value, and so on.
         * Keys are ordered lexicographically by the columns in this order, each column by the database's order.
         *
         * <pre>{@code
         * record OrderKey(String tenant, long orderNo) {}
         * JdbcStore.builder(dataSource, OrderKey.class, Order.class)
         *         .table("orders").compositeKey(List.of("tenant_id", "order_no"), Order::key) ...
         * }</pre>
         *
         * Both sides of a migration must declare their key columns in the same order. For another key type, use
         * {@link #compositeKey(List, Function, Function, RowMapper)}.
         */
        public Builder<K, V> compositeKey(List<String> columns, Function<V, K> keyOf) {
            return compositeKey(columns, keyOf, null, null);
        }

        /**
         * A key over several columns, for any key type: {@code keyValues} gives a key's value for each column, in
         * the order of {@code columns}, and {@code keyMapper} builds a key from a row's key columns (read them by
         * name). Keys are ordered lexicographically by the columns in this order, each by the database's order.
         *
         * <pre>{@code
         * .compositeKey(List.of("tenant_id", "order_no"), Order::key,
         *         key -> List.of(key.tenant(), key.orderNo()),
         *         rs -> new OrderKey(rs.getString("tenant_id"), rs.getLong("order_no")))
         * }</pre>
         */
        public Builder<K, V> compositeKey(
                List<String> columns,
                Function<V, K> keyOf,
                @Nullable Function<K, List<?>> keyValues,
                @Nullable RowMapper<K> keyMapper) {
            Objects.requireNonNull(columns, "columns");
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("JdbcStore" + (table == null ? "" : " on " + table)
                        + ": compositeKey needs at least one key column, but was given none");
            }
            List<String> checked = new ArrayList<>();
            for (String column : columns) {
                String name = identifier(column, "key column");
                if (checked.stream().anyMatch(name::equalsIgnoreCase)) {
                    throw new IllegalArgumentException("JdbcStore" + (table == null ? "" : " on " + table)
                            + ": the key column '" + name + "' is named twice in " + columns);
                }
                checked.add(name);
            }
            if ((keyValues == null) != (keyMapper == null)) {
                throw new IllegalArgumentException("JdbcStore" + (table == null ? "" : " on " + table)
                        + ": compositeKey needs both keyValues and keyMapper, or neither (for a record key)");
            }
            this.keyColumns = List.copyOf(checked);
            this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
            this.keyValues = keyValues;
            this.keyMapper = keyMapper;
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

        /**
         * How {@link JdbcStore#insertAbsent} (the Java-mapped backfill) writes absent rows; {@link InsertPath#AUTO}
         * unless set. The other paths are there to be measured against each other (see {@code docs/benchmarks.md})
         * and ruled out while troubleshooting.
         */
        public Builder<K, V> insertPath(InsertPath path) {
            this.insertPath = Objects.requireNonNull(path, "path");
            return this;
        }

        public JdbcStore<K, V> build() {
            requirePart(table, "table", "table(name)");
            requirePart(keyColumns, "key column", "key(column, keyOf) or compositeKey(columns, keyOf)");
            requirePart(mapper, "row mapper", "mapper(...)");
            requirePart(binder, "row binder", "binder(...)");
            for (String kept : keptColumns) {
                if (keyColumns.stream().anyMatch(kept::equalsIgnoreCase)
                        || columns.stream().anyMatch(kept::equalsIgnoreCase)) {
                    throw new IllegalArgumentException("JdbcStore on " + table + ": the kept column '" + kept
                            + "' is also a key or a migrated column; list each column once, in columns(...) if the"
                            + " migration moves it, else in keptColumns(...)");
                }
            }
            for (String keyColumn : keyColumns) {
                if (columns.stream().anyMatch(keyColumn::equalsIgnoreCase)) {
                    throw new IllegalArgumentException("JdbcStore on " + table + ": the key column '" + keyColumn
                            + "' is set from the key; leave it out of columns(...)");
                }
            }
            KeyShape<K> shape = keyShape();
            return new JdbcStore<>(this, shape);
        }

        /** The key's shape: one column, the application's functions, or a record's components. */
        private KeyShape<K> keyShape() {
            if (keyValues == null && keyColumns.size() == 1 && !keyType.isRecord()) {
                return KeyShape.single(keyColumns.get(0), keyType);
            }
            if (keyValues != null) {
                return KeyShape.composite(keyColumns, keyValues, keyMapper);
            }
            if (!keyType.isRecord()) {
                throw new IllegalArgumentException("JdbcStore on " + table + ": the key type " + keyType.getName()
                        + " of the key columns " + keyColumns + " is not a record; declare how to take it apart"
                        + " with compositeKey(columns, keyOf, keyValues, keyMapper)");
            }
            io.dualwrite.core.internal.RecordKeys<K> record;
            try {
                record = io.dualwrite.core.internal.RecordKeys.of(keyType);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "JdbcStore on " + table + ": " + e.getMessage() + "; declare how"
                                + " to take the key apart with compositeKey(columns, keyOf, keyValues, keyMapper)",
                        e);
            }
            if (record.size() != keyColumns.size()) {
                throw new IllegalArgumentException("JdbcStore on " + table + ": the key record "
                        + keyType.getSimpleName() + " has " + record.size() + " components, but "
                        + keyColumns.size() + " key columns " + keyColumns + " were declared; declare one column"
                        + " per component, in the record's order");
            }
            return KeyShape.ofRecord(keyColumns, record);
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
