package io.dualwrite.benchmarks;

import io.dualwrite.core.jdbc.CaptureDdl;
import io.dualwrite.core.jdbc.SqlDialect;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.sql.DataSource;

/**
 * The cost of the capture triggers (issue #17): single-row UPDATE latency on a table with the triggers and on an
 * identical one without, alternating statement by statement in the same run, on PostgreSQL and MariaDB; and one bulk
 * UPDATE of every row of each table. The updates come from a session dualwrite did not mark, so every one is
 * captured (the trigger's full cost); a third series runs them marked, as dualwrite's own writes (the trigger's
 * condition only, plus the two statements that set and reset the mark).
 */
public final class CaptureTriggerBenchmark {

    /** One database's figures, latencies in microseconds. */
    public record Result(
            String database,
            int operations,
            double plainP50,
            double capturedP50,
            double markedP50,
            double plainMean,
            double capturedMean,
            double bulkPlainMillis,
            double bulkCapturedMillis) {

        double singleRowRatio() {
            return capturedMean / plainMean;
        }

        double bulkRatio() {
            return bulkCapturedMillis / bulkPlainMillis;
        }
    }

    private final List<Result> results = new ArrayList<>();

    public List<Result> results() {
        return results;
    }

    public static void main(String[] args) throws Exception {
        int rows = 100_000;
        int operations = 20_000;
        Path report = null;
        for (String arg : args) {
            if (arg.startsWith("--rows=")) {
                rows = Integer.parseInt(arg.substring(7));
            } else if (arg.startsWith("--operations=")) {
                operations = Integer.parseInt(arg.substring(13));
            } else if (arg.startsWith("--report=")) {
                report = Path.of(arg.substring(9));
            }
        }
        String markdown = new CaptureTriggerBenchmark().run(rows, operations);
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.getParent());
            Files.writeString(report, markdown);
        }
        System.exit(0);
    }

    /** Runs on PostgreSQL and MariaDB and returns the report as Markdown. */
    public String run(int rows, int operations) throws SQLException {
        for (TestDatabase database : List.of(TestDatabases.postgres(), TestDatabases.mariadb())) {
            results.add(
                    measure(database.kind().name().toLowerCase(Locale.ROOT), database.dataSource(), rows, operations));
        }
        StringBuilder markdown = new StringBuilder("## Capture triggers (issue #17)\n\n")
                .append(rows)
                .append(
                        " rows; single-row UPDATEs by primary key in auto-commit, alternating between the table with the"
                                + " triggers and the one without; bulk: one UPDATE of every row.\n\n")
                .append("| database | updates | p50 plain (µs) | p50 captured (µs) | p50 marked (µs) | mean ratio |"
                        + " bulk plain (ms) | bulk captured (ms) | bulk ratio |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            markdown.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.0f | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f |%n",
                    r.database(),
                    r.operations(),
                    r.plainP50(),
                    r.capturedP50(),
                    r.markedP50(),
                    r.singleRowRatio(),
                    r.bulkPlainMillis(),
                    r.bulkCapturedMillis(),
                    r.bulkRatio()));
        }
        return markdown.toString();
    }

    private static Result measure(String name, DataSource dataSource, int rows, int operations) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            SqlDialect dialect = SqlDialect.detect(c);
            for (String table : List.of("bench_capture_plain", "bench_capture_trig")) {
                s.execute("DROP TABLE IF EXISTS " + table);
                s.execute(
                        "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, full_name VARCHAR(200), note VARCHAR(50))");
                fill(c, table, rows);
            }
            CaptureDdl ddl = new CaptureDdl(dialect, "bench-capture", "bench_capture_trig", "id", List.of("full_name"));
            for (String sql : ddl.create()) {
                s.execute(sql);
            }
            s.execute("DELETE FROM " + CaptureDdl.TABLE + " WHERE migration = 'bench-capture'");
            Random random = new Random(17);
            int warmup = Math.max(200, operations / 10);
            long[] plain = new long[operations];
            long[] captured = new long[operations];
            long[] marked = new long[operations];
            try (PreparedStatement p = c.prepareStatement("UPDATE bench_capture_plain SET full_name = ? WHERE id = ?");
                    PreparedStatement t =
                            c.prepareStatement("UPDATE bench_capture_trig SET full_name = ? WHERE id = ?")) {
                for (int i = -warmup; i < operations; i++) {
                    long key = 1 + random.nextInt(rows);
                    String value = "n" + random.nextInt(1_000_000);
                    long a = time(p, key, value);
                    long b = time(t, key, value);
                    long m = timeMarked(c, s, dialect, t, key, value + "m");
                    if (i >= 0) {
                        plain[i] = a;
                        captured[i] = b;
                        marked[i] = m;
                    }
                }
            }
            s.execute("DELETE FROM " + CaptureDdl.TABLE + " WHERE migration = 'bench-capture'");
            String concat = dialect == SqlDialect.POSTGRESQL ? "full_name || 'b'" : "CONCAT(full_name, 'b')";
            long bulkPlain = bulk(s, "UPDATE bench_capture_plain SET full_name = " + concat);
            long bulkCaptured = bulk(s, "UPDATE bench_capture_trig SET full_name = " + concat);
            for (String sql : ddl.drop()) {
                s.execute(sql);
            }
            s.execute("DELETE FROM " + CaptureDdl.TABLE + " WHERE migration = 'bench-capture'");
            s.execute("DROP TABLE bench_capture_plain");
            s.execute("DROP TABLE bench_capture_trig");
            return new Result(
                    name,
                    operations,
                    p50(plain),
                    p50(captured),
                    p50(marked),
                    mean(plain),
                    mean(captured),
                    bulkPlain / 1e6,
                    bulkCaptured / 1e6);
        }
    }

    private static void fill(Connection c, String table, int rows) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (id, full_name) VALUES (?, ?)")) {
            for (int i = 1; i <= rows; i++) {
                insert.setLong(1, i);
                insert.setString(2, "name " + i);
                insert.addBatch();
                if (i % 1000 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            c.commit();
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static long time(PreparedStatement update, long key, String value) throws SQLException {
        long start = System.nanoTime();
        update.setString(1, value);
        update.setLong(2, key);
        update.executeUpdate();
        return System.nanoTime() - start;
    }

    /** An update as dualwrite's own: in a transaction, marked before and unmarked after. */
    private static long timeMarked(
            Connection c, Statement s, SqlDialect dialect, PreparedStatement update, long key, String value)
            throws SQLException {
        long start = System.nanoTime();
        c.setAutoCommit(false);
        s.execute(io.dualwrite.core.jdbc.WriterMarker.mark(dialect));
        update.setString(1, value);
        update.setLong(2, key);
        update.executeUpdate();
        s.execute(io.dualwrite.core.jdbc.WriterMarker.unmark(dialect));
        c.commit();
        c.setAutoCommit(true);
        return System.nanoTime() - start;
    }

    private static long bulk(Statement s, String sql) throws SQLException {
        long start = System.nanoTime();
        s.executeUpdate(sql);
        return System.nanoTime() - start;
    }

    private static double p50(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1000.0;
    }

    private static double mean(long[] nanos) {
        return Arrays.stream(nanos).average().orElse(0) / 1000.0;
    }
}
