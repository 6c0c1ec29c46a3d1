package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.runtime.PhaseCache;
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.shadow.QueryShadow;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named read of a migration that answers at most one value, with an OLD and a NEW implementation: declared once
 * with {@link DualRepository#query} (kept in a field or a bean) and run with a parameter.
 *
 * <pre>{@code
 * RoutedQuery<String, PersonName> byEmail = people.query("by-email",
 *         email -> oldPeople.findByEmail(email),      // Optional<Person>, the OLD representation
 *         email -> newPeople.findByEmail(email));     // Optional<PersonName>, the NEW one
 * Optional<PersonName> ada = byEmail.find("ada@example.com");
 * }</pre>
 *
 * <p>Each run asks the source of truth of the phase this instance applies (OLD in {@code OLD_ONLY},
 * {@code DUAL_WRITE} and {@code BACKFILL}, NEW in {@code READ_NEW} and {@code DROP_OLD}) and answers in the NEW
 * representation in every phase: OLD's answer is mapped with the migration's {@code toNew}. In the phases that keep
 * both sides, a sample of runs is run again on the other side off the caller's thread and the answers are compared
 * by key with the migration's equivalence, as key reads are ({@link QueryShadow}: same sample rate, budget, time
 * limit and re-check). What the comparison does never reaches the caller: an implementation that fails or hangs on
 * the candidate side counts as a candidate error. The implementations are plain functions: a Spring Data repository
 * method, a {@code JdbcTemplate} or {@code JdbcClient} query, anything that answers for one side.
 *
 * <p>Thread-safe and immutable.
 *
 * @param <P> the parameter
 * @param <N> the NEW representation, which it answers in
 */
public final class RoutedQuery<P, N> {

    private static final Logger log = LoggerFactory.getLogger(RoutedQuery.class);

    private final String migration;
    private final PhaseCache phases;
    private final QueryShadow<?, N> shadow;
    private final Function<? super P, ? extends Optional<? extends N>> oldSide;
    private final Function<? super P, ? extends Optional<? extends N>> newSide;

    <O> RoutedQuery(
            Migration<?, O, N> migration,
            PhaseCache phases,
            QueryShadow<?, N> shadow,
            Function<? super P, ? extends Optional<? extends O>> oldSide,
            Function<? super P, ? extends Optional<? extends N>> newSide) {
        this.migration = migration.name();
        this.phases = phases;
        this.shadow = shadow;
        this.oldSide = parameter -> {
            Optional<? extends O> answer = oldSide.apply(parameter);
            return answer == null ? null : answer.map(migration::toNew);
        };
        this.newSide = newSide;
    }

    /** The query's name, which its meters and mismatch samples carry. */
    public String name() {
        return shadow.name();
    }

    /**
     * Runs the query on the source of truth of the current phase and answers in the NEW representation. A sample of
     * runs is compared with the other side afterwards, off the caller's thread.
     *
     * @throws DualWriteException if the implementation answered {@code null} instead of an {@code Optional}
     */
    public Optional<N> find(P parameter) {
        PhaseState state = phases.current(migration);
        MigrationPhase phase = state.phase();
        long started = System.nanoTime();
        Optional<N> answer = run(phase.sourceOfTruth(), parameter);
        long nanos = System.nanoTime() - started;
        try {
            shadow.observe(
                    phase,
                    state.version(),
                    parameter,
                    asList(answer),
                    false,
                    nanos,
                    (side, sourceOfTruth) -> asList(run(side, parameter)));
        } catch (RuntimeException e) {
            log.debug("Shadow read of query '{}' of '{}' could not be scheduled", name(), migration, e);
        }
        return answer;
    }

    /** This query's shadow comparisons: counts by result, latencies of both sides, recent mismatches. */
    public QueryShadow<?, N> shadowReads() {
        return shadow;
    }

    private Optional<N> run(Side side, P parameter) {
        Optional<? extends N> answer = side == Side.OLD ? oldSide.apply(parameter) : newSide.apply(parameter);
        if (answer == null) {
            throw new DualWriteException("Routed query '" + name() + "' of migration '" + migration + "': the " + side
                    + " implementation answered null; answer Optional.empty() when nothing is found");
        }
        @SuppressWarnings("unchecked") // an Optional is read-only: one of a subtype of N is one of N
        Optional<N> read = (Optional<N>) answer;
        return read;
    }

    private static <N> List<N> asList(Optional<N> answer) {
        return answer.isPresent() ? List.of(answer.get()) : List.of();
    }

    @Override
    public String toString() {
        return "RoutedQuery[" + migration + "/" + name() + "]";
    }
}
