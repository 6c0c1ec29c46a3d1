package io.dualwrite.core;

import io.dualwrite.core.model.StoreException;
import io.dualwrite.core.store.Transactions;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Runs the write to the second database of a cross-database dual write, in that database's own transaction: behind
 * the side's circuit breaker, and, with a time limiter, on a bounded pool of threads so that the caller stops
 * waiting when the limit passes. A write given up on rolls back instead of committing if it has not reached its
 * commit yet, so a late write cannot overwrite what a repair wrote meanwhile. Its thread is never interrupted: a
 * JDBC driver interrupted in the middle of a message can leave its connection corrupt in the pool.
 */
final class SecondaryWrites {

    private final @Nullable TimeLimiter timeLimiter;
    private final @Nullable ExecutorService executor;

    private SecondaryWrites(@Nullable TimeLimiter timeLimiter, @Nullable ExecutorService executor) {
        this.timeLimiter = timeLimiter;
        this.executor = executor;
    }

    /** Writes on the caller's thread, bounded only by the database driver's own timeouts. */
    static SecondaryWrites onCallerThread() {
        return new SecondaryWrites(null, null);
    }

    /** Writes on the given pool, waiting at most as long as the time limiter allows. */
    static SecondaryWrites timeLimited(TimeLimiterConfig config, ExecutorService executor) {
        TimeLimiterConfig withoutInterrupts =
                TimeLimiterConfig.from(config).cancelRunningFuture(false).build();
        return new SecondaryWrites(TimeLimiter.of("dualwrite-secondary-write", withoutInterrupts), executor);
    }

    /**
     * Runs the write in a transaction of {@code transactions}.
     *
     * @throws RuntimeException what the write threw, a {@link StoreException} when the time limit passed, or the
     *     breaker's {@code CallNotPermittedException} while it is open
     */
    void run(Transactions transactions, Runnable write, @Nullable CircuitBreaker breaker) {
        if (breaker == null) {
            runLimited(transactions, write);
        } else {
            // While open, the other database is not even tried: the failure policy applies at once.
            breaker.executeRunnable(() -> runLimited(transactions, write));
        }
    }

    private void runLimited(Transactions transactions, Runnable write) {
        if (timeLimiter == null || executor == null) {
            // Its own transaction, never one the caller has open on that database.
            transactions.inNewTransaction(write);
            return;
        }
        AtomicBoolean abandoned = new AtomicBoolean();
        Future<?> future = executor.submit(() -> transactions.inTransaction(() -> {
            requireWanted(abandoned);
            write.run();
            requireWanted(abandoned);
        }));
        try {
            timeLimiter.executeFutureSupplier(() -> future);
        } catch (TimeoutException e) {
            abandoned.set(true);
            // Never interrupt: a JDBC driver interrupted mid-message can leave its connection corrupt in the pool.
            future.cancel(false);
            throw new StoreException(
                    "The write did not finish within "
                            + timeLimiter.getTimeLimiterConfig().getTimeoutDuration() + " and was given up",
                    e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime
                    ? runtime
                    : new StoreException(String.valueOf(e.getCause()), e.getCause());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException(e.toString(), e);
        }
    }

    private static void requireWanted(AtomicBoolean abandoned) {
        if (abandoned.get()) {
            throw new CancellationException("The caller stopped waiting for this write; rolled back");
        }
    }
}
