package io.dualwrite.core.shadow;

import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.shadow.Comparisons.Admission;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a sample of a migration's reads with the other side, off the request path. The caller always gets the
 * source of truth's value at once; the candidate read runs later on a bounded executor, within a Resilience4j time
 * limit and, across two databases, behind the candidate side's circuit breaker; it is dropped (counted as
 * {@link ShadowResult#SKIPPED}) when the executor is full or the breaker open. Nothing the comparison does can
 * fail or slow the caller's read beyond handing the task over.
 *
 * <p>A read that does not match is looked at again after {@link ShadowReadOptions#recheckDelay()}, both sides
 * read afresh; only the second look counts, so writes in flight are not divergence. A key the candidate lacks
 * because the backfill has not reached it yet counts as {@link ShadowResult#NOT_YET_BACKFILLED}.
 *
 * <p>The migration's routed queries ({@link QueryShadow}, one per query name) are compared by the same machinery,
 * with the same options: their comparisons share the executor and the per-second budget with the key reads, are
 * counted per query, and count with the key reads in {@link #phaseStats(long)}, the evidence of the gates.
 */
public final class ShadowReader<K, O, N> {

    private static final Logger log = LoggerFactory.getLogger(ShadowReader.class);

    /** What a query name may be: it tags meters, so it is short and plain, as a migration name is. */
    private static final Pattern QUERY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Migration<K, O, N> migration;
    private final Comparisons comparisons;
    private final Supplier<Optional<BackfillProgress>> backfill;
    private final Clock clock;
    private final Map<ShadowResult, LongAdder> counts = new EnumMap<>(ShadowResult.class);
    private final LongAdder primaryReads = new LongAdder();
    private final LongAdder primaryNanos = new LongAdder();
    private final LongAdder candidateReads = new LongAdder();
    private final LongAdder candidateNanos = new LongAdder();
    private final Deque<MismatchSample> samples = new ArrayDeque<>();
    private volatile PhaseCounts phaseCounts = PhaseCounts.of(-1);
    private final Map<String, QueryShadow<K, N>> queries = new LinkedHashMap<>();
    private final List<Consumer<? super QueryShadow<K, N>>> queryListeners = new CopyOnWriteArrayList<>();

    /**
     * @param breakers the circuit breakers of the sides, when they live in two databases: a candidate read goes
     *     through the candidate side's breaker and is skipped while it is open
     */
    public ShadowReader(
            Migration<K, O, N> migration,
            ShadowReadOptions options,
            Executor executor,
            ScheduledExecutorService scheduler,
            Supplier<Optional<BackfillProgress>> backfill,
            Map<Side, CircuitBreaker> breakers,
            Clock clock) {
        this.migration = migration;
        this.comparisons = new Comparisons(migration.name(), options, executor, scheduler, breakers);
        this.backfill = backfill;
        this.clock = clock;
        for (ShadowResult result : ShadowResult.values()) {
            counts.put(result, new LongAdder());
        }
    }

    /**
     * Called after every read through the repository with what the caller got; samples it for comparison. Never
     * throws and never waits.
     */
    public void observe(K key, MigrationPhase phase, long version, Optional<N> control, long primaryReadNanos) {
        primaryReads.increment();
        primaryNanos.add(primaryReadNanos);
        switchPhaseCounts(version);
        Admission admission = comparisons.admit(phase);
        if (admission == Admission.OVER_BUDGET) {
            count(ShadowResult.SKIPPED, version);
        } else if (admission == Admission.ADMITTED) {
            comparisons.compareLater(new KeyRead(key, phase, version), control, true);
        }
    }

    /** Counts and latencies of the key reads since this instance started. */
    public ShadowReadStats stats() {
        Map<ShadowResult, Long> snapshot = new EnumMap<>(ShadowResult.class);
        counts.forEach((result, adder) -> snapshot.put(result, adder.sum()));
        return new ShadowReadStats(
                snapshot, primaryReads.sum(), primaryNanos.sum(), candidateReads.sum(), candidateNanos.sum());
    }

    /** The most recent mismatches of key reads, newest first, at most {@link ShadowReadOptions#mismatchSamples()}. */
    public List<MismatchSample> recentMismatches() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    public ShadowReadOptions options() {
        return comparisons.options();
    }

    /**
     * Declares a routed query of the migration: its comparisons are counted, timed and sampled under this name.
     * Each name is declared once per instance; the routed query object is what the application keeps and shares.
     *
     * @throws IllegalArgumentException if the name is not 1 to 100 letters, digits, '.', '_' or '-', or is taken
     */
    public QueryShadow<K, N> declareQuery(String name) {
        if (name == null || !QUERY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Migration '" + migration.name() + "': query name '" + name
                    + "' is invalid; use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        QueryShadow<K, N> query;
        synchronized (queries) {
            if (queries.containsKey(name)) {
                throw new IllegalArgumentException("Migration '" + migration.name() + "' already has a routed"
                        + " query named '" + name + "'; declare each query once (as a field or a bean) and share"
                        + " that object");
            }
            query = new QueryShadow<>(name, this);
            queries.put(name, query);
            queryListeners.forEach(listener -> tell(listener, query));
        }
        return query;
    }

    /** The routed queries declared so far, in the order of their declaration. */
    public List<QueryShadow<K, N>> queries() {
        synchronized (queries) {
            return List.copyOf(queries.values());
        }
    }

    /**
     * Calls {@code listener} for every routed query declared so far and for every one declared later (as the
     * metrics do to give each query its meters). A listener that throws is logged and never breaks a declaration.
     */
    public void onQueryDeclared(Consumer<? super QueryShadow<K, N>> listener) {
        synchronized (queries) {
            queryListeners.add(listener);
            queries.values().forEach(query -> tell(listener, query));
        }
    }

    private void tell(Consumer<? super QueryShadow<K, N>> listener, QueryShadow<K, N> query) {
        try {
            listener.accept(query);
        } catch (RuntimeException e) {
            log.warn("Migration '{}': a listener of query '{}' failed", migration.name(), query.name(), e);
        }
    }

    Migration<K, O, N> migration() {
        return migration;
    }

    Comparisons comparisons() {
        return comparisons;
    }

    Clock clock() {
        return clock;
    }

    /** One sampled key read. */
    private final class KeyRead implements Comparisons.Comparison<Optional<N>> {

        private final K key;
        private final MigrationPhase phase;
        private final long version;

        KeyRead(K key, MigrationPhase phase, long version) {
            this.key = key;
            this.phase = phase;
            this.version = version;
        }

        @Override
        public Side candidateSide() {
            return phase.sourceOfTruth().other();
        }

        @Override
        public Optional<N> readControl() {
            return phase.sourceOfTruth() == Side.OLD
                    ? migration.oldStore().read(key).map(migration::toNew)
                    : migration.newStore().read(key);
        }

        @Override
        public Optional<N> readCandidate(Optional<N> control) {
            long started = System.nanoTime();
            try {
                return phase.sourceOfTruth() == Side.OLD
                        ? migration.newStore().read(key)
                        : migration.oldStore().read(key).map(migration::toNew);
            } finally {
                candidateReads.increment();
                candidateNanos.add(System.nanoTime() - started);
            }
        }

        @Override
        public Comparisons.Verdict compare(Optional<N> control, Optional<N> candidate) {
            N expected = control.orElse(null);
            N actual = candidate.orElse(null);
            ShadowResult result = classify(expected, actual);
            return new Comparisons.Verdict() {
                @Override
                public ShadowResult result() {
                    return result;
                }

                @Override
                public void settle() {
                    // The sample first: whoever sees the count finds the sample too.
                    if (result.isMismatch()) {
                        sample(key, result, expected, actual);
                    }
                    count(result, version);
                }
            };
        }

        @Override
        public void abandon(ShadowResult result) {
            count(result, version);
        }

        private ShadowResult classify(@Nullable N control, @Nullable N candidate) {
            // A value OLD does not hold by design is on NEW alone, whichever side answered.
            if (control == null) {
                return candidate == null || migration.onlyInNew(candidate)
                        ? ShadowResult.MATCH
                        : ShadowResult.UNEXPECTED_IN_CANDIDATE;
            }
            if (candidate == null && migration.onlyInNew(control)) {
                return ShadowResult.MATCH;
            }
            if (candidate == null) {
                return notYetBackfilled(key, phase)
                        ? ShadowResult.NOT_YET_BACKFILLED
                        : ShadowResult.MISSING_IN_CANDIDATE;
            }
            return migration.equivalence().equivalent(control, candidate) ? ShadowResult.MATCH : ShadowResult.MISMATCH;
        }
    }

    /**
     * Whether NEW may lack the key only because the backfill has not copied it yet: the key lies after the backfill's
     * checkpoint and not after its upper key. Both are asked of OLD's table in its own key order, the order the
     * backfill walks, never of Java's {@code compareTo}: OLD holds the key (the control read just found it), so the
     * range ({@code bound}, key] holds a row exactly when the key lies after {@code bound}. Each question is one
     * index range read of at most one row, asked only for a key NEW lacks while the backfill runs.
     */
    boolean notYetBackfilled(K key, MigrationPhase phase) {
        if (phase.sourceOfTruth() != Side.OLD) {
            return false;
        }
        Optional<BackfillProgress> progress = backfill.get();
        if (progress.isEmpty() || progress.get().state() == BackfillState.IDLE) {
            return true;
        }
        BackfillProgress p = progress.get();
        if (p.state() == BackfillState.COMPLETED || p.upperKey() == null) {
            return false;
        }
        if (liesAfter(key, p.upperKey())) {
            return false;
        }
        return p.lastKey() == null || liesAfter(key, p.lastKey());
    }

    /** Whether OLD, in its own key order, holds a key after {@code bound} (encoded) and up to {@code key}. */
    private boolean liesAfter(K key, String bound) {
        return !migration
                .oldStore()
                .scan(migration.keyCodec().decode(bound), key, 1)
                .isEmpty();
    }

    private void count(ShadowResult result, long version) {
        counts.get(result).increment();
        countInPhase(result, version);
    }

    /** Counts a comparison (of a key read or a routed query) in the evidence of the phase version it began under. */
    void countInPhase(ShadowResult result, long version) {
        PhaseCounts current = phaseCounts;
        if (current.version() == version) {
            current.counts().get(result).increment();
        }
    }

    /**
     * Counts since this instance first read under the given phase version, or empty ones when its reads are under
     * another: the evidence for a move out of that phase (a comparison that began under an older version does not
     * count). Comparisons of routed queries count here with those of key reads.
     */
    public ShadowReadStats phaseStats(long version) {
        PhaseCounts current = phaseCounts;
        Map<ShadowResult, Long> snapshot = new EnumMap<>(ShadowResult.class);
        for (ShadowResult result : ShadowResult.values()) {
            snapshot.put(
                    result,
                    current.version() == version ? current.counts().get(result).sum() : 0L);
        }
        return new ShadowReadStats(snapshot, 0, 0, 0, 0);
    }

    /** Starts the counts of a newer phase version at the first read under it. */
    void switchPhaseCounts(long version) {
        PhaseCounts current = phaseCounts;
        if (current.version() < version) {
            synchronized (this) {
                if (phaseCounts.version() < version) {
                    phaseCounts = PhaseCounts.of(version);
                }
            }
        }
    }

    private record PhaseCounts(long version, Map<ShadowResult, LongAdder> counts) {
        static PhaseCounts of(long version) {
            Map<ShadowResult, LongAdder> counts = new EnumMap<>(ShadowResult.class);
            for (ShadowResult result : ShadowResult.values()) {
                counts.put(result, new LongAdder());
            }
            return new PhaseCounts(version, counts);
        }
    }

    private void sample(K key, ShadowResult result, @Nullable N control, @Nullable N candidate) {
        if (options().mismatchSamples() == 0) {
            return;
        }
        MismatchSample sample = new MismatchSample(
                migration.keyCodec().encode(key),
                result,
                clock.instant(),
                FieldDiffer.differences(control, candidate, options().redactValues()));
        synchronized (samples) {
            samples.addFirst(sample);
            while (samples.size() > options().mismatchSamples()) {
                samples.removeLast();
            }
        }
    }
}
