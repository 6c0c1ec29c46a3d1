package io.dualwrite.benchmarks;

import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillPartition;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.InsertPath;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.SqlChunkCopier;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * The partitioned backfill at scale (issue #16), against baselines measured in the same run on the same data.
 *
 * <p><b>Backfill</b>, on each database (PostgreSQL, MariaDB) and at each size: the single {@code INSERT INTO bench_new
 * SELECT ... FROM bench_old} a user would run; then for each number of workers N, the dualwrite backfill with
 * {@code partitions(N x partitionsPerWorker).workers(N)} by the Java mapping and by the SQL mapping, and N parallel
 * {@code INSERT ... SELECT}s over exactly the key ranges the Java-mapped run planned (read back from
 * {@code dualwrite_backfill_partition}), claimed from a queue by N threads on N connections as dualwrite's workers
 * claim them. Every path copies into an emptied {@code bench_new}; a round runs every path once, in turn, and the
 * median of the rounds is reported (the peak heap is the highest of the rounds). An unreported round on 20,000 rows
 * warms up first when the sizes are larger.
 *
 * <p><b>Across databases</b>: {@code bench_old} in MariaDB, {@code bench_new} in PostgreSQL; the dualwrite backfill
 * (Java mapping, the same worker counts) against the dump-and-load pipeline {@code mariadb --batch --quick -e "SELECT
 * id, <split expressions> FROM bench_old" | psql -c "COPY bench_new FROM STDIN"}, run through {@code bash -c} and timed
 * end to end.
 *
 * <p>Every copy is checked: {@code bench_new} holds exactly the rows of OLD, by count after every copy and by a full
 * comparison ({@code SELECT COUNT(*) FROM bench_old o JOIN bench_new n ON n.id = o.id AND n.first_name = <expression>
 * ...} within a database, both sides streamed in key order and compared across databases) in the first round (every
 * round with {@code --compare=every}).
 *
 * <p>{@code ScaleBenchmark --sizes=1000000,10000000 --workers=1,2,4 --partitions-per-worker=4 --rounds=3
 * --databases=postgresql,mariadb --cross-rows=1000000 --parts=backfill,cross-database [--max-chunk=20000]
 * [--initial-chunk=1000] [--min-chunk=50] [--target-chunk-ms=100] [--insert-path=AUTO] [--compare=first|every]
 * [--report=path]}; the databases are found as the tests find them ({@code DUALWRITE_TEST_POSTGRES_URL},
 * {@code DUALWRITE_TEST_MARIADB_URL}, Testcontainers, or embedded servers).
 */
public final class ScaleBenchmark {

    /** The sections of the report. */
    public static final String BACKFILL = "backfill";

    public static final String CROSS_DATABASE = "cross-database";

    /** The paths' names in the report. */
    public static final String SINGLE = "INSERT ... SELECT, one statement";

    public static final String PARALLEL = "INSERT ... SELECT per partition, N connections";
    public static final String JAVA = "dualwrite, Java mapping";
    public static final String SQL = "dualwrite, SQL mapping";
    public static final String DUMP_AND_LOAD = "dump and load: mariadb --batch into psql COPY FROM STDIN";
    public static final String CROSS = "dualwrite, Java mapping, MariaDB to PostgreSQL";

    /** Rows of the unreported warm-up round before each database's first size (skipped for sizes this small). */
    static final int WARM_UP_ROWS = 20_000;

    /**
     * The median copy of one path.
     *
     * @param section {@link #BACKFILL} or {@link #CROSS_DATABASE}
     * @param database where the copy ran ({@code postgresql}, {@code mariadb}, {@code mariadb -> postgresql})
     * @param workers dualwrite's workers, or the parallel statements' connections; 1 for a single statement
     * @param partitions the key ranges copied (1 for a single statement)
     * @param peakHeapBytes the highest peak heap use of the rounds
     * @param compared whether a full comparison of OLD and NEW found them equal after this path's copy
     */
    public record Measurement(
            String section,
            String database,
            String path,
            int workers,
            int partitions,
            long rows,
            Duration elapsed,
            long peakHeapBytes,
            long rowsInNew,
            boolean compared) {

        public double rowsPerSecond() {
            return rows / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }

        double seconds() {
            return elapsed.toNanos() / 1e9;
        }
    }

    /**
     * What a run measures.
     *
     * @param workers the worker counts compared
     * @param partitionsPerWorker partitions per worker: a backfill with N workers is split into N times as many ranges
     * @param rounds how many times each path runs at each size; the median is reported
     * @param options the backfill options other than partitions and workers
     * @param insertPath how the Java-mapped path writes NEW
     * @param compareEveryRound whether every copy is compared in full, not only the first round's
     */
    public record Settings(
            List<Integer> workers,
            int partitionsPerWorker,
            int rounds,
            BackfillOptions options,
            InsertPath insertPath,
            boolean compareEveryRound) {

        public Settings {
            workers = List.copyOf(workers);
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(insertPath, "insertPath");
            if (partitionsPerWorker < 1 || rounds < 1 || workers.isEmpty()) {
                throw new IllegalArgumentException("partitionsPerWorker, rounds and workers must be at least 1");
            }
        }

        /** The defaults of the long run: 1, 2 and 4 workers, 4 partitions each, 3 rounds, default options. */
        public static Settings defaults() {
            return new Settings(List.of(1, 2, 4), 4, 3, BackfillOptions.defaults(), InsertPath.AUTO, false);
        }

        int partitions(int workerCount) {
            return workerCount * partitionsPerWorker;
        }
    }

    private final Settings settings;
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<String> servers = new ArrayList<>();

    public ScaleBenchmark(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(1_000_000, 10_000_000);
        List<Integer> workers = List.of(1, 2, 4);
        int partitionsPerWorker = 4;
        int rounds = 3;
        int crossRows = 1_000_000;
        List<String> databases = List.of("postgresql", "mariadb");
        List<String> parts = List.of(BACKFILL, CROSS_DATABASE);
        BackfillOptions.Builder options = BackfillOptions.from(BackfillOptions.defaults());
        InsertPath insertPath = InsertPath.AUTO;
        boolean compareEvery = false;
        Path report = null;
        for (String arg : args) {
            String value = arg.substring(arg.indexOf('=') + 1);
            if (arg.startsWith("--sizes=")) {
                sizes = integers(value);
            } else if (arg.startsWith("--workers=")) {
                workers = integers(value);
            } else if (arg.startsWith("--partitions-per-worker=")) {
                partitionsPerWorker = Integer.parseInt(value);
            } else if (arg.startsWith("--rounds=")) {
                rounds = Integer.parseInt(value);
            } else if (arg.startsWith("--cross-rows=")) {
                crossRows = Integer.parseInt(value);
            } else if (arg.startsWith("--databases=")) {
                databases = List.of(value.split(","));
            } else if (arg.startsWith("--parts=")) {
                parts = List.of(value.split(","));
            } else if (arg.startsWith("--max-chunk=")) {
                options.maxChunkSize(Integer.parseInt(value));
            } else if (arg.startsWith("--initial-chunk=")) {
                options.initialChunkSize(Integer.parseInt(value));
            } else if (arg.startsWith("--min-chunk=")) {
                options.minChunkSize(Integer.parseInt(value));
            } else if (arg.startsWith("--target-chunk-ms=")) {
                options.targetChunkTime(Duration.ofMillis(Long.parseLong(value)));
            } else if (arg.startsWith("--insert-path=")) {
                insertPath = InsertPath.valueOf(value.toUpperCase(Locale.ROOT));
            } else if (arg.startsWith("--compare=")) {
                compareEvery = value.equals("every");
            } else if (arg.startsWith("--report=")) {
                report = Path.of(value);
            } else {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        ScaleBenchmark benchmark = new ScaleBenchmark(
                new Settings(workers, partitionsPerWorker, rounds, options.build(), insertPath, compareEvery));
        if (parts.contains(BACKFILL)) {
            for (String database : databases) {
                TestDatabase db = database.equals("mariadb") ? TestDatabases.mariadb() : TestDatabases.postgres();
                benchmark.backfill(database, db.dataSource(), sizes);
            }
        }
        if (parts.contains(CROSS_DATABASE)) {
            benchmark.crossDatabase(TestDatabases.mariadb(), TestDatabases.postgres(), crossRows);
        }
        String markdown = benchmark.markdown();
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.toAbsolutePath().getParent());
            Files.writeString(report, markdown);
        }
        System.exit(0);
    }

    private static List<Integer> integers(String list) {
        return Arrays.stream(list.split(",")).map(Integer::valueOf).toList();
    }

    public List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Backfill within one database

    /** Measures every path at every size on one database. */
    public void backfill(String database, DataSource dataSource, List<Integer> sizes) {
        DualWriteSchema.create(dataSource);
        BenchTables tables = new BenchTables(dataSource);
        boolean mariadb = tables.mariadb();
        server(database, tables);
        String insertSelect = "INSERT INTO bench_new (id, first_name, last_name) SELECT id, "
                + Names.firstNameSql(mariadb) + ", " + Names.lastNameSql(mariadb) + " FROM bench_old";
        LongSupplier compare = () -> tables.queryLong("SELECT COUNT(*) FROM bench_old o JOIN bench_new n ON n.id = o.id"
                + " AND n.first_name = " + Names.firstNameSql(mariadb) + " AND n.last_name = "
                + Names.lastNameSql(mariadb));

        if (sizes.get(0) > WARM_UP_ROWS) { // warm-up (JIT, connections, caches), not reported
            tables.populate(WARM_UP_ROWS);
            Map<String, List<Measurement>> warmUp = new LinkedHashMap<>();
            for (int w : settings.workers()) {
                List<BackfillPartition.Range> plan =
                        timeBackfill(warmUp, database, tables, dataSource, WARM_UP_ROWS, w, false, compare, 0);
                timeParallel(warmUp, database, tables, WARM_UP_ROWS, w, plan, insertSelect, compare, 0);
                timeBackfill(warmUp, database, tables, dataSource, WARM_UP_ROWS, w, true, compare, 0);
            }
        }

        for (int rows : sizes) {
            log("%s: filling bench_old with %,d rows", database, rows);
            tables.populate(rows);
            Map<String, List<Measurement>> attempts = new LinkedHashMap<>();
            for (int round = 0; round < settings.rounds(); round++) {
                int r = round;
                time(attempts, BACKFILL, database, SINGLE, 1, 1, rows, tables, compare, round, () -> {
                    tables.execute(insertSelect);
                });
                for (int w : settings.workers()) {
                    List<BackfillPartition.Range> plan =
                            timeBackfill(attempts, database, tables, dataSource, rows, w, false, compare, r);
                    timeParallel(attempts, database, tables, rows, w, plan, insertSelect, compare, r);
                    timeBackfill(attempts, database, tables, dataSource, rows, w, true, compare, r);
                }
            }
            keepMedians(attempts);
        }
        tables.execute("TRUNCATE TABLE bench_new");
    }

    /** Runs the dualwrite backfill with {@code w} workers; returns the plan it made. */
    private List<BackfillPartition.Range> timeBackfill(
            Map<String, List<Measurement>> attempts,
            String database,
            BenchTables tables,
            DataSource dataSource,
            long rows,
            int w,
            boolean sqlMapping,
            LongSupplier compare,
            int round) {
        Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration =
                tables.migration(sqlMapping, settings.insertPath());
        JdbcBackfillStore store = new JdbcBackfillStore(dataSource);
        time(
                attempts,
                BACKFILL,
                database,
                sqlMapping ? SQL : JAVA,
                w,
                settings.partitions(w),
                rows,
                tables,
                compare,
                round,
                () -> copy(migration, store, w, sqlMapping));
        List<BackfillPartition.Range> plan = store.partitions(migration.name()).stream()
                .sorted(Comparator.comparingInt(BackfillPartition::number))
                .map(p -> new BackfillPartition.Range(p.lowerKey(), p.upperKey()))
                .toList();
        forget(tables, migration.name());
        if (plan.isEmpty()) {
            throw new IllegalStateException("the backfill of " + migration.name() + " stored no plan");
        }
        return plan;
    }

    /** Deletes a benchmark run's progress and plan, so that runs do not pile up in dualwrite's tables. */
    private static void forget(BenchTables tables, String migration) {
        for (String table : List.of("dualwrite_backfill_partition", "dualwrite_backfill")) {
            try (Connection c = tables.dataSource().getConnection();
                    PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE migration = ?")) {
                delete.setString(1, migration);
                delete.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void copy(
            Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration,
            JdbcBackfillStore store,
            int w,
            boolean sqlMapping) {
        BackfillOptions options = BackfillOptions.from(settings.options())
                .partitions(settings.partitions(w))
                .workers(w)
                .build();
        Backfill<Long, BenchTables.OldRow, BenchTables.NewRow> backfill = new Backfill<>(
                migration,
                store,
                options,
                "benchmark",
                Clock.systemUTC(),
                () -> sqlMapping ? SqlChunkCopier.forMigration(migration).orElse(null) : null);
        backfill.start();
        Backfill.Outcome outcome = backfill.run(() -> true);
        if (outcome != Backfill.Outcome.COMPLETED) {
            throw new IllegalStateException("backfill ended " + outcome + ": " + backfill.progress());
        }
        if (backfill.copiesInTheDatabase() != sqlMapping) {
            throw new IllegalStateException("the SQL-mapped path must copy in the database, the Java path in Java");
        }
    }

    /** {@code w} threads on their own connections run one {@code INSERT ... SELECT} per range of {@code plan}. */
    private void timeParallel(
            Map<String, List<Measurement>> attempts,
            String database,
            BenchTables tables,
            long rows,
            int w,
            List<BackfillPartition.Range> plan,
            String insertSelect,
            LongSupplier compare,
            int round) {
        time(attempts, BACKFILL, database, PARALLEL, w, plan.size(), rows, tables, compare, round, () -> {
            ConcurrentLinkedQueue<BackfillPartition.Range> queue = new ConcurrentLinkedQueue<>(plan);
            ExecutorService pool = Executors.newFixedThreadPool(w);
            try {
                List<Future<?>> statements = new ArrayList<>();
                for (int i = 0; i < w; i++) {
                    statements.add(pool.submit(() -> {
                        try (Connection c = tables.dataSource().getConnection()) {
                            BackfillPartition.Range range;
                            while ((range = queue.poll()) != null) {
                                insertRange(c, insertSelect, range);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> statement : statements) {
                    statement.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a parallel INSERT ... SELECT failed", e.getCause());
            } finally {
                pool.shutdownNow();
            }
        });
    }

    private static void insertRange(Connection c, String insertSelect, BackfillPartition.Range range)
            throws SQLException {
        boolean lower = range.lowerKey() != null;
        String sql = insertSelect + " WHERE " + (lower ? "id > ? AND " : "") + "id <= ?";
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            int i = 1;
            if (lower) {
                statement.setLong(i++, Long.parseLong(range.lowerKey()));
            }
            statement.setLong(i, Long.parseLong(range.upperKey()));
            statement.executeUpdate();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // MariaDB to PostgreSQL

    /** Measures the dump-and-load pipeline and the cross-database backfill on {@code rows} rows. */
    public void crossDatabase(TestDatabase mariadb, TestDatabase postgres, int rows) throws IOException {
        DataSource oldDatabase = mariadb.dataSource();
        DataSource newDatabase = postgres.dataSource();
        DualWriteSchema.create(oldDatabase);
        BenchTables old = new BenchTables(oldDatabase);
        BenchTables fresh = new BenchTables(newDatabase);
        server("mariadb", old);
        server("postgresql", fresh);
        String database = "mariadb -> postgresql";
        LongSupplier compare = () -> compareAcross(oldDatabase, newDatabase);
        Runnable pipeline = () -> dumpAndLoad(mariadb, postgres);

        fresh.createNewTable(); // only bench_old lives in MariaDB, only bench_new in PostgreSQL
        if (rows > WARM_UP_ROWS) { // warm-up, not reported
            old.populate(WARM_UP_ROWS);
            old.execute("DROP TABLE bench_new");
            Map<String, List<Measurement>> warmUp = new LinkedHashMap<>();
            time(warmUp, CROSS_DATABASE, database, DUMP_AND_LOAD, 1, 1, WARM_UP_ROWS, fresh, compare, 0, pipeline);
            for (int w : settings.workers()) {
                timeCrossBackfill(warmUp, database, old, fresh, w, compare, 0);
            }
        }

        log("%s: filling bench_old with %,d rows", database, rows);
        old.populate(rows);
        old.execute("DROP TABLE bench_new");
        Map<String, List<Measurement>> attempts = new LinkedHashMap<>();
        for (int round = 0; round < settings.rounds(); round++) {
            time(attempts, CROSS_DATABASE, database, DUMP_AND_LOAD, 1, 1, rows, fresh, compare, round, pipeline);
            for (int w : settings.workers()) {
                timeCrossBackfill(attempts, database, old, fresh, w, compare, round);
            }
        }
        keepMedians(attempts);
        fresh.execute("TRUNCATE TABLE bench_new");
    }

    private void timeCrossBackfill(
            Map<String, List<Measurement>> attempts,
            String database,
            BenchTables old,
            BenchTables fresh,
            int w,
            LongSupplier compare,
            int round) {
        Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration =
                BenchTables.migration(old.dataSource(), fresh.dataSource(), false, settings.insertPath(), true);
        JdbcBackfillStore store = new JdbcBackfillStore(old.dataSource());
        time(
                attempts,
                CROSS_DATABASE,
                database,
                CROSS,
                w,
                settings.partitions(w),
                old.count("bench_old"),
                fresh,
                compare,
                round,
                () -> copy(migration, store, w, false));
        forget(old, migration.name());
    }

    /**
     * The pipeline a user would run: the mapped rows dumped by the {@code mariadb} client, tab-separated, straight
     * into {@code COPY ... FROM STDIN} by {@code psql} (the names have no tabs, backslashes or NULLs, so MariaDB's
     * batch output is COPY's text format as it is).
     */
    private static void dumpAndLoad(TestDatabase mariadb, TestDatabase postgres) {
        Endpoint from = Endpoint.of(mariadb.jdbcUrl(), 3306);
        Endpoint to = Endpoint.of(postgres.jdbcUrl(), 5432);
        String select =
                "SELECT id, " + Names.MARIADB_FIRST_NAME_SQL + ", " + Names.MARIADB_LAST_NAME_SQL + " FROM bench_old";
        String load = "COPY bench_new (id, first_name, last_name) FROM STDIN";
        ProcessBuilder process = new ProcessBuilder(
                        "bash",
                        "-c",
                        pipelineScript(),
                        "bash",
                        from.host(),
                        Integer.toString(from.port()),
                        mariadb.user(),
                        from.database(),
                        select,
                        to.host(),
                        Integer.toString(to.port()),
                        postgres.user(),
                        to.database(),
                        load)
                .redirectErrorStream(true);
        if (!mariadb.password().isEmpty()) {
            process.environment().put("MYSQL_PWD", mariadb.password());
        }
        if (!postgres.password().isEmpty()) {
            process.environment().put("PGPASSWORD", postgres.password());
        }
        try {
            Process running = process.start();
            running.getOutputStream().close();
            String output;
            try (InputStream out = running.getInputStream()) {
                output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            }
            int exit = running.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("the dump-and-load pipeline exited " + exit + ": " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run the dump-and-load pipeline", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The pipeline as run by {@code bash -c}, its values passed as positional parameters (no quoting of SQL). */
    public static String pipelineScript() {
        return "set -o pipefail; mariadb --batch --skip-column-names --quick --protocol=TCP"
                + " -h \"$1\" -P \"$2\" -u \"$3\" \"$4\" -e \"$5\""
                + " | psql -X -q -v ON_ERROR_STOP=1 -h \"$6\" -p \"$7\" -U \"$8\" -d \"$9\" -c \"${10}\" >/dev/null";
    }

    /** Host, port and database of a JDBC URL. */
    private record Endpoint(String host, int port, String database) {

        static Endpoint of(String jdbcUrl, int defaultPort) {
            URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
            String path = uri.getPath() == null ? "" : uri.getPath();
            return new Endpoint(
                    uri.getHost(), uri.getPort() < 0 ? defaultPort : uri.getPort(), path.replaceFirst("^/", ""));
        }
    }

    /**
     * The rows of NEW (PostgreSQL) that equal OLD's (MariaDB) mapped in MariaDB's SQL: both sides streamed in key
     * order and compared row by row; throws at the first difference.
     */
    private static long compareAcross(DataSource oldDatabase, DataSource newDatabase) {
        String oldSql = "SELECT id, " + Names.MARIADB_FIRST_NAME_SQL + ", " + Names.MARIADB_LAST_NAME_SQL
                + " FROM bench_old ORDER BY id";
        String newSql = "SELECT id, first_name, last_name FROM bench_new ORDER BY id";
        try (Connection o = oldDatabase.getConnection();
                Connection n = newDatabase.getConnection()) {
            n.setAutoCommit(false); // pgjdbc streams with a fetch size only inside a transaction
            try (Statement os = o.createStatement();
                    Statement ns = n.createStatement()) {
                os.setFetchSize(10_000);
                ns.setFetchSize(10_000);
                try (ResultSet left = os.executeQuery(oldSql);
                        ResultSet right = ns.executeQuery(newSql)) {
                    long equal = 0;
                    while (left.next()) {
                        if (!right.next()) {
                            throw new IllegalStateException("NEW lacks the row of key " + left.getLong(1));
                        }
                        if (left.getLong(1) != right.getLong(1)
                                || !left.getString(2).equals(right.getString(2))
                                || !left.getString(3).equals(right.getString(3))) {
                            throw new IllegalStateException(
                                    "OLD and NEW differ at key " + left.getLong(1) + " / " + right.getLong(1));
                        }
                        equal++;
                    }
                    if (right.next()) {
                        throw new IllegalStateException("NEW has a row OLD lacks, key " + right.getLong(1));
                    }
                    return equal;
                }
            } finally {
                n.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Timing and the report

    /**
     * Times one copy into an emptied {@code bench_new} of {@code target}, checks its row count, and compares OLD and
     * NEW in full in the first round (or every round).
     */
    private void time(
            Map<String, List<Measurement>> attempts,
            String section,
            String database,
            String path,
            int workers,
            int partitions,
            long rows,
            BenchTables target,
            LongSupplier compare,
            int round,
            Runnable copy) {
        target.execute("TRUNCATE TABLE bench_new");
        HeapMeter.reset();
        long started = System.nanoTime();
        copy.run();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        long peakHeap = HeapMeter.peakBytes();
        long inNew = target.count("bench_new");
        if (inNew != rows) {
            throw new IllegalStateException(
                    path + " (" + workers + " workers) on " + database + " copied " + inNew + " rows of " + rows);
        }
        boolean compared = false;
        if (round == 0 || settings.compareEveryRound()) {
            long equal = compare.getAsLong();
            if (equal != rows) {
                throw new IllegalStateException(path + " (" + workers + " workers) on " + database + ": " + equal
                        + " of " + rows + " rows of NEW equal OLD's mapped");
            }
            compared = true;
        }
        log(
                "%-22s %-48s %d workers %3d partitions %,11d rows %8.2f s %,11.0f rows/s %4d MiB",
                database,
                path,
                workers,
                partitions,
                rows,
                elapsed.toNanos() / 1e9,
                rows / Math.max(1e-9, elapsed.toNanos() / 1e9),
                peakHeap / (1024 * 1024));
        attempts.computeIfAbsent(path + "/" + workers, k -> new ArrayList<>())
                .add(new Measurement(
                        section, database, path, workers, partitions, rows, elapsed, peakHeap, inNew, compared));
    }

    private void keepMedians(Map<String, List<Measurement>> attempts) {
        for (List<Measurement> each : attempts.values()) {
            long peak =
                    each.stream().mapToLong(Measurement::peakHeapBytes).max().orElse(0);
            boolean compared = each.stream().anyMatch(Measurement::compared);
            List<Measurement> sorted = new ArrayList<>(each);
            sorted.sort(Comparator.comparing(Measurement::elapsed));
            Measurement m = sorted.get(sorted.size() / 2);
            measurements.add(new Measurement(
                    m.section(),
                    m.database(),
                    m.path(),
                    m.workers(),
                    m.partitions(),
                    m.rows(),
                    m.elapsed(),
                    peak,
                    m.rowsInNew(),
                    compared));
        }
    }

    private void server(String database, BenchTables tables) {
        String version =
                tables.mariadb() ? queryString(tables, "SELECT VERSION()") : queryString(tables, "SHOW server_version");
        String line = database + " " + version;
        if (!servers.contains(line)) {
            servers.add(line);
        }
    }

    private static String queryString(BenchTables tables, String sql) {
        try (Connection c = tables.dataSource().getConnection();
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, format + "%n", args);
    }

    /** The settings of the run, then a table per section, each ratio against a baseline of the same run. */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("Settings of this run:\n\n");
        out.append(String.format(
                Locale.ROOT,
                "- JVM: Java %s, max heap %d MiB, %d processors; servers: %s%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024),
                Runtime.getRuntime().availableProcessors(),
                servers.isEmpty() ? "none" : String.join(", ", servers)));
        out.append(String.format(
                Locale.ROOT,
                "- workers %s, %d partitions per worker; %d round(s), the median reported (peak heap: the highest"
                        + " round)%n",
                settings.workers(),
                settings.partitionsPerWorker(),
                settings.rounds()));
        out.append("- backfill options: ").append(nonDefaults()).append('\n');
        out.append("- every copy's row count checked; OLD and NEW compared in full ")
                .append(settings.compareEveryRound() ? "after every copy" : "after each path's first round")
                .append("\n\n");

        List<Measurement> backfill = section(BACKFILL);
        if (!backfill.isEmpty()) {
            out.append("Backfill (N = workers; the N parallel statements run over the ranges the Java-mapped run"
                    + " planned, on N connections):\n\n");
            out.append("| database | path | N | partitions | rows | seconds | rows/s | time vs one INSERT ... SELECT"
                    + " | time vs N parallel INSERT ... SELECT | peak heap MiB |\n");
            out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Measurement m : backfill) {
                Measurement single = find(BACKFILL, m.database(), SINGLE, 1, m.rows());
                Measurement parallel = find(BACKFILL, m.database(), PARALLEL, m.workers(), m.rows());
                boolean dualwrite = m.path().equals(JAVA) || m.path().equals(SQL);
                out.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %d | %,d | %.2f | %,.0f | %s | %s | %d |%n",
                        m.database(),
                        m.path(),
                        m.path().equals(SINGLE) ? "" : Integer.toString(m.workers()),
                        m.partitions(),
                        m.rows(),
                        m.seconds(),
                        m.rowsPerSecond(),
                        ratio(m, single),
                        dualwrite ? ratio(m, parallel) : "",
                        m.peakHeapBytes() / (1024 * 1024)));
            }
            out.append('\n');
            best(out, backfill);
            scaling(out, backfill);
        }
        List<Measurement> cross = section(CROSS_DATABASE);
        if (!cross.isEmpty()) {
            out.append("Across databases (`bench_old` in MariaDB, `bench_new` in PostgreSQL):\n\n");
            out.append("| path | N | partitions | rows | seconds | rows/s | time vs dump-and-load | peak heap MiB |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Measurement m : cross) {
                Measurement pipeline = find(CROSS_DATABASE, m.database(), DUMP_AND_LOAD, 1, m.rows());
                out.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %,d | %.2f | %,.0f | %s | %d |%n",
                        m.path(),
                        m.path().equals(DUMP_AND_LOAD) ? "" : Integer.toString(m.workers()),
                        m.path().equals(DUMP_AND_LOAD) ? "" : Integer.toString(m.partitions()),
                        m.rows(),
                        m.seconds(),
                        m.rowsPerSecond(),
                        ratio(m, pipeline),
                        m.peakHeapBytes() / (1024 * 1024)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** For each database, size and mapping: the fastest N, and its ratios. */
    private void best(StringBuilder out, List<Measurement> backfill) {
        out.append("Best N per database, size and mapping:\n\n");
        out.append("| database | rows | path | best N | seconds | time vs one INSERT ... SELECT"
                + " | time vs N parallel INSERT ... SELECT |\n");
        out.append("|---|---:|---|---:|---:|---:|---:|\n");
        for (String database : distinct(backfill, Measurement::database)) {
            for (long rows : backfill.stream()
                    .filter(m -> m.database().equals(database))
                    .map(Measurement::rows)
                    .distinct()
                    .toList()) {
                for (String path : List.of(JAVA, SQL)) {
                    backfill.stream()
                            .filter(m -> m.database().equals(database)
                                    && m.rows() == rows
                                    && m.path().equals(path))
                            .min(Comparator.comparing(Measurement::elapsed))
                            .ifPresent(m -> out.append(String.format(
                                    Locale.ROOT,
                                    "| %s | %,d | %s | %d | %.2f | %s | %s |%n",
                                    database,
                                    rows,
                                    path,
                                    m.workers(),
                                    m.seconds(),
                                    ratio(m, find(BACKFILL, database, SINGLE, 1, rows)),
                                    ratio(m, find(BACKFILL, database, PARALLEL, m.workers(), rows)))));
                }
            }
        }
        out.append('\n');
    }

    /** Each path's rows/s at the largest size relative to the smallest. */
    private void scaling(StringBuilder out, List<Measurement> backfill) {
        List<Long> sizes =
                backfill.stream().map(Measurement::rows).distinct().sorted().toList();
        if (sizes.size() < 2) {
            return;
        }
        long small = sizes.get(0);
        long large = sizes.get(sizes.size() - 1);
        out.append(String.format(
                Locale.ROOT, "Throughput at %,d rows relative to %,d rows (same path, same N):%n%n", large, small));
        out.append(String.format(
                Locale.ROOT,
                "| database | path | N | rows/s at %,d | rows/s at %,d | ratio |%n|---|---|---:|---:|---:|---:|%n",
                small,
                large));
        for (Measurement m : backfill) {
            if (m.rows() != small) {
                continue;
            }
            Measurement big = find(BACKFILL, m.database(), m.path(), m.workers(), large);
            if (big == null) {
                continue;
            }
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %,.0f | %,.0f | %.2f |%n",
                    m.database(),
                    m.path(),
                    m.path().equals(SINGLE) ? "" : Integer.toString(m.workers()),
                    m.rowsPerSecond(),
                    big.rowsPerSecond(),
                    big.rowsPerSecond() / m.rowsPerSecond()));
        }
        out.append('\n');
    }

    private String nonDefaults() {
        BackfillOptions defaults = BackfillOptions.defaults();
        BackfillOptions o = settings.options();
        List<String> changed = new ArrayList<>();
        if (o.initialChunkSize() != defaults.initialChunkSize()) {
            changed.add("initialChunkSize " + o.initialChunkSize());
        }
        if (o.minChunkSize() != defaults.minChunkSize()) {
            changed.add("minChunkSize " + o.minChunkSize());
        }
        if (o.maxChunkSize() != defaults.maxChunkSize()) {
            changed.add("maxChunkSize " + o.maxChunkSize());
        }
        if (!o.targetChunkTime().equals(defaults.targetChunkTime())) {
            changed.add("targetChunkTime " + o.targetChunkTime().toMillis() + " ms");
        }
        if (settings.insertPath() != InsertPath.AUTO) {
            changed.add("insertPath " + settings.insertPath());
        }
        return "defaults (chunks from " + defaults.initialChunkSize() + " rows adapting between "
                + defaults.minChunkSize() + " and " + defaults.maxChunkSize() + " towards "
                + defaults.targetChunkTime().toMillis() + " ms, lock timeout "
                + defaults.lockTimeout().toMillis()
                + " ms, insert path AUTO) "
                + (changed.isEmpty() ? "with nothing changed" : "except " + String.join(", ", changed))
                + "; partitions and workers as in the tables";
    }

    private List<Measurement> section(String section) {
        return measurements.stream().filter(m -> m.section().equals(section)).toList();
    }

    private Measurement find(String section, String database, String path, int workers, long rows) {
        return measurements.stream()
                .filter(m -> m.section().equals(section)
                        && m.database().equals(database)
                        && m.path().equals(path)
                        && m.workers() == workers
                        && m.rows() == rows)
                .findFirst()
                .orElse(null);
    }

    private static String ratio(Measurement m, Measurement baseline) {
        return baseline == null
                ? ""
                : String.format(
                        Locale.ROOT,
                        "%.2fx",
                        m.elapsed().toNanos() / (double) baseline.elapsed().toNanos());
    }

    private static <T> List<T> distinct(List<Measurement> list, java.util.function.Function<Measurement, T> by) {
        return list.stream().map(by).distinct().toList();
    }
}
