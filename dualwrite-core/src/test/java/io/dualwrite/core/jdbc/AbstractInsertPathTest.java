package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.People;
import io.dualwrite.testsupport.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link InsertPath} of {@link JdbcStore#insertAbsent} keeps insert-if-absent semantics and writes exactly
 * what a plain prepared insert writes: awkward values (NULLs, quotes, commas, backslashes, newlines, unicode, large
 * numerics, dates and timestamps, UUIDs, bytes) are compared with a reference table written by plain JDBC, by SQL;
 * present keys keep their live values, a live insert that commits while the write waits for it wins, and composite
 * keys work. One subclass per database.
 */
abstract class AbstractInsertPathTest {

    private static final String PREFIX = "ins_path";

    /** A row of the awkward-values table: the key and one value per column of {@link #columns()}. */
    record Row(long id, Object[] values) {}

    /** A key over two columns. */
    record TenantKey(String tenant, long number) {}

    record Order(TenantKey key, String note) {}

    private DataSource dataSource;
    private JdbcTransactions transactions;

    protected abstract TestDatabase database();

    /** The paths to prove on this database. */
    static List<InsertPath> paths() {
        return List.of(InsertPath.values());
    }

    /** {@code CREATE TABLE} of the awkward-values table's column definitions after the key. */
    protected abstract String columnDefinitions();

    /** The column names, in the order of {@link Row#values()}. */
    protected abstract List<String> columns();

    /** The rows to write, awkward values all, with one row of NULLs. */
    protected abstract List<Row> awkwardRows();

    /** An SQL expression that compares a column {@code c} of tables {@code r} and {@code d} exactly. */
    protected abstract String sameValue(String column);

    @BeforeEach
    void connect() {
        dataSource = database().dataSource();
        transactions = JdbcTransactions.of(dataSource);
    }

    private JdbcStore<Long, Row> valuesStore(String table, InsertPath path) {
        List<String> columns = columns();
        return JdbcStore.builder(transactions, Long.class, Row.class)
                .table(table)
                .key("id", Row::id)
                .columns(columns.toArray(String[]::new))
                .mapper(rs -> new Row(rs.getLong("id"), new Object[columns.size()]))
                .binder((row, values) -> {
                    for (int i = 0; i < columns.size(); i++) {
                        values.set(columns.get(i), row.values()[i]);
                    }
                })
                .insertPath(path)
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void awkwardValuesAndNullsReadBackExactlyAsAPlainInsertWritesThem(InsertPath path) throws SQLException {
        String reference = PREFIX + "_ref";
        String written = PREFIX + "_dst";
        for (String table : List.of(reference, written)) {
            People.execute(
                    dataSource,
                    "DROP TABLE IF EXISTS " + table,
                    "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, " + columnDefinitions() + ")");
        }
        List<Row> rows = awkwardRows();
        insertPlainly(reference, rows);

        JdbcStore<Long, Row> store = valuesStore(written, path);
        transactions.inTransaction(() -> store.insertAbsent(rows));
        assertThat(store.lastWrite())
                .as("no fallback to the batched path")
                .isEqualTo(path.on(store.transactions().dialect()));

        StringBuilder differs = new StringBuilder(
                "SELECT COUNT(*) FROM " + reference + " r JOIN " + written + " d ON r.id = d.id WHERE NOT (");
        for (int i = 0; i < columns().size(); i++) {
            differs.append(i == 0 ? "" : " AND ").append(sameValue(columns().get(i)));
        }
        differs.append(")");
        assertThat(queryLong("SELECT COUNT(*) FROM " + written)).isEqualTo(rows.size());
        assertThat(queryLong("SELECT COUNT(*) FROM " + reference + " r JOIN " + written + " d ON r.id = d.id"))
                .isEqualTo(rows.size());
        assertThat(queryLong(differs.toString()))
                .as("rows that differ from the plain insert's")
                .isZero();
        assertThat(queryLong("SELECT COUNT(*) FROM " + written + " WHERE id = 2 AND "
                        + String.join(
                                " AND ",
                                columns().stream().map(c -> c + " IS NULL").toList())))
                .as("the row of NULLs")
                .isEqualTo(1);
        try (Connection c = dataSource.getConnection();
                PreparedStatement select =
                        c.prepareStatement("SELECT COUNT(*) FROM " + written + " WHERE id = 1 AND txt = ?")) {
            select.setString(1, AWKWARD_TEXT.get(0));
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("quotes, a comma and a backslash").isEqualTo(1);
            }
        }
        assertThat(queryLong("SELECT COUNT(*) FROM " + written + " WHERE id = 3 AND txt = '' AND vc = ''"))
                .as("empty strings are not NULL")
                .isEqualTo(1);
    }

    private void insertPlainly(String table, List<Row> rows) throws SQLException {
        String sql = "INSERT INTO " + table + " (id, " + String.join(", ", columns()) + ") VALUES (?"
                + ", ?".repeat(columns().size()) + ")";
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(sql)) {
            for (Row row : rows) {
                insert.setLong(1, row.id());
                for (int i = 0; i < row.values().length; i++) {
                    insert.setObject(2 + i, row.values()[i]);
                }
                insert.executeUpdate();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void presentKeysKeepTheirLiveValuesAndEveryAbsentKeyIsWritten(InsertPath path) {
        People.createTables(dataSource, PREFIX);
        People.execute(
                dataSource,
                "INSERT INTO " + PREFIX + "_new (id, first_name, last_name) VALUES (3, 'live', 'three'),"
                        + " (500, 'live', 'five hundred')");
        JdbcStore<Long, People.PersonName> names = namesStore(path);
        List<People.PersonName> batch = ids(1, 1200)
                .map(id -> new People.PersonName(id, "copied" + id, id % 7 == 0 ? null : "last" + id))
                .toList();

        transactions.inTransaction(() -> names.insertAbsent(batch));
        names.insertAbsent(batch); // again, outside a transaction: nothing changes

        Map<Long, String> expected = new TreeMap<>();
        for (People.PersonName name : batch) {
            expected.put(name.id(), name.firstName() + "|" + name.lastName());
        }
        expected.put(3L, "live|three");
        expected.put(500L, "live|five hundred");
        assertThat(People.rows(dataSource, PREFIX + "_new")).isEqualTo(expected);
    }

    /*
     * The race the fallback is for: a live insert the key lookup could not see (uncommitted) commits while the
     * write waits for its row lock; the write must then fail over to insert-if-absent and keep the live value.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void aLiveInsertThatCommitsWhileTheWriteWaitsForItKeepsItsValue(InsertPath path) throws Exception {
        People.createTables(dataSource, PREFIX);
        JdbcStore<Long, People.PersonName> names = namesStore(path);
        List<People.PersonName> batch = ids(1, 300)
                .map(id -> new People.PersonName(id, "copied" + id, "last" + id))
                .toList();
        CompletableFuture<Void> copy;
        try (Connection live = dataSource.getConnection()) {
            live.setAutoCommit(false);
            try (Statement statement = live.createStatement()) {
                statement.executeUpdate("INSERT INTO " + PREFIX + "_new (id, first_name, last_name) VALUES (150,"
                        + " 'live', 'value')");
            }
            copy = CompletableFuture.runAsync(() -> transactions.inTransaction(() -> names.insertAbsent(batch)));
            Thread.sleep(400); // the copy looks the keys up (150 is not there yet) and waits for 150's lock
            live.commit();
        }
        copy.get(30, TimeUnit.SECONDS);

        Map<Long, String> rows = People.rows(dataSource, PREFIX + "_new");
        assertThat(rows).hasSize(300).containsEntry(150L, "live|value").containsEntry(151L, "copied151|last151");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void compositeKeysAreWrittenWhereAbsentAndKeptWherePresent(InsertPath path) throws SQLException {
        String table = PREFIX + "_orders";
        People.execute(
                dataSource,
                "DROP TABLE IF EXISTS " + table,
                "CREATE TABLE " + table + " (tenant VARCHAR(20) NOT NULL, order_no BIGINT NOT NULL, note"
                        + " VARCHAR(100), PRIMARY KEY (tenant, order_no))",
                "INSERT INTO " + table + " (tenant, order_no, note) VALUES ('b', 2, 'live')");
        JdbcStore<TenantKey, Order> orders = JdbcStore.builder(transactions, TenantKey.class, Order.class)
                .table(table)
                .compositeKey(List.of("tenant", "order_no"), Order::key)
                .columns("note")
                .mapper(rs ->
                        new Order(new TenantKey(rs.getString("tenant"), rs.getLong("order_no")), rs.getString("note")))
                .binder((order, values) -> values.set("note", order.note()))
                .insertPath(path)
                .build();
        List<Order> batch = new ArrayList<>();
        for (String tenant : List.of("a", "b", "c, \"d\"")) {
            for (long number = 1; number <= 3; number++) {
                batch.add(new Order(new TenantKey(tenant, number), "copied " + tenant + number));
            }
        }

        transactions.inTransaction(() -> orders.insertAbsent(batch));

        Map<String, String> rows = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery("SELECT tenant, order_no, note FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getString(1) + "/" + rs.getLong(2), rs.getString(3));
            }
        }
        assertThat(rows)
                .hasSize(9)
                .containsEntry("b/2", "live")
                .containsEntry("b/3", "copied b3")
                .containsEntry("c, \"d\"/1", "copied c, \"d\"1");
    }

    private JdbcStore<Long, People.PersonName> namesStore(InsertPath path) {
        return JdbcStore.builder(transactions, Long.class, People.PersonName.class)
                .table(PREFIX + "_new")
                .key("id", People.PersonName::id)
                .columns("first_name", "last_name")
                .mapper(rs ->
                        new People.PersonName(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                .binder((name, row) -> row.set("first_name", name.firstName()).set("last_name", name.lastName()))
                .insertPath(path)
                .build();
    }

    private long queryLong(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Ids from {@code first} to {@code last}, inclusive. */
    private static java.util.stream.Stream<Long> ids(long first, long last) {
        return java.util.stream.LongStream.rangeClosed(first, last).boxed();
    }

    /** Strings that break naive CSV, COPY text and SQL quoting; index 0 is tested by literal, index 2 is empty. */
    static final List<String> AWKWARD_TEXT = List.of(
            "He said \"hi\", then 'bye' \\ left",
            "unused: the row of NULLs",
            "",
            "a,b,c",
            "line1\nline2\r\nline3",
            "\\N",
            "NULL",
            "\\.",
            "before\n\\.\nafter",
            "\"",
            "\"\"",
            "Zoë, 東京, emoji 🎉, combining é",
            " leading and trailing spaces ",
            "tab\there",
            "\\x41\\\\");

    /** The awkward rows, one per string, the other columns cycling through awkward values of their own. */
    static List<Row> rows(List<List<Object>> otherColumns) {
        return IntStream.range(0, AWKWARD_TEXT.size())
                .mapToObj(i -> {
                    if (i == 1) {
                        return new Row(2, new Object[otherColumns.size() + 2]);
                    }
                    Object[] values = new Object[otherColumns.size() + 2];
                    values[0] = AWKWARD_TEXT.get(i);
                    values[1] = AWKWARD_TEXT.get((i * 5) % AWKWARD_TEXT.size());
                    if (i == 2) {
                        values[1] = "";
                    }
                    for (int c = 0; c < otherColumns.size(); c++) {
                        List<Object> cycle = otherColumns.get(c);
                        values[2 + c] = cycle.get(i % cycle.size());
                    }
                    return new Row(i + 1, values);
                })
                .toList();
    }

    static final List<Object> DECIMALS = List.of(
            new BigDecimal("123456789012345678901234567890.0123456789"),
            new BigDecimal("-0.0000000001"),
            new BigDecimal("1E+5"),
            new BigDecimal("0.5000000000"),
            BigDecimal.ZERO);

    static final List<Object> LONGS = List.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L, -1L);

    static final List<Object> BOOLEANS = List.of(true, false);

    static final List<Object> DATES =
            List.of(LocalDate.of(2024, 2, 29), LocalDate.of(1900, 1, 1), LocalDate.of(9999, 12, 31));

    static final List<Object> DATE_TIMES = List.of(
            LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000),
            LocalDateTime.of(1970, 1, 1, 0, 0),
            LocalDateTime.of(2021, 3, 28, 2, 30, 15, 123_456_000),
            LocalDateTime.of(2022, 6, 30, 12, 0, 0, 123_456_789),
            LocalDateTime.of(2022, 12, 31, 23, 59, 59, 999_999_500));

    static final List<Object> BYTES =
            List.of(new byte[] {0, 1, (byte) 0xff, '\\', '"', ',', '\n', 'x'}, new byte[0], "\\x00 text".getBytes());

    static final List<Object> UUIDS =
            List.of(UUID.fromString("00000000-0000-0000-0000-000000000000"), UUID.randomUUID());

    static final List<Object> OFFSET_TIMES = List.of(
            OffsetDateTime.of(2024, 3, 31, 1, 30, 0, 0, ZoneOffset.ofHours(5)),
            OffsetDateTime.of(1999, 12, 31, 23, 59, 59, 500_000_000, ZoneOffset.ofHoursMinutes(-9, -30)),
            OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
}
