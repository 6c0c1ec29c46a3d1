package io.dualwrite.core.internal.runtime;

import io.dualwrite.core.verify.Repairer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous repair: every interval, runs a repair pass for each migration whose phase writes both sides, so that
 * keys recorded during an outage of one side drain from the ledger once it is back.
 */
public final class RepairWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RepairWorker.class);
    private static final int BATCH = 500;

    private final List<Repairer<?, ?, ?>> repairers;
    private final Predicate<Repairer<?, ?, ?>> active;
    private final ScheduledExecutorService executor;

    public RepairWorker(List<Repairer<?, ?, ?>> repairers, Predicate<Repairer<?, ?, ?>> active) {
        this.repairers = List.copyOf(repairers);
        this.active = active;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dualwrite-repair");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts a repair pass every {@code interval}. */
    public RepairWorker start(Duration interval) {
        executor.scheduleWithFixedDelay(this::pass, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void pass() {
        for (Repairer<?, ?, ?> repairer : repairers) {
            try {
                if (active.test(repairer)) {
                    repairer.repair(BATCH);
                }
            } catch (RuntimeException e) {
                log.warn("Repair pass failed; retrying next interval", e);
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
