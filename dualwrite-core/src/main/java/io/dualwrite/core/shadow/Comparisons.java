package io.dualwrite.core.shadow;

import io.dualwrite.core.internal.PerSecondBudget;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every comparison of one migration shares, its key reads and its routed queries alike: the sample rate, the
 * per-second budget, the bounded executor, the time limit, the candidate side's circuit breaker and the second look
 * after the re-check delay. A {@link Comparison} says how to read its two sides and what their answers mean; this
 * class decides whether and when it runs, and keeps whatever happens to it away from the caller.
 */
final class Comparisons {

    private static final Logger log = LoggerFactory.getLogger(Comparisons.class);

    /** Whether a read is compared. */
    enum Admission {
        /** Not sampled, or a phase with one side only: nothing to count. */
        NOT_SAMPLED,
        /** Sampled, but this second's budget is spent: counts as {@link ShadowResult#SKIPPED}. */
        OVER_BUDGET,
        /** To be compared. */
        ADMITTED
    }

    /**
     * One sampled comparison: how to read both sides (again, for the second look) and what their answers mean.
     *
     * @param <R> what one side answers, in the NEW representation
     */
    interface Comparison<R> {

        /** The side compared with the source of truth. */
        Side candidateSide();

        /** Reads the source of truth again, for the second look. */
        R readControl();

        /** Reads the candidate, given what the source of truth answered. */
        R readCandidate(R control);

        /** Compares one look's answers. */
        Verdict compare(R control, R candidate);

        /** The comparison ended without a verdict: {@link ShadowResult#SKIPPED} or {@link ShadowResult#CANDIDATE_ERROR}. */
        void abandon(ShadowResult result);
    }

    /** What one look found. */
    interface Verdict {

        ShadowResult result();

        /** Counts this verdict as the comparison's final one, and keeps a sample of it if it is a mismatch. */
        void settle();
    }

    private final String migration;
    private final ShadowReadOptions options;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final Map<Side, CircuitBreaker> breakers;
    private final TimeLimiter timeLimiter;
    private final @Nullable PerSecondBudget budget;

    Comparisons(
            String migration,
            ShadowReadOptions options,
            Executor executor,
            ScheduledExecutorService scheduler,
            Map<Side, CircuitBreaker> breakers) {
        this.migration = migration;
        this.options = options;
        this.executor = executor;
        this.scheduler = scheduler;
        this.breakers = Map.copyOf(breakers);
        this.timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom()
                .timeoutDuration(options.timeout())
                .cancelRunningFuture(false)
                .build());
        this.budget =
                options.maxComparisonsPerSecond() > 0 ? new PerSecondBudget(options.maxComparisonsPerSecond()) : null;
    }

    ShadowReadOptions options() {
        return options;
    }

    /**
     * Whether a read under {@code phase} is compared: the phase has two sides, the read is sampled, and the
     * migration's budget (shared by its key reads and its queries) has a comparison left this second.
     */
    Admission admit(MigrationPhase phase) {
        if (phase.writeOrder().size() < 2 || options.sampleRate() <= 0) {
            return Admission.NOT_SAMPLED;
        }
        if (options.sampleRate() < 1 && ThreadLocalRandom.current().nextDouble() >= options.sampleRate()) {
            return Admission.NOT_SAMPLED;
        }
        if (budget != null && !budget.tryAcquire()) {
            return Admission.OVER_BUDGET;
        }
        return Admission.ADMITTED;
    }

    /**
     * Reads the candidate on the executor, within the time limit and behind the candidate side's breaker, and
     * compares it with {@code control}. A first look that finds a difference is looked at again after the
     * re-check delay, both sides read afresh; only that look counts.
     */
    <R> void compareLater(Comparison<R> comparison, R control, boolean firstLook) {
        if (saturated()) {
            comparison.abandon(ShadowResult.SKIPPED);
            return;
        }
        CircuitBreaker breaker = breakers.get(comparison.candidateSide());
        Supplier<R> read = () -> comparison.readCandidate(control);
        CompletableFuture<R> candidate;
        try {
            candidate = CompletableFuture.supplyAsync(
                    breaker == null ? read : CircuitBreaker.decorateSupplier(breaker, read), executor);
        } catch (RejectedExecutionException e) {
            comparison.abandon(ShadowResult.SKIPPED);
            return;
        }
        timeLimiter.executeCompletionStage(scheduler, () -> candidate).whenComplete((value, error) -> {
            try {
                onCandidate(comparison, control, value, error, firstLook);
            } catch (RuntimeException e) {
                log.debug("Shadow comparison of '{}' failed", migration, e);
                comparison.abandon(ShadowResult.CANDIDATE_ERROR);
            }
        });
    }

    private <R> void onCandidate(
            Comparison<R> comparison, R control, @Nullable R candidate, @Nullable Throwable error, boolean firstLook) {
        if (error != null || candidate == null) {
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            // While the candidate's breaker is open, its database is not asked: nothing was compared.
            comparison.abandon(
                    cause instanceof CallNotPermittedException ? ShadowResult.SKIPPED : ShadowResult.CANDIDATE_ERROR);
            return;
        }
        Verdict verdict = comparison.compare(control, candidate);
        ShadowResult result = verdict.result();
        if (firstLook && result != ShadowResult.MATCH && result != ShadowResult.NOT_YET_BACKFILLED) {
            recheckLater(comparison);
            return;
        }
        verdict.settle();
    }

    /** Whether the executor has no room: checked before handing a task over, so shedding load costs nothing. */
    private boolean saturated() {
        return executor instanceof ThreadPoolExecutor pool
                && pool.getQueue().remainingCapacity() == 0
                && pool.getActiveCount() >= pool.getMaximumPoolSize();
    }

    private <R> void recheckLater(Comparison<R> comparison) {
        try {
            scheduler.schedule(
                    () -> {
                        try {
                            executor.execute(() -> {
                                R control;
                                try {
                                    control = comparison.readControl();
                                } catch (RuntimeException e) {
                                    comparison.abandon(ShadowResult.SKIPPED);
                                    return;
                                }
                                compareLater(comparison, control, false);
                            });
                        } catch (RejectedExecutionException e) {
                            comparison.abandon(ShadowResult.SKIPPED);
                        }
                    },
                    options.recheckDelay().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            comparison.abandon(ShadowResult.SKIPPED);
        }
    }
}
