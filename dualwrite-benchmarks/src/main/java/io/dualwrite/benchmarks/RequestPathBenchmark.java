package io.dualwrite.benchmarks;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.DualWriteBuilder;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.PostgresPhaseNotifications;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import javax.sql.DataSource;

/**
 * What dualwrite costs a request, on PostgreSQL, against baselines measured in the same run:
 * {@code RequestPathBenchmark --rows=100000 --operations=20000 --moves=20 [--report=path]}.
 *
 * <ul>
 *   <li>single-row write latency (p50, p99) in DUAL_WRITE against OLD_ONLY, both sides in one database;
 *   <li>read latency through dualwrite in OLD_ONLY against calling the old store directly;
 *   <li>phase propagation from a committed transition to another instance applying it, with PostgreSQL
 *       notifications and with polling at the default refresh interval.
 * </ul>
 *
 * Each latency series alternates the measured paths three times and reports the median round.
 */
public final class RequestPathBenchmark {

    /** Latency percentiles of one path, in microseconds. */
    public record Latency(String path, int operations, double p50Micros, double p99Micros) {}

    /** Propagation times of one mechanism, in milliseconds. */
    public record Propagation(String mechanism, int moves, long medianMillis, long maxMillis) {}

    private final BenchTables tables;
    private final List<Latency> latencies = new ArrayList<>();
    private final List<Propagation> propagations = new ArrayList<>();

    public RequestPathBenchmark(DataSource dataSource) {
        this.tables = new BenchTables(dataSource);
    }

    public static void main(String[] args) throws Exception {
        int rows = 100_000;
        int operations = 20_000;
        int moves = 20;
        Path report = null;
        for (String arg : args) {
            if (arg.startsWith("--rows=")) {
                rows = Integer.parseInt(arg.substring(7));
            } else if (arg.startsWith("--operations=")) {
                operations = Integer.parseInt(arg.substring(13));
            } else if (arg.startsWith("--moves=")) {
                moves = Integer.parseInt(arg.substring(8));
            } else if (arg.startsWith("--report=")) {
                report = Path.of(arg.substring(9));
            }
        }
        String markdown = new RequestPathBenchmark(TestDatabases.postgres().dataSource()).run(rows, operations, moves);
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.getParent());
            Files.writeString(report, markdown);
        }
        System.exit(0);
    }

    public String run(int rows, int operations, int moves) throws Exception {
        tables.populate(rows);
        tables.copyWithSql();
        Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration = tables.migration(false);
        try (DualWrite oldOnly = instance(migration);
                DualWrite dualWrite = instance(migration)) {
            // Two instances of one migration on separate in-memory phase stores: one stays in OLD_ONLY.
            dualWrite.advance(migration.name(), TransitionRequest.by("benchmark", "dual writes"));
            DualRepository<Long, BenchTables.OldRow, BenchTables.NewRow> single = oldOnly.repository(migration);
            DualRepository<Long, BenchTables.OldRow, BenchTables.NewRow> dual = dualWrite.repository(migration);
            MigrationStore<Long, BenchTables.OldRow> direct = migration.oldStore();

            LongConsumer writeOld = id -> single.write(new BenchTables.OldRow(id, "Renamed" + id + " Person" + id));
            LongConsumer writeBoth = id -> dual.write(new BenchTables.OldRow(id, "Renamed" + id + " Person" + id));
            LongConsumer readThrough = id -> single.read(id).orElseThrow();
            LongConsumer readDirect = id -> direct.read(id).orElseThrow();
            measure(rows, operations / 4, writeOld, writeBoth); // warm-up
            measure(rows, operations / 4, readDirect, readThrough);
            compare(
                    rows,
                    operations,
                    "single-row write, OLD_ONLY",
                    writeOld,
                    "single-row write, DUAL_WRITE",
                    writeBoth);
            compare(
                    rows,
                    operations,
                    "read, old store called directly",
                    readDirect,
                    "read through dualwrite, OLD_ONLY",
                    readThrough);
        }
        propagations.add(propagation(moves, true, Duration.ofHours(1)));
        propagations.add(propagation(Math.max(4, moves / 2), false, Duration.ofSeconds(1)));
        return markdown();
    }

    public List<Latency> latencies() {
        return List.copyOf(latencies);
    }

    public List<Propagation> propagations() {
        return List.copyOf(propagations);
    }

    private static DualWrite instance(Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration) {
        return DualWrite.builder(new InMemoryPhaseStore())
                .singleInstance()
                .migration(migration)
                .shadowReads(ShadowReadOptions.defaults().withSampleRate(0))
                .build();
    }

    /** Alternates the two paths three times and keeps each path's median round (by p50). */
    private void compare(
            int rows, int operations, String baselineName, LongConsumer baseline, String pathName, LongConsumer path) {
        List<Latency> base = new ArrayList<>();
        List<Latency> measured = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            long[][] both = measure(rows, operations, baseline, path);
            base.add(latency(baselineName, both[0]));
            measured.add(latency(pathName, both[1]));
        }
        latencies.add(median(base));
        latencies.add(median(measured));
    }

    /**
     * Runs the two paths interleaved on the same random keys, each going first every other operation so that
     * neither profits from the other warming the row; nanoseconds each.
     */
    static long[][] measure(int rows, int operations, LongConsumer first, LongConsumer second) {
        long[][] nanos = new long[2][operations];
        SplittableRandom random = new SplittableRandom(operations);
        for (int i = 0; i < operations; i++) {
            long id = 1 + random.nextInt(rows);
            int leader = i % 2;
            nanos[leader][i] = timed(leader == 0 ? first : second, id);
            nanos[1 - leader][i] = timed(leader == 0 ? second : first, id);
        }
        return nanos;
    }

    private static long timed(LongConsumer operation, long id) {
        long started = System.nanoTime();
        operation.accept(id);
        return System.nanoTime() - started;
    }

    static Latency latency(String path, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latency(
                path,
                sorted.length,
                sorted[sorted.length / 2] / 1_000.0,
                sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1_000.0);
    }

    static Latency median(List<Latency> rounds) {
        List<Latency> sorted = new ArrayList<>(rounds);
        sorted.sort(java.util.Comparator.comparingDouble(Latency::p50Micros));
        return sorted.get(sorted.size() / 2);
    }

    /** Moves a migration back and forth on one instance and times until another applies each move. */
    private Propagation propagation(int moves, boolean notify, Duration refresh) throws Exception {
        DataSource dataSource = tables.dataSource();
        DualWriteSchema.create(dataSource);
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration = tables.migration(false);
        DualWriteBuilder listening = DualWrite.builder(new JdbcPhaseStore(transactions))
                .singleInstance()
                .migration(migration)
                .refreshInterval(refresh);
        if (notify) {
            listening.phaseNotifications(new PostgresPhaseNotifications(dataSource));
        }
        try (DualWrite mover = DualWrite.builder(new JdbcPhaseStore(transactions))
                        .singleInstance()
                        .migration(migration)
                        .build();
                DualWrite listener = listening.build()) {
            Thread.sleep(500);
            long[] millis = new long[moves];
            for (int i = 0; i < moves; i++) {
                MigrationPhase target = i % 2 == 0 ? MigrationPhase.DUAL_WRITE : MigrationPhase.OLD_ONLY;
                long committed = System.nanoTime();
                mover.transition(migration.name(), target, TransitionRequest.by("benchmark", "propagation"));
                while (listener.phase(migration.name()) != target) {
                    Thread.sleep(0, 200_000);
                }
                millis[i] = (System.nanoTime() - committed) / 1_000_000;
                // Let the listener's cache age a random part of its interval, as requests would find it.
                Thread.sleep(notify ? 20 : new SplittableRandom(i).nextLong(refresh.toMillis()));
            }
            Arrays.sort(millis);
            return new Propagation(
                    notify ? "PostgreSQL LISTEN/NOTIFY (listener refresh interval 1 h)" : "polling every " + refresh,
                    moves,
                    millis[moves / 2],
                    millis[moves - 1]);
        }
    }

    public String markdown() {
        StringBuilder out =
                new StringBuilder("| path | operations | p50 µs | p99 µs | p50 vs baseline | p99 vs baseline |\n"
                        + "|---|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < latencies.size(); i += 2) {
            Latency base = latencies.get(i);
            Latency path = latencies.get(i + 1);
            out.append(row(base, base)).append(row(path, base));
        }
        out.append("\n| propagation | moves | median ms | max ms |\n|---|---:|---:|---:|\n");
        for (Propagation p : propagations) {
            out.append(String.format(
                    Locale.ROOT, "| %s | %d | %d | %d |%n", p.mechanism(), p.moves(), p.medianMillis(), p.maxMillis()));
        }
        return out.toString();
    }

    private static String row(Latency l, Latency base) {
        return String.format(
                Locale.ROOT,
                "| %s | %,d | %.0f | %.0f | %.2fx | %.2fx |%n",
                l.path(),
                l.operations(),
                l.p50Micros(),
                l.p99Micros(),
                l.p50Micros() / base.p50Micros(),
                l.p99Micros() / base.p99Micros());
    }
}
