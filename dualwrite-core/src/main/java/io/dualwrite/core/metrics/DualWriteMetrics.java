package io.dualwrite.core.metrics;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.ManagedMigration;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.backfill.ThrottleReason;
import io.dualwrite.core.internal.CachedSupplier;
import io.dualwrite.core.jdbc.BypassCapture;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.shadow.QueryShadow;
import io.dualwrite.core.shadow.ShadowReader;
import io.dualwrite.core.shadow.ShadowResult;
import io.dualwrite.core.verify.VerificationProgress;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Binds the state of every migration of a {@link DualWrite} to Micrometer. Gauges read the durable state at most
 * once per second per migration, whatever the scrape rate.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@code dualwrite.migration.phase}</td><td>gauge</td><td>migration</td>
 *       <td>the phase this instance applies, as its order: 0 OLD_ONLY ... 4 DROP_OLD</td></tr>
 *   <tr><td>{@code dualwrite.backfill.rows.copied}</td><td>gauge</td><td>migration</td>
 *       <td>rows the backfill copied</td></tr>
 *   <tr><td>{@code dualwrite.backfill.rows.estimated}</td><td>gauge</td><td>migration</td>
 *       <td>rows the backfill expects to copy</td></tr>
 *   <tr><td>{@code dualwrite.backfill.rows.per.second}</td><td>gauge</td><td>migration</td>
 *       <td>the recent copy rate</td></tr>
 *   <tr><td>{@code dualwrite.backfill.progress}</td><td>gauge</td><td>migration</td>
 *       <td>fraction copied, 0 to 1</td></tr>
 *   <tr><td>{@code dualwrite.backfill.state}</td><td>gauge</td><td>migration, state</td>
 *       <td>1 for the backfill's current state, 0 for the others</td></tr>
 *   <tr><td>{@code dualwrite.backfill.throttled}</td><td>gauge</td><td>migration, reason</td>
 *       <td>1 while this instance's copy is held back for the reason (lock_contention, slow_chunk,
 *       application_latency, replica_lag), 0 otherwise</td></tr>
 *   <tr><td>{@code dualwrite.backfill.throttles}</td><td>counter</td><td>migration, reason</td>
 *       <td>times this instance's copy began being held back for the reason</td></tr>
 *   <tr><td>{@code dualwrite.shadow.reads}</td><td>counter</td><td>migration, result</td>
 *       <td>sampled reads by result: match, mismatch, missing_in_candidate, unexpected_in_candidate,
 *       candidate_error, skipped, not_yet_backfilled</td></tr>
 *   <tr><td>{@code dualwrite.shadow.mismatch.rate}</td><td>gauge</td><td>migration</td>
 *       <td>mismatches over comparisons since this instance started</td></tr>
 *   <tr><td>{@code dualwrite.read.latency}</td><td>timer</td><td>migration, side</td>
 *       <td>read time of the source of truth ({@code side=primary}) and of shadow candidates
 *       ({@code side=candidate})</td></tr>
 *   <tr><td>{@code dualwrite.shadow.queries}</td><td>counter</td><td>migration, query, result</td>
 *       <td>sampled runs of a routed query compared with the other side, by result (as {@code dualwrite.shadow.reads});
 *       {@code query} is the name the query was declared with</td></tr>
 *   <tr><td>{@code dualwrite.shadow.query.mismatch.rate}</td><td>gauge</td><td>migration, query</td>
 *       <td>a routed query's mismatches over its comparisons since this instance started</td></tr>
 *   <tr><td>{@code dualwrite.query.latency}</td><td>timer</td><td>migration, query, side</td>
 *       <td>run time of a routed query on the source of truth ({@code side=primary}, every run) and on the
 *       candidate ({@code side=candidate}, the compared runs)</td></tr>
 *   <tr><td>{@code dualwrite.verification.rows.checked}</td><td>gauge</td><td>migration</td>
 *       <td>keys compared by the latest full verification</td></tr>
 *   <tr><td>{@code dualwrite.verification.divergences}</td><td>gauge</td><td>migration</td>
 *       <td>divergent keys the latest full verification found</td></tr>
 *   <tr><td>{@code dualwrite.writes}</td><td>counter</td><td>migration, side, outcome</td>
 *       <td>writes and deletes of each side, {@code success} or {@code failure}</td></tr>
 *   <tr><td>{@code dualwrite.ledger.size}</td><td>gauge</td><td>migration</td>
 *       <td>keys waiting in the divergence ledger for repair</td></tr>
 *   <tr><td>{@code dualwrite.breaker.state}</td><td>gauge</td><td>migration, side, state</td>
 *       <td>1 for the current state (closed, open, half_open, ...) of the breaker guarding writes to a side in
 *       another database, 0 for the others</td></tr>
 *   <tr><td>{@code dualwrite.repairs}</td><td>counter</td><td>migration, outcome</td>
 *       <td>keys repair passes handled on this instance: repaired, still_divergent, failed</td></tr>
 *   <tr><td>{@code dualwrite.bypass.writes}</td><td>counter</td><td>migration</td>
 *       <td>row changes of the OLD table that bypassed dualwrite, captured and drained on this instance (migrations
 *       that capture them only; its rate is the bypass rate)</td></tr>
 *   <tr><td>{@code dualwrite.bypass.pending}</td><td>gauge</td><td>migration</td>
 *       <td>captured keys waiting to be drained, all instances'</td></tr>
 *   <tr><td>{@code dualwrite.bypass.last.seen.age}</td><td>gauge</td><td>migration</td>
 *       <td>seconds since the latest bypass write this instance drained was captured (no value before the first)</td></tr>
 *   <tr><td>{@code dualwrite.old.side.reads}</td><td>gauge</td><td>migration</td>
 *       <td>reads of the OLD table by anyone in the current window (BACKFILL, DROP_OLD), by the table's own counters;
 *       no value (NaN) where the database cannot tell or outside those phases (OLD a JDBC table on PostgreSQL or
 *       MariaDB only)</td></tr>
 *   <tr><td>{@code dualwrite.old.side.writes.bypassing}</td><td>gauge</td><td>migration</td>
 *       <td>row writes of the OLD table beyond dualwrite's own in the current window; NaN as above</td></tr>
 * </table>
 *
 * <p>A routed query gets its meters when it is declared, also when that is after this binder was bound.
 */
public final class DualWriteMetrics implements MeterBinder {

    private static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final DualWrite dualWrite;
    private final Clock clock;

    public DualWriteMetrics(DualWrite dualWrite) {
        this(dualWrite, Clock.systemUTC());
    }

    public DualWriteMetrics(DualWrite dualWrite, Clock clock) {
        this.dualWrite = dualWrite;
        this.clock = clock;
    }

    /** The ledger's size, or NaN (no value) while a database holding part of it cannot be reached. */
    private static double ledgerSizeOrNaN(ManagedMigration<?, ?, ?> migration) {
        try {
            return migration.ledgerSize();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private void bindOldSide(MeterRegistry registry, ManagedMigration<?, ?, ?> migration, Tags tags) {
        if (!(migration.migration().oldStore() instanceof io.dualwrite.core.jdbc.JdbcStore<?, ?>)) {
            return;
        }
        Supplier<java.util.Optional<io.dualwrite.core.OldSideUsage>> usage = new CachedSupplier<>(
                () -> {
                    try {
                        return migration.oldSideUsage();
                    } catch (RuntimeException e) {
                        return java.util.Optional.empty();
                    }
                },
                MAX_AGE,
                clock);
        Gauge.builder("dualwrite.old.side.reads", usage, u -> u.get()
                        .map(io.dualwrite.core.OldSideUsage::tableReads)
                        .map(Long::doubleValue)
                        .orElse(Double.NaN))
                .description("Reads of the OLD table by anyone in the current window (BACKFILL, DROP_OLD)")
                .tags(tags)
                .register(registry);
        Gauge.builder("dualwrite.old.side.writes.bypassing", usage, u -> u.get()
                        .map(io.dualwrite.core.OldSideUsage::bypassingWrites)
                        .map(Long::doubleValue)
                        .orElse(Double.NaN))
                .description("Row writes of the OLD table beyond dualwrite's own in the current window")
                .tags(tags)
                .register(registry);
    }

    private void bindBypassWrites(MeterRegistry registry, BypassCapture<?, ?, ?> capture, Tags tags) {
        FunctionCounter.builder(
                        "dualwrite.bypass.writes", capture, c -> c.stats().count())
                .description("Row changes of the OLD table that bypassed dualwrite, captured and drained")
                .tags(tags)
                .register(registry);
        Supplier<Double> pending = new CachedSupplier<>(
                () -> {
                    try {
                        return (double) capture.pending();
                    } catch (RuntimeException e) {
                        return Double.NaN;
                    }
                },
                MAX_AGE,
                clock);
        Gauge.builder("dualwrite.bypass.pending", pending, Supplier::get)
                .description("Captured keys waiting to be drained")
                .tags(tags)
                .register(registry);
        Gauge.builder("dualwrite.bypass.last.seen.age", capture, c -> {
                    java.time.Instant last = c.stats().lastSeen();
                    return last == null
                            ? Double.NaN
                            : Duration.between(last, clock.instant()).toMillis() / 1000.0;
                })
                .description("Seconds since the latest drained bypass write was captured")
                .baseUnit("seconds")
                .tags(tags)
                .register(registry);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ManagedMigration<?, ?, ?> migration : dualWrite.managedMigrations()) {
            String name = migration.name();
            Tags tags = Tags.of("migration", name);
            Supplier<Double> ledgerSize = new CachedSupplier<>(() -> ledgerSizeOrNaN(migration), MAX_AGE, clock);
            Gauge.builder("dualwrite.migration.phase", migration, d -> d.phase().order())
                    .description("The phase this instance applies: 0 OLD_ONLY, 1 DUAL_WRITE, 2 BACKFILL, 3 READ_NEW,"
                            + " 4 DROP_OLD")
                    .tags(tags)
                    .register(registry);
            bindShadowReads(registry, migration, tags);
            for (Side side : Side.values()) {
                for (boolean succeeded : new boolean[] {true, false}) {
                    FunctionCounter.builder("dualwrite.writes", migration, d -> d.repository()
                                    .writes(side, succeeded))
                            .description("Writes and deletes of one side, by outcome; failed writes of another"
                                    + " database that were recorded for repair count as failed")
                            .tags(tags.and(
                                    "side",
                                    side.name().toLowerCase(java.util.Locale.ROOT),
                                    "outcome",
                                    succeeded ? "success" : "failure"))
                            .register(registry);
                }
            }
            Gauge.builder("dualwrite.ledger.size", ledgerSize, Supplier::get)
                    .description("Keys waiting in the divergence ledger for repair")
                    .tags(tags)
                    .register(registry);
            FunctionCounter.builder("dualwrite.repairs", migration, d -> d.repairer()
                            .totals()
                            .repaired())
                    .description("Keys repaired and found equal afterwards")
                    .tags(tags.and("outcome", "repaired"))
                    .register(registry);
            FunctionCounter.builder("dualwrite.repairs", migration, d -> d.repairer()
                            .totals()
                            .stillDivergent())
                    .description("Keys still different after their repair (written again meanwhile)")
                    .tags(tags.and("outcome", "still_divergent"))
                    .register(registry);
            FunctionCounter.builder("dualwrite.repairs", migration, d -> d.repairer()
                            .totals()
                            .failed())
                    .description("Keys whose repair failed")
                    .tags(tags.and("outcome", "failed"))
                    .register(registry);
            dualWrite.bypassCapture(name).ifPresent(capture -> bindBypassWrites(registry, capture, tags));
            bindOldSide(registry, migration, tags);
            migration.circuitBreakers().forEach((side, breaker) -> {
                for (io.github.resilience4j.circuitbreaker.CircuitBreaker.State state :
                        io.github.resilience4j.circuitbreaker.CircuitBreaker.State.values()) {
                    Gauge.builder("dualwrite.breaker.state", breaker, b -> b.getState() == state ? 1 : 0)
                            .description("1 for the current state of the breaker guarding writes to a side")
                            .tags(tags.and("side", side.name().toLowerCase(java.util.Locale.ROOT))
                                    .and("state", state.name().toLowerCase(java.util.Locale.ROOT)))
                            .register(registry);
                }
            });
            if (migration.hasVerification()) {
                Supplier<VerificationProgress> verification =
                        new CachedSupplier<>(() -> migration.verification(), MAX_AGE, clock);
                Gauge.builder("dualwrite.verification.rows.checked", verification, v -> v.get()
                                .rowsChecked())
                        .description("Keys compared by the latest full verification")
                        .tags(tags)
                        .register(registry);
                Gauge.builder("dualwrite.verification.divergences", verification, v -> v.get()
                                .divergences())
                        .description("Divergent keys the latest full verification found")
                        .tags(tags)
                        .register(registry);
            }
            if (!migration.hasBackfill()) {
                continue;
            }
            Supplier<BackfillProgress> progress =
                    new CachedSupplier<>(() -> migration.backfill().progress(), MAX_AGE, clock);
            backfillGauge(
                    registry,
                    "dualwrite.backfill.rows.copied",
                    "Rows the backfill copied",
                    "rows",
                    progress,
                    tags,
                    BackfillProgress::rowsCopied);
            backfillGauge(
                    registry,
                    "dualwrite.backfill.rows.estimated",
                    "Rows the backfill expects to copy",
                    "rows",
                    progress,
                    tags,
                    BackfillProgress::rowsEstimated);
            backfillGauge(
                    registry,
                    "dualwrite.backfill.rows.per.second",
                    "The backfill's recent copy rate",
                    "rows",
                    progress,
                    tags,
                    BackfillProgress::rowsPerSecond);
            backfillGauge(
                    registry,
                    "dualwrite.backfill.progress",
                    "Fraction of the rows copied, 0 to 1",
                    null,
                    progress,
                    tags,
                    BackfillProgress::fractionDone);
            io.dualwrite.core.backfill.Backfill<?, ?, ?> backfill = migration.backfill();
            for (ThrottleReason reason : ThrottleReason.values()) {
                Tags reasonTags = tags.and("reason", reason.name().toLowerCase(java.util.Locale.ROOT));
                Gauge.builder(
                                "dualwrite.backfill.throttled",
                                backfill,
                                b -> b.throttle()
                                                .filter(t -> t.reason() == reason)
                                                .isPresent()
                                        ? 1
                                        : 0)
                        .description("1 while this instance's copy is held back for the reason")
                        .tags(reasonTags)
                        .register(registry);
                FunctionCounter.builder("dualwrite.backfill.throttles", backfill, b -> b.throttleCount(reason))
                        .description("Times this instance's copy began being held back for the reason")
                        .tags(reasonTags)
                        .register(registry);
            }
            for (BackfillState state : BackfillState.values()) {
                Gauge.builder("dualwrite.backfill.state", progress, p -> p.get().state() == state ? 1 : 0)
                        .description("1 for the backfill's current state")
                        .tags(tags.and("state", state.name()))
                        .register(registry);
            }
        }
    }

    private static void bindShadowReads(MeterRegistry registry, ManagedMigration<?, ?, ?> migration, Tags tags) {
        for (ShadowResult result : ShadowResult.values()) {
            FunctionCounter.builder("dualwrite.shadow.reads", migration, d -> d.shadowReads()
                            .stats()
                            .count(result))
                    .description("Sampled reads compared with the other side, by result")
                    .tags(tags.and("result", result.name().toLowerCase(java.util.Locale.ROOT)))
                    .register(registry);
        }
        bindQueries(registry, migration.shadowReads(), tags);
        Gauge.builder("dualwrite.shadow.mismatch.rate", migration, d -> d.shadowReads()
                        .stats()
                        .mismatchRate())
                .description("Mismatches over comparisons since this instance started")
                .tags(tags)
                .register(registry);
        FunctionTimer.builder(
                        "dualwrite.read.latency",
                        migration,
                        d -> d.shadowReads().stats().primaryReads(),
                        d -> d.shadowReads().stats().primaryNanos(),
                        TimeUnit.NANOSECONDS)
                .description("Read time of the source of truth")
                .tags(tags.and("side", "primary"))
                .register(registry);
        FunctionTimer.builder(
                        "dualwrite.read.latency",
                        migration,
                        d -> d.shadowReads().stats().candidateReads(),
                        d -> d.shadowReads().stats().candidateNanos(),
                        TimeUnit.NANOSECONDS)
                .description("Read time of shadow candidates")
                .tags(tags.and("side", "candidate"))
                .register(registry);
    }

    /** The meters of every routed query of a migration, declared so far or later. */
    private static <K, N> void bindQueries(MeterRegistry registry, ShadowReader<K, ?, N> reader, Tags migration) {
        reader.onQueryDeclared(query -> bindQuery(registry, query, migration.and("query", query.name())));
    }

    private static void bindQuery(MeterRegistry registry, QueryShadow<?, ?> query, Tags tags) {
        for (ShadowResult result : ShadowResult.values()) {
            FunctionCounter.builder(
                            "dualwrite.shadow.queries", query, q -> q.stats().count(result))
                    .description("Sampled runs of a routed query compared with the other side, by result")
                    .tags(tags.and("result", result.name().toLowerCase(java.util.Locale.ROOT)))
                    .register(registry);
        }
        Gauge.builder("dualwrite.shadow.query.mismatch.rate", query, q -> q.stats()
                        .mismatchRate())
                .description("A routed query's mismatches over its comparisons since this instance started")
                .tags(tags)
                .register(registry);
        FunctionTimer.builder(
                        "dualwrite.query.latency",
                        query,
                        q -> q.stats().primaryReads(),
                        q -> q.stats().primaryNanos(),
                        TimeUnit.NANOSECONDS)
                .description("Run time of a routed query on the source of truth")
                .tags(tags.and("side", "primary"))
                .register(registry);
        FunctionTimer.builder(
                        "dualwrite.query.latency",
                        query,
                        q -> q.stats().candidateReads(),
                        q -> q.stats().candidateNanos(),
                        TimeUnit.NANOSECONDS)
                .description("Run time of a routed query on the candidate")
                .tags(tags.and("side", "candidate"))
                .register(registry);
    }

    private void backfillGauge(
            MeterRegistry registry,
            String meter,
            String description,
            String unit,
            Supplier<BackfillProgress> progress,
            Tags tags,
            ToDoubleFunction<BackfillProgress> value) {
        Gauge.builder(meter, progress, p -> value.applyAsDouble(p.get()))
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .register(registry);
    }
}
