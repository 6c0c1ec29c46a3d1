package io.dualwrite.core.internal.runtime;

import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.model.MigrationPhase;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's share of the backfill work: for every migration in {@link MigrationPhase#BACKFILL}, it starts
 * the backfill if nobody did, and copies whenever it can take the lease. It stops copying when the migration
 * leaves BACKFILL (a rollback pauses the copy; coming back resumes it from the checkpoint).
 */
public final class BackfillWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackfillWorker.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final List<Backfill<?, ?, ?>> backfills;
    private final Function<String, MigrationPhase> phases;
    private final BackfillOptions options;
    private final ScheduledExecutorService executor;
    private volatile boolean closed;

    public BackfillWorker(
            List<Backfill<?, ?, ?>> backfills, Function<String, MigrationPhase> phases, BackfillOptions options) {
        this.backfills = List.copyOf(backfills);
        this.phases = phases;
        this.options = options;
        this.executor = Executors.newScheduledThreadPool(Math.max(1, backfills.size()), runnable -> {
            Thread thread = new Thread(runnable, "dualwrite-backfill-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts polling every migration at the options' poll interval. */
    public BackfillWorker start() {
        for (Backfill<?, ?, ?> backfill : backfills) {
            executor.scheduleWithFixedDelay(
                    () -> tick(backfill), 0, options.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void tick(Backfill<?, ?, ?> backfill) {
        String name = backfill.migration().name();
        try {
            if (closed || phases.apply(name) != MigrationPhase.BACKFILL) {
                return;
            }
            if (backfill.start().state() == BackfillState.RUNNING) {
                backfill.run(() -> !closed && phases.apply(name) == MigrationPhase.BACKFILL);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Backfill of '{}' could not run on this instance; retrying in {}", name, options.pollInterval(), e);
        }
    }

    /** Stops copying; the lease expires or is released, and another instance (or a restart) resumes. */
    @Override
    public void close() {
        closed = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
