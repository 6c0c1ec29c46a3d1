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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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
 */
public final class ShadowReader<K extends Comparable<? super K>, O, N> {

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

    /** Counts and latencies since this instance started. */
    public ShadowReadStats stats() {
        Map<ShadowResult, Long> snapshot = new EnumMap<>(ShadowResult.class);
        counts.forEach((result, adder) -> snapshot.put(result, adder.sum()));
        return new ShadowReadStats(
                snapshot, primaryReads.sum(), primaryNanos.sum(), candidateReads.sum(), candidateNanos.sum());
    }

    /** The most recent mismatches, newest first, at most {@link ShadowReadOptions#mismatchSamples()}. */
    public List<MismatchSample> recentMismatches() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    public ShadowReadOptions options() {
        return comparisons.options();
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
                    count(result, version);
                    if (result.isMismatch()) {
                        sample(key, result, expected, actual);
                    }
                }
            };
        }

        @Override
        public void abandon(ShadowResult result) {
            count(result, version);
        }

        private ShadowResult classify(@Nullable N control, @Nullable N candidate) {
            if (control == null) {
                return candidate == null ? ShadowResult.MATCH : ShadowResult.UNEXPECTED_IN_CANDIDATE;
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
    private boolean notYetBackfilled(K key, MigrationPhase phase) {
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

    private void countInPhase(ShadowResult result, long version) {
        PhaseCounts current = phaseCounts;
        if (current.version() == version) {
            current.counts().get(result).increment();
        }
    }

    /**
     * Counts since this instance first read under the given phase version, or empty ones when its reads are under
     * another: the evidence for a move out of that phase (a comparison that began under an older version does not
     * count).
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
    private void switchPhaseCounts(long version) {
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
