package io.dualwrite.core.shadow;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.shadow.Comparisons.Admission;
import io.dualwrite.core.shadow.MismatchSample.FieldDifference;
import io.dualwrite.core.shadow.QueryMismatch.DifferingElement;
import io.dualwrite.core.shadow.QueryMismatch.OrderDifference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The shadow comparisons of one routed query of a migration: a sample of its runs is run again on the other side and
 * the two answers are compared element by element, by key ({@link AnswerDifference}), with the migration's
 * equivalence. Sampling, the per-second budget (shared with the migration's key reads), the executor, the time limit,
 * the circuit breaker and the second look after the re-check delay are those of the migration's
 * {@link ShadowReader}, which declares one of these per query name.
 *
 * <p>An element the candidate lacks only because the backfill has not copied its key yet is not counted against it:
 * an answer that differs by such elements only is {@link ShadowResult#NOT_YET_BACKFILLED}. At most
 * 100 such keys are looked up per look (two index reads each on OLD while the backfill
 * runs); any missing key beyond them counts as missing.
 *
 * @param <K> the migration's key type
 * @param <N> the NEW representation, which the query answers in
 */
public final class QueryShadow<K, N> {

    /** The most missing keys one look asks the backfill's position about. */
    static final int MAX_BACKFILL_CHECKS = 100;

    private static final int MAX_PARAMETER_LENGTH = 200;

    /**
     * Reads one side of a routed query, in the NEW representation (OLD's answer mapped with the migration's
     * {@code toNew}).
     */
    @FunctionalInterface
    public interface Sides<N> {

        /**
         * @param side the side to ask
         * @param sourceOfTruthAnswer what the source of truth answered when the candidate is asked (a query may ask
         *     the candidate with a parameter derived from it, such as the key range a page covers); null when the
         *     source of truth itself is asked
         */
        List<N> read(Side side, @Nullable List<N> sourceOfTruthAnswer);
    }

    private final String name;
    private final ShadowReader<K, ?, N> reader;
    private final Map<ShadowResult, LongAdder> counts = new EnumMap<>(ShadowResult.class);
    private final LongAdder primaryReads = new LongAdder();
    private final LongAdder primaryNanos = new LongAdder();
    private final LongAdder candidateReads = new LongAdder();
    private final LongAdder candidateNanos = new LongAdder();
    private final Deque<QueryMismatch> samples = new ArrayDeque<>();

    QueryShadow(String name, ShadowReader<K, ?, N> reader) {
        this.name = name;
        this.reader = reader;
        for (ShadowResult result : ShadowResult.values()) {
            counts.put(result, new LongAdder());
        }
    }

    public String name() {
        return name;
    }

    /** The name of the migration the query belongs to. */
    public String migration() {
        return reader.migration().name();
    }

    /**
     * This query's comparisons by result since this instance started, and the time its runs took on the source of
     * truth ({@code primary}: every run) and on the candidate ({@code candidate}: the compared ones).
     */
    public ShadowReadStats stats() {
        Map<ShadowResult, Long> snapshot = new EnumMap<>(ShadowResult.class);
        counts.forEach((result, adder) -> snapshot.put(result, adder.sum()));
        return new ShadowReadStats(
                snapshot, primaryReads.sum(), primaryNanos.sum(), candidateReads.sum(), candidateNanos.sum());
    }

    /** This query's most recent mismatches, newest first, at most {@link ShadowReadOptions#mismatchSamples()}. */
    public List<QueryMismatch> recentMismatches() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /**
     * Called after every run of the query with what the caller got; samples it for comparison. Never throws on the
     * comparison's account and never waits.
     *
     * @param answer what the source of truth answered, in the NEW representation (a single result as a list of at
     *     most one element)
     * @param ordered whether the query promises an order, which is then compared too
     * @param sides how to run the query on either side again
     */
    public void observe(
            MigrationPhase phase,
            long version,
            @Nullable Object parameter,
            List<N> answer,
            boolean ordered,
            long primaryReadNanos,
            Sides<N> sides) {
        primaryReads.increment();
        primaryNanos.add(primaryReadNanos);
        reader.switchPhaseCounts(version);
        Admission admission = reader.comparisons().admit(phase);
        if (admission == Admission.OVER_BUDGET) {
            count(ShadowResult.SKIPPED, version);
        } else if (admission == Admission.ADMITTED) {
            // A copy: the caller may change its list while the comparison runs.
            reader.comparisons()
                    .compareLater(
                            new Run(phase, version, parameter, ordered, sides),
                            Collections.unmodifiableList(new ArrayList<>(answer)),
                            true);
        }
    }

    private void count(ShadowResult result, long version) {
        counts.get(result).increment();
        reader.countInPhase(result, version);
    }

    /** One sampled run of the query. */
    private final class Run implements Comparisons.Comparison<List<N>> {

        private final MigrationPhase phase;
        private final long version;
        private final @Nullable Object parameter;
        private final boolean ordered;
        private final Sides<N> sides;

        Run(MigrationPhase phase, long version, @Nullable Object parameter, boolean ordered, Sides<N> sides) {
            this.phase = phase;
            this.version = version;
            this.parameter = parameter;
            this.ordered = ordered;
            this.sides = sides;
        }

        @Override
        public Side candidateSide() {
            return phase.sourceOfTruth().other();
        }

        @Override
        public List<N> readControl() {
            return answer(sides.read(phase.sourceOfTruth(), null), phase.sourceOfTruth());
        }

        @Override
        public List<N> readCandidate(List<N> control) {
            long started = System.nanoTime();
            try {
                return answer(sides.read(candidateSide(), control), candidateSide());
            } finally {
                candidateReads.increment();
                candidateNanos.add(System.nanoTime() - started);
            }
        }

        private List<N> answer(@Nullable List<N> answer, Side side) {
            return Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(
                    answer, () -> "query '" + name + "' answered null on the " + side + " side")));
        }

        @Override
        public Comparisons.Verdict compare(List<N> control, List<N> candidate) {
            Migration<K, ?, N> migration = reader.migration();
            // Values OLD does not hold by design are on NEW alone: neither missing from OLD's answer nor extra in it.
            List<N> comparedControl = withoutValuesOnlyInNew(migration, control);
            List<N> comparedCandidate = withoutValuesOnlyInNew(migration, candidate);
            AnswerDifference<K, N> difference = AnswerDifference.of(
                    comparedControl, comparedCandidate, migration.newStore()::keyOf, migration.equivalence(), ordered);
            boolean excused = excuseNotYetBackfilled(difference);
            ShadowResult result = classify(difference, excused);
            return new Comparisons.Verdict() {
                @Override
                public ShadowResult result() {
                    return result;
                }

                @Override
                public void settle() {
                    // The sample first: whoever sees the count finds the sample too.
                    if (result.isMismatch()) {
                        sample(result, difference);
                    }
                    count(result, version);
                }
            };
        }

        @Override
        public void abandon(ShadowResult result) {
            count(result, version);
        }

        /** Takes out of the missing keys those the backfill has not reached yet; whether it took any. */
        private boolean excuseNotYetBackfilled(AnswerDifference<K, N> difference) {
            if (difference.missing.isEmpty() || phase.sourceOfTruth() != Side.OLD) {
                return false;
            }
            List<K> checked = difference.missing.subList(0, Math.min(MAX_BACKFILL_CHECKS, difference.missing.size()));
            int before = difference.missing.size();
            List<K> stillMissing = new ArrayList<>();
            for (K key : checked) {
                if (!reader.notYetBackfilled(key, phase)) {
                    stillMissing.add(key);
                }
            }
            stillMissing.addAll(difference.missing.subList(checked.size(), before));
            difference.missing.clear();
            difference.missing.addAll(stillMissing);
            return difference.missing.size() < before;
        }

        private ShadowResult classify(AnswerDifference<K, N> d, boolean excused) {
            if (d.none()) {
                return excused ? ShadowResult.NOT_YET_BACKFILLED : ShadowResult.MATCH;
            }
            // Only whole elements missing, or only extra ones: the candidate lacks or adds rows, it does not change
            // them.
            boolean keysOnly = d.differing.isEmpty() && d.order == null;
            if (keysOnly && d.extra.isEmpty()) {
                return ShadowResult.MISSING_IN_CANDIDATE;
            }
            if (keysOnly && d.missing.isEmpty()) {
                return ShadowResult.UNEXPECTED_IN_CANDIDATE;
            }
            return ShadowResult.MISMATCH;
        }

        private void sample(ShadowResult result, AnswerDifference<K, N> d) {
            ShadowReadOptions options = reader.options();
            if (options.mismatchSamples() == 0) {
                return;
            }
            Migration<K, ?, N> migration = reader.migration();
            boolean redact = options.redactValues();
            List<DifferingElement> differing = new ArrayList<>();
            for (AnswerDifference.Differing<K, N> element :
                    d.differing.subList(0, Math.min(QueryMismatch.MAX_KEYS, d.differing.size()))) {
                List<FieldDifference> fields = new ArrayList<>();
                if (element.expectedCount() != element.actualCount()) {
                    fields.add(new FieldDifference(
                            "occurrences",
                            String.valueOf(element.expectedCount()),
                            String.valueOf(element.actualCount())));
                }
                if (!migration.equivalence().equivalent(element.expected(), element.actual())) {
                    fields.addAll(FieldDiffer.differences(element.expected(), element.actual(), redact));
                }
                differing.add(new DifferingElement(migration.keyCodec().encode(element.key()), fields));
            }
            OrderDifference order = d.order == null
                    ? null
                    : new OrderDifference(
                            d.order.position(),
                            migration.keyCodec().encode(d.order.expected()),
                            migration.keyCodec().encode(d.order.actual()));
            QueryMismatch sample = new QueryMismatch(
                    name,
                    redact ? FieldDiffer.REDACTED : parameterText(),
                    result,
                    reader.clock().instant(),
                    encoded(d.missing),
                    encoded(d.extra),
                    differing,
                    order,
                    d.missing.size(),
                    d.extra.size(),
                    d.differing.size());
            synchronized (samples) {
                samples.addFirst(sample);
                while (samples.size() > options.mismatchSamples()) {
                    samples.removeLast();
                }
            }
        }

        private List<String> encoded(List<K> keys) {
            return keys.subList(0, Math.min(QueryMismatch.MAX_KEYS, keys.size())).stream()
                    .map(reader.migration().keyCodec()::encode)
                    .toList();
        }

        private String parameterText() {
            String text = io.dualwrite.core.internal.FieldDiffer.render(parameter);
            return text.length() <= MAX_PARAMETER_LENGTH ? text : text.substring(0, MAX_PARAMETER_LENGTH) + "...";
        }
    }

    private static <K, N> List<N> withoutValuesOnlyInNew(Migration<K, ?, N> migration, List<N> answer) {
        if (!migration.declaresValuesOnlyInNew()) {
            return answer;
        }
        return answer.stream().filter(value -> !migration.onlyInNew(value)).toList();
    }
}
