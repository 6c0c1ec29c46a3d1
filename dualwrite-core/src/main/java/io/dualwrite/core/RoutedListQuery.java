package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.runtime.PhaseCache;
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.shadow.QueryShadow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named read of a migration that answers a list, with an OLD and a NEW implementation: declared once with
 * {@link DualRepository#listQuery} (kept in a field or a bean) and run with a parameter.
 *
 * <pre>{@code
 * RoutedListQuery<Long, Subscription> subscriptionsOf = subscriptions.listQuery("subscriptions-of",
 *         customerId -> oldSubscriptions.findByCustomerId(customerId),
 *         customerId -> newSubscriptions.findByCustomerId(customerId));
 * List<Subscription> ones = subscriptionsOf.list(42L);
 * }</pre>
 *
 * <p>Routed as {@link RoutedQuery} is: each run asks the source of truth of the phase this instance applies and
 * answers in the NEW representation in every phase, and a sample of runs is compared with the other side. The two
 * answers are compared as sets, element by element matched by key (the NEW store's key of each element): a
 * mismatch names the keys the candidate lacks, the keys it has extra and the keys whose values differ, with their
 * field differences. A query that promises an order ({@link #inOrder()}) has its order compared too.
 *
 * <p>A page is compared as a list, the candidate asked for the key range the source of truth's page covers rather
 * than for the same number of rows ({@link #candidateParameter}); see docs/queries.md.
 *
 * <p>Thread-safe and immutable: {@link #inOrder()} and {@link #candidateParameter} answer a copy that shares the
 * query's name, counts and samples.
 *
 * @param <P> the parameter
 * @param <N> the NEW representation, which it answers in
 */
public final class RoutedListQuery<P, N> {

    private static final Logger log = LoggerFactory.getLogger(RoutedListQuery.class);

    private final String migration;
    private final PhaseCache phases;
    private final QueryShadow<?, N> shadow;
    private final Function<? super P, ? extends List<N>> oldSide;
    private final Function<? super P, ? extends List<? extends N>> newSide;
    private final boolean ordered;
    private final @Nullable BiFunction<? super P, ? super List<N>, ? extends P> candidateParameter;

    <O> RoutedListQuery(
            Migration<?, O, N> migration,
            PhaseCache phases,
            QueryShadow<?, N> shadow,
            Function<? super P, ? extends List<? extends O>> oldSide,
            Function<? super P, ? extends List<? extends N>> newSide) {
        this(
                migration.name(),
                phases,
                shadow,
                parameter -> {
                    List<? extends O> answer = oldSide.apply(parameter);
                    if (answer == null) {
                        return null;
                    }
                    List<N> mapped = new ArrayList<>(answer.size());
                    for (O value : answer) {
                        mapped.add(migration.toNew(value));
                    }
                    return mapped;
                },
                newSide,
                false,
                null);
    }

    private RoutedListQuery(
            String migration,
            PhaseCache phases,
            QueryShadow<?, N> shadow,
            Function<? super P, ? extends List<N>> oldSide,
            Function<? super P, ? extends List<? extends N>> newSide,
            boolean ordered,
            @Nullable BiFunction<? super P, ? super List<N>, ? extends P> candidateParameter) {
        this.migration = migration;
        this.phases = phases;
        this.shadow = shadow;
        this.oldSide = oldSide;
        this.newSide = newSide;
        this.ordered = ordered;
        this.candidateParameter = candidateParameter;
    }

    /** The query's name, which its meters and mismatch samples carry. */
    public String name() {
        return shadow.name();
    }

    /**
     * This query, declaring that both implementations answer in one order (an {@code ORDER BY} on a unique key, say):
     * comparisons then also report where the order of the elements both sides answered first differs.
     */
    public RoutedListQuery<P, N> inOrder() {
        return new RoutedListQuery<>(migration, phases, shadow, oldSide, newSide, true, candidateParameter);
    }

    /** Whether the query promises an order, which comparisons check. */
    public boolean ordered() {
        return ordered;
    }

    /**
     * This query, asking the candidate with a parameter derived from the parameter and the source of truth's answer
     * (in the NEW representation) instead of the parameter itself. For a page: the key range the source of truth's
     * page covers, so that a candidate lacking a row does not fill its place with the row after the page:
     *
     * <pre>{@code
     * people.listQuery("people-page", oldPage, newPage).inOrder()
     *         .candidateParameter((page, answer) -> answer.size() < page.limit()
     *                 ? page.toTheEnd() : page.through(answer.get(answer.size() - 1).id()));
     * }</pre>
     */
    public RoutedListQuery<P, N> candidateParameter(BiFunction<? super P, ? super List<N>, ? extends P> parameter) {
        return new RoutedListQuery<>(
                migration, phases, shadow, oldSide, newSide, ordered, Objects.requireNonNull(parameter, "parameter"));
    }

    /**
     * Runs the query on the source of truth of the current phase and answers in the NEW representation, as an
     * unmodifiable list. A sample of runs is compared with the other side afterwards, off the caller's thread.
     *
     * @throws DualWriteException if the implementation answered {@code null} instead of a list
     */
    public List<N> list(P parameter) {
        PhaseState state = phases.current(migration);
        MigrationPhase phase = state.phase();
        long started = System.nanoTime();
        List<N> answer = run(phase.sourceOfTruth(), parameter);
        long nanos = System.nanoTime() - started;
        try {
            shadow.observe(
                    phase,
                    state.version(),
                    parameter,
                    answer,
                    ordered,
                    nanos,
                    (side, sourceOfTruth) -> run(
                            side,
                            sourceOfTruth == null || candidateParameter == null
                                    ? parameter
                                    : candidateParameter.apply(parameter, sourceOfTruth)));
        } catch (RuntimeException e) {
            log.debug("Shadow read of query '{}' of '{}' could not be scheduled", name(), migration, e);
        }
        return answer;
    }

    /** This query's shadow comparisons: counts by result, latencies of both sides, recent mismatches. */
    public QueryShadow<?, N> shadowReads() {
        return shadow;
    }

    private List<N> run(Side side, P parameter) {
        List<? extends N> answer = side == Side.OLD ? oldSide.apply(parameter) : newSide.apply(parameter);
        if (answer == null) {
            throw new DualWriteException("Routed query '" + name() + "' of migration '" + migration + "': the " + side
                    + " implementation answered null; answer an empty list when nothing is found");
        }
        return Collections.unmodifiableList(answer);
    }

    @Override
    public String toString() {
        return "RoutedListQuery[" + migration + "/" + name() + (ordered ? ", in order" : "") + "]";
    }
}
