package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.DaemonThreads;
import io.dualwrite.core.jdbc.BypassCapture;
import io.dualwrite.core.jdbc.BypassWrites;
import io.dualwrite.core.jdbc.JdbcOldSideCounts;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.PendingCaptures;
import io.dualwrite.core.jdbc.SqlDialect;
import io.dualwrite.core.jdbc.TableCounters;
import io.dualwrite.core.jdbc.TableStatistics;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.PhaseState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gates on what uses the OLD table beside dualwrite (docs/gates.md): {@value #BYPASS_WRITES} refuses READ_NEW
 * while writes that bypassed dualwrite are neither captured and drained nor covered by a verification (and, with
 * capture, DROP_OLD while a captured key waits to be drained), and {@value
 * #OLD_SIDE_UNUSED} refuses to finish while anything read or wrote the old side since DROP_OLD was applied
 * everywhere. With capture the first one counts the pending records; without, both compare the table's own counters
 * ({@link TableStatistics}) over a window with the rows dualwrite's writes addressed in it, all instances', which every
 * instance reports to {@code dualwrite_old_side}. Where the database keeps no counters, or no window was opened, a gate
 * answers "unknown" and fails: a move then needs force.
 *
 * <p>They apply to an OLD side that is a {@link JdbcStore} on PostgreSQL or MariaDB (or whose bypass writes are
 * captured); other stores, H2 included, are left to the finishing checklist.
 */
final class OldSideGates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OldSideGates.class);

    static final String BYPASS_WRITES = "bypass-writes";
    static final String OLD_SIDE_UNUSED = "old-side-unused";
    /** The window a full verification opens: bypass writes before it are what it compares. */
    static final String VERIFICATION_WINDOW = "verification";

    private final Function<String, Migration<?, ?, ?>> migrations;
    private final Function<String, Optional<BypassCapture<?, ?, ?>>> captures;
    private final Supplier<List<JdbcStore<?, ?>>> stores;
    private final ToLongFunction<String> copiedIntoOldTable;
    private final String holder;
    private final Duration reportLag;
    private final Clock clock;
    /** This instance's own counts, sampled at each report: the settled count is the one a few seconds old. */
    private final Map<String, Deque<long[]>> samples = new ConcurrentHashMap<>();
    /** The latest reading of each migration's table counters, and when it was taken. */
    private final Map<String, TimedReading> readings = new ConcurrentHashMap<>();

    /**
     * How long a write may take to show in the table's counters: PostgreSQL flushes a session's counts at most once
     * a second, and a session that goes idle within a second of its last flush only after ten more
     * (PGSTAT_IDLE_INTERVAL); MariaDB counts at the end of each statement. A baseline counts dualwrite's writes as they were this
     * long before it opened, so that writes the counters show only later are not taken for bypass writes.
     */
    static final Duration SETTLE = Duration.ofSeconds(12);

    private @Nullable ScheduledExecutorService sampler;

    /** Samples this instance's own counts twice a second (in memory only), for the settled counts. */
    void start(List<Migration<?, ?, ?>> watchedOrNot) {
        List<Migration<?, ?, ?>> watched =
                watchedOrNot.stream().filter(m -> watched(m).isPresent()).toList();
        if (watched.isEmpty()) {
            return;
        }
        sampler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dualwrite-old-side-"));
        sampler.scheduleWithFixedDelay(
                () -> {
                    Instant now = clock.instant();
                    for (Migration<?, ?, ?> migration : watched) {
                        JdbcStore<?, ?> old = watched(migration).orElseThrow();
                        settled(migration.name(), ownWrites(old), now, settle(old));
                    }
                },
                0,
                500,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    private record TimedReading(Instant at, TableStatistics.Reading reading) {}

    /** Per migration, the verification the {@code verified} gate reads: the latest one stored. */
    private final Function<String, Optional<io.dualwrite.core.verify.VerificationProgress>> verifications;

    /**
     * @param stores every JDBC store of this instance's migrations (two migrations may share the OLD table)
     * @param copiedIntoOldTable rows the migration's backfill copied so far, when NEW lives in OLD's table (shared
     *     rows), else 0: those copies write the table too
     * @param verifications per migration, the latest verification stored (whose start opens the verification window)
     * @param holder this running instance, as it reports its counts
     * @param reportLag how late the other instances' counts may be (their heartbeat interval; zero without a
     *     registry): the table's counters compared with them are read at least this long before
     */
    OldSideGates(
            Function<String, Migration<?, ?, ?>> migrations,
            Function<String, Optional<BypassCapture<?, ?, ?>>> captures,
            Supplier<List<JdbcStore<?, ?>>> stores,
            ToLongFunction<String> copiedIntoOldTable,
            Function<String, Optional<io.dualwrite.core.verify.VerificationProgress>> verifications,
            String holder,
            Duration reportLag,
            Clock clock) {
        this.verifications = verifications;
        this.reportLag = reportLag;
        this.migrations = migrations;
        this.captures = captures;
        this.stores = stores;
        this.copiedIntoOldTable = copiedIntoOldTable;
        this.holder = holder;
        this.clock = clock;
    }

    /** The OLD side these gates can watch: a JDBC table on PostgreSQL or MariaDB; empty otherwise. */
    static Optional<JdbcStore<?, ?>> watched(Migration<?, ?, ?> migration) {
        if (!(migration.oldStore() instanceof JdbcStore<?, ?> old)) {
            return Optional.empty();
        }
        try {
            return old.transactions().dialect() == SqlDialect.H2 ? Optional.empty() : Optional.of(old);
        } catch (RuntimeException e) {
            return Optional.of(old); // the database is down: the gate says so
        }
    }

    /**
     * What the instance barrier tells these gates: an instance's report of the phase it applies (its count of writes
     * to OLD goes with it), and a move applied everywhere (lagging instances' reads no longer count after it).
     */
    InstanceBarrier.Listener barrierListener(java.util.function.Function<String, Migration<?, ?, ?>> migrations) {
        return new InstanceBarrier.Listener() {
            @Override
            public void reported(String name, PhaseState applied) {
                Migration<?, ?, ?> migration = migrations.apply(name);
                if (applies(migration)) {
                    report(migration, applied);
                }
            }

            @Override
            public void completed(String name, PhaseState state) {
                opened(name, state);
            }
        };
    }

    /** Whether the gates apply to the migration. */
    boolean applies(Migration<?, ?, ?> migration) {
        return watched(migration).isPresent()
                || captures.apply(migration.name()).isPresent();
    }

    /** The gate of BACKFILL -> READ_NEW. */
    List<GateResult> readNew(Migration<?, ?, ?> migration, PhaseState current) {
        Optional<BypassCapture<?, ?, ?>> capture = captures.apply(migration.name());
        if (capture.isPresent()) {
            return List.of(captured(migration, capture.get()));
        }
        if (watched(migration).isEmpty()) {
            return List.of();
        }
        OldSideUsage usage = usage(migration, current).orElseThrow();
        if (!usage.known()) {
            return List.of(GateResult.fail(
                    BYPASS_WRITES,
                    "unknown: " + usage.unknown() + ". Without counters dualwrite cannot tell whether writes bypassed"
                            + " it: capture them (captureBypassWrites), or force the move with a reason"));
        }
        String evidence = usage.tableWrites() + " row writes of " + table(migration) + " in the window ("
                + usage.window() + ", since " + usage.since() + "), " + usage.dualwriteWrites()
                + " of them addressed by dualwrite's writes (all instances)";
        if (usage.bypassingWrites() > 0) {
            return List.of(GateResult.fail(
                    BYPASS_WRITES,
                    evidence + ": at least " + usage.bypassingWrites() + " writes bypassed dualwrite, neither"
                            + " captured nor repaired [" + usage.detail() + "]. Stop the writer (or capture it),"
                            + " then run a full verification and repair: its start opens a new window"));
        }
        return List.of(GateResult.pass(BYPASS_WRITES, evidence + ": none beside dualwrite's [" + usage.detail() + "]"));
    }

    /**
     * The gate of READ_NEW -> DROP_OLD, with capture: no captured key may wait, since in DROP_OLD the drain no longer
     * copies a bypass write to OLD over to NEW (it counts the record and drops it), so a pending one would be lost.
     */
    List<GateResult> dropOld(Migration<?, ?, ?> migration) {
        return captures.apply(migration.name())
                .map(capture -> List.of(capturedOnOld(capture)))
                .orElse(List.of());
    }

    /** Only captures on OLD count: a bypass write to NEW drained late leaves nothing behind in DROP_OLD. */
    private static GateResult capturedOnOld(BypassCapture<?, ?, ?> capture) {
        PendingCaptures pending;
        try {
            pending = capture.pendingOnOld(BypassCapture.SAMPLE_SIZE);
        } catch (RuntimeException e) {
            return GateResult.fail(BYPASS_WRITES, "unknown: the captured writes cannot be read: " + e.getMessage());
        }
        if (pending.count() > 0) {
            return GateResult.fail(
                    BYPASS_WRITES,
                    pending.count() + " keys written to OLD bypassing dualwrite are captured but not drained to NEW yet"
                            + " (oldest captured at " + pending.oldest() + "; keys " + pending.sampleKeys()
                            + "); in DROP_OLD they would no longer reach NEW. Wait for the drain (background work; a key"
                            + " the mapping refuses stays pending, see the log), and stop the writers that bypass"
                            + " dualwrite before DROP_OLD");
        }
        return GateResult.pass(BYPASS_WRITES, "0 keys written to OLD bypassing dualwrite wait to be drained to NEW");
    }

    private GateResult captured(Migration<?, ?, ?> migration, BypassCapture<?, ?, ?> capture) {
        PendingCaptures pending;
        try {
            pending = capture.pendingCaptures(BypassCapture.SAMPLE_SIZE);
        } catch (RuntimeException e) {
            return GateResult.fail(BYPASS_WRITES, "unknown: the captured writes cannot be read: " + e.getMessage());
        }
        BypassWrites drained = capture.stats();
        String history = drained.count() + " bypass writes drained on this instance"
                + (drained.lastSeen() == null ? "" : ", the latest captured at " + drained.lastSeen());
        if (pending.count() > 0) {
            return GateResult.fail(
                    BYPASS_WRITES,
                    pending.count()
                            + " keys written bypassing dualwrite are captured but not drained to the other side yet"
                            + " (oldest captured at " + pending.oldest() + "; keys " + pending.sampleKeys()
                            + "); it must be 0 (the drain runs with background work; a key the mapping refuses"
                            + " stays pending, see the log); " + history);
        }
        return GateResult.pass(BYPASS_WRITES, "0 captured keys wait to be drained; " + history);
    }

    /** The gate of finishing (DROP_OLD -> finished). */
    List<GateResult> finish(Migration<?, ?, ?> migration, PhaseState current) {
        if (watched(migration).isEmpty()) {
            return List.of();
        }
        OldSideUsage usage = usage(migration, current).orElseThrow();
        String pending = captures.apply(migration.name())
                .map(c -> {
                    try {
                        return "; " + c.pending() + " captured keys pending";
                    } catch (RuntimeException e) {
                        return "";
                    }
                })
                .orElse("");
        if (!usage.known()) {
            return List.of(GateResult.fail(
                    OLD_SIDE_UNUSED,
                    "unknown: " + usage.unknown() + ". dualwrite cannot tell whether anything still reads or writes "
                            + table(migration) + ": check its access another way, then finish with force and a reason"
                            + pending));
        }
        String evidence = usage.tableReads() + " reads and " + usage.bypassingWrites() + " row writes beside"
                + " dualwrite's of " + table(migration) + " since " + usage.since() + " (" + usage.window() + ") ["
                + usage.detail() + "]" + pending;
        if (usage.tableReads() > 0 || usage.bypassingWrites() > 0) {
            return List.of(GateResult.fail(
                    OLD_SIDE_UNUSED,
                    evidence + ": something still uses the old side (dualwrite itself does not in DROP_OLD); find"
                            + " and stop it before the old side is dropped"));
        }
        return List.of(GateResult.pass(OLD_SIDE_UNUSED, evidence));
    }

    /** Opens the window of the phase a move entered (BACKFILL, DROP_OLD), or opens it again once applied everywhere. */
    void opened(String name, PhaseState state) {
        if (state.phase() == MigrationPhase.BACKFILL || state.phase() == MigrationPhase.DROP_OLD) {
            record(name, state.phase().name(), state);
        }
        if (state.phase() == MigrationPhase.DROP_OLD) {
            // Reads of READ_NEW (shadow reads of the old side) show in the counters up to a second late: open the
            // window again once they did, unless the migration moved meanwhile.
            java.util.concurrent.CompletableFuture.delayedExecutor(
                            SETTLE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        Optional<JdbcStore<?, ?>> old = watched(migrations.apply(name));
                        Optional<JdbcOldSideCounts.Baseline> now = old.flatMap(o -> {
                            try {
                                return counts(o).baseline(name, state.phase().name());
                            } catch (RuntimeException e) {
                                return Optional.empty();
                            }
                        });
                        if (now.isPresent()
                                && now.get().phaseVersion() == state.version()
                                && now.get()
                                        .recordedAt()
                                        .isBefore(clock.instant().minus(SETTLE).plusMillis(100))) {
                            record(name, state.phase().name(), state);
                        }
                    });
        }
    }

    /** A full verification starts: bypass writes until now are what it compares, so a window opens now. */
    void verificationStarts(String name, PhaseState state) {
        if (state.phase() == MigrationPhase.BACKFILL) {
            record(name, VERIFICATION_WINDOW, state);
        }
    }

    /**
     * Whether the verification window's baseline belongs to the verification the {@code verified} gate reads: that
     * one completed in this phase version and started no earlier than the baseline was recorded (just before it). A
     * verification that resumed an earlier run, or a call that failed before its run started, recorded a baseline
     * later than the run it completed: the window then stays at the entry into the phase, or bypass writes made
     * after the resumed run had walked past their keys would be forgiven.
     */
    private boolean openedByTheLatestVerification(
            String name, PhaseState current, JdbcOldSideCounts.Baseline baseline) {
        return verifications
                .apply(name)
                .filter(v -> v.state() == io.dualwrite.core.verify.VerificationState.COMPLETED)
                .filter(v -> v.phaseVersion() != null && v.phaseVersion() == current.version())
                .filter(v -> v.startedAt() != null && !v.startedAt().isBefore(baseline.recordedAt()))
                .isPresent();
    }

    /** Reports this instance's writes to the migration's OLD table, logging a failure (tried again next beat). */
    void report(Migration<?, ?, ?> migration, PhaseState state) {
        Optional<JdbcStore<?, ?>> old = watched(migration);
        if (old.isEmpty()) {
            return;
        }
        try {
            long writes = ownWrites(old.get());
            Instant now = clock.instant();
            counts(old.get())
                    .report(
                            migration.name(),
                            holder,
                            state.version(),
                            writes,
                            settled(migration.name(), writes, now, settle(old.get())),
                            now);
        } catch (RuntimeException e) {
            log.debug(
                    "Migration '{}': could not report its writes to the old side: {}", migration.name(), e.toString());
        }
    }

    /**
     * The use of the OLD table in the current window: BACKFILL (since the latest verification, else since BACKFILL
     * was entered) or DROP_OLD; empty in other phases or when the OLD side is not watched.
     */
    Optional<OldSideUsage> usage(Migration<?, ?, ?> migration, PhaseState current) {
        Optional<JdbcStore<?, ?>> watched = watched(migration);
        if (watched.isEmpty()
                || (current.phase() != MigrationPhase.BACKFILL && current.phase() != MigrationPhase.DROP_OLD)) {
            return Optional.empty();
        }
        JdbcStore<?, ?> old = watched.get();
        String name = migration.name();
        try {
            JdbcOldSideCounts counts = counts(old);
            report(migration, current);
            Optional<JdbcOldSideCounts.Baseline> baseline = Optional.empty();
            if (current.phase() == MigrationPhase.BACKFILL) {
                baseline = counts.baseline(name, VERIFICATION_WINDOW)
                        .filter(b -> b.phaseVersion() == current.version())
                        .filter(b -> openedByTheLatestVerification(name, current, b));
            }
            if (baseline.isEmpty()) {
                baseline = counts.baseline(name, current.phase().name())
                        .filter(b -> b.phaseVersion() == current.version());
            }
            String window = current.phase() + " (phase version " + current.version() + ")";
            if (baseline.isEmpty()) {
                JdbcOldSideCounts.Baseline now = record(name, current.phase().name(), current);
                return Optional.of(unknown(
                        window,
                        null,
                        "no baseline of the table's counters was recorded when " + current.phase() + " was entered;"
                                + " one was recorded now (" + (now == null ? "failed" : now.recordedAt()) + "), so the"
                                + " window starts now: ask again later"));
            }
            JdbcOldSideCounts.Baseline then = baseline.get();
            if (then.window().equals(VERIFICATION_WINDOW)) {
                window = "since the latest full verification started, in " + window;
            } else {
                window = "since " + current.phase() + " was entered, phase version " + current.version();
            }
            if (then.counters() == null) {
                return Optional.of(unknown(window, then.recordedAt(), "when the window opened, " + then.unavailable()));
            }
            TableStatistics.Reading reading = settledReading(name, old, then.recordedAt());
            if (reading.counters() == null) {
                return Optional.of(unknown(window, then.recordedAt(), reading.unavailable()));
            }
            TableCounters delta = reading.counters().since(then.counters());
            if (delta.reads() < 0 || delta.writes() < 0) {
                return Optional.of(unknown(
                        window,
                        then.recordedAt(),
                        "the table's counters went down since the window opened (reset by pg_stat_reset(), FLUSH"
                                + " TABLE_STATISTICS or a server restart): " + delta.detail()));
            }
            long dualwrite = Math.max(0, dualwriteWrites(name, counts, false) - then.dualwriteWrites());
            long bypassing = Math.max(0, delta.writes() - dualwrite);
            return Optional.of(new OldSideUsage(
                    window,
                    then.recordedAt(),
                    delta.reads(),
                    delta.writes(),
                    dualwrite,
                    bypassing,
                    null,
                    delta.detail()));
        } catch (RuntimeException e) {
            return Optional.of(unknown(
                    current.phase() + " (phase version " + current.version() + ")",
                    null,
                    "the counts in dualwrite_old_side cannot be read (create dualwrite's tables in the OLD table's"
                            + " database: DualWriteSchema.create): " + e.getMessage()));
        }
    }

    private static OldSideUsage unknown(String window, @Nullable Instant since, @Nullable String why) {
        return new OldSideUsage(window, since, null, null, null, null, why == null ? "not known" : why, "");
    }

    private JdbcOldSideCounts.@Nullable Baseline record(String name, String window, PhaseState state) {
        Migration<?, ?, ?> migration = migrations.apply(name);
        Optional<JdbcStore<?, ?>> old = watched(migration);
        if (old.isEmpty()) {
            return null;
        }
        try {
            JdbcOldSideCounts counts = counts(old.get());
            report(migration, state);
            TableStatistics.Reading reading = TableStatistics.read(old.get());
            return counts.recordBaseline(
                    name, window, state.version(), reading, dualwriteWrites(name, counts, true), clock.instant());
        } catch (RuntimeException e) {
            log.warn(
                    "Migration '{}': could not record the baseline of the old side's counters for {}: {}",
                    name,
                    window,
                    e.toString());
            return null;
        }
    }

    private long dualwriteWrites(String name, JdbcOldSideCounts counts, boolean settled) {
        return counts.dualwriteWrites(name, settled) + copiedIntoOldTable.applyAsLong(name);
    }

    /** How late the table's counters show a write: {@link #SETTLE} on PostgreSQL; MariaDB counts at statement end. */
    private static Duration settle(JdbcStore<?, ?> old) {
        try {
            return old.transactions().dialect() == SqlDialect.POSTGRESQL ? SETTLE : Duration.ZERO;
        } catch (RuntimeException e) {
            return SETTLE;
        }
    }

    /** This instance's count as it was {@code settle} ago (0 if it has not run that long), after sampling now. */
    private long settled(String name, long writes, Instant now, Duration settle) {
        Deque<long[]> history = samples.computeIfAbsent(name, n -> new ArrayDeque<>());
        synchronized (history) {
            history.addLast(new long[] {now.toEpochMilli(), writes});
            long settledBefore = now.minus(settle).toEpochMilli();
            // Keep the newest sample at least SETTLE old at the front, and every newer one.
            while (history.size() > 1 && history.stream().skip(1).findFirst().get()[0] <= settledBefore) {
                history.removeFirst();
            }
            long[] oldest = history.peekFirst();
            return oldest[0] <= settledBefore ? oldest[1] : 0;
        }
    }

    /**
     * The table's counters as read at least {@code reportLag} ago (every instance's count reported since covers the
     * writes they show): the previous reading if it is that old but recent, else a fresh one after waiting.
     */
    private TableStatistics.Reading settledReading(String name, JdbcStore<?, ?> old, Instant windowOpened) {
        TableStatistics.Reading fresh = TableStatistics.read(old);
        Instant now = clock.instant();
        TimedReading previous = readings.put(name, new TimedReading(now, fresh));
        if (reportLag.isZero() || !fresh.available()) {
            return fresh;
        }
        if (previous != null
                && previous.reading().available()
                && !previous.at().isBefore(windowOpened)
                && !previous.at().isAfter(now.minus(reportLag))
                && previous.at().isAfter(now.minus(reportLag.multipliedBy(3).plus(SETTLE)))) {
            return previous.reading();
        }
        try {
            Thread.sleep(reportLag.toMillis() + 50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fresh;
    }

    /** The rows this instance's stores on the same table addressed (two migrations may share it). */
    private long ownWrites(JdbcStore<?, ?> old) {
        long writes = 0;
        for (JdbcStore<?, ?> store : stores.get()) {
            if (store.table().equalsIgnoreCase(old.table())
                    && store.transactions().dataSource() == old.transactions().dataSource()) {
                writes += store.rowWrites();
            }
        }
        return writes;
    }

    private static JdbcOldSideCounts counts(JdbcStore<?, ?> old) {
        return new JdbcOldSideCounts(old.transactions());
    }

    private static String table(Migration<?, ?, ?> migration) {
        return migration.oldStore() instanceof JdbcStore<?, ?> jdbc
                ? jdbc.table()
                : migration.oldStore().description();
    }
}
