package io.dualwrite.core;

import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.internal.DaemonThreads;
import io.dualwrite.core.internal.runtime.BackfillWorker;
import io.dualwrite.core.internal.runtime.RepairWorker;
import io.dualwrite.core.jdbc.BypassCapture;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.verify.Repairer;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an instance does by itself once {@link DualWrite#startBackgroundWork()} is called: copy rows of every
 * migration in BACKFILL, repair the ledgers continuously (if configured), drain captured bypass writes, restart owed re-syncs of the old side and
 * lower abandoned fences, and run the autopilot. Started at most once; closed with the instance.
 */
final class BackgroundWork implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackgroundWork.class);
    private static final int CAPTURE_BATCH = 200;

    private final Collection<ManagedMigration<?, ?, ?>> migrations;
    private final List<BypassCapture<?, ?, ?>> captures;
    private final Duration captureInterval;
    private final PhaseStore store;
    private final boolean copies;
    private final BackfillOptions backfillOptions;
    private final @Nullable Duration repairInterval;
    private final @Nullable OldSideResync resync;
    private final @Nullable Autopilot autopilot;
    private final Duration autopilotInterval;
    private final HandoverFences.Abandoned abandonedFences;
    private @Nullable BackfillWorker backfillWorker;
    private @Nullable RepairWorker repairWorker;
    private @Nullable ScheduledExecutorService resyncChecks;
    private @Nullable ScheduledExecutorService autopilotScheduler;
    private @Nullable ScheduledExecutorService captureDrains;

    BackgroundWork(
            Collection<ManagedMigration<?, ?, ?>> migrations,
            List<BypassCapture<?, ?, ?>> captures,
            Duration captureInterval,
            PhaseStore store,
            boolean copies,
            BackfillOptions backfillOptions,
            @Nullable Duration repairInterval,
            @Nullable OldSideResync resync,
            @Nullable Autopilot autopilot,
            Duration autopilotInterval,
            Clock clock) {
        this.migrations = List.copyOf(migrations);
        this.captures = List.copyOf(captures);
        this.captureInterval = captureInterval;
        this.abandonedFences = new HandoverFences.Abandoned(clock);
        this.store = store;
        this.copies = copies;
        this.backfillOptions = backfillOptions;
        this.repairInterval = repairInterval;
        this.resync = resync;
        this.autopilot = autopilot;
        this.autopilotInterval = autopilotInterval;
    }

    /** Starts whatever is not running yet. */
    synchronized void start() {
        List<Backfill<?, ?, ?>> backfills = migrations.stream()
                .filter(ManagedMigration::hasBackfill)
                .<Backfill<?, ?, ?>>map(ManagedMigration::backfill)
                .toList();
        if (backfillWorker == null && copies && !backfills.isEmpty()) {
            backfillWorker = new BackfillWorker(backfills, this::phase, backfillOptions).start();
        }
        if (repairWorker == null && repairInterval != null) {
            List<Repairer<?, ?, ?>> repairers = migrations.stream()
                    .<Repairer<?, ?, ?>>map(ManagedMigration::repairer)
                    .toList();
            repairWorker = new RepairWorker(repairers, Repairer::phaseWritesBothSides).start(repairInterval);
        }
        if (resyncChecks == null) {
            resyncChecks = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dualwrite-resync-check-"));
            resyncChecks.scheduleWithFixedDelay(this::checkOwedWork, 0, 2, TimeUnit.SECONDS);
        }
        if (!captures.isEmpty() && captureDrains == null) {
            captureDrains = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dualwrite-capture-"));
            captureDrains.scheduleWithFixedDelay(
                    this::drainCaptures, captureInterval.toMillis(), captureInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (autopilot != null && autopilotScheduler == null) {
            autopilotScheduler =
                    Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dualwrite-autopilot-"));
            autopilotScheduler.scheduleWithFixedDelay(
                    autopilot::tick, autopilotInterval.toMillis(), autopilotInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private MigrationPhase phase(String name) {
        return migrations.stream()
                .filter(m -> m.name().equals(name))
                .findFirst()
                .map(ManagedMigration::phase)
                .orElseThrow();
    }

    /** Drains each migration's captured bypass writes until none is left or a batch removes nothing. */
    private void drainCaptures() {
        for (BypassCapture<?, ?, ?> capture : captures) {
            try {
                while (capture.drain(CAPTURE_BATCH) > 0
                        && !Thread.currentThread().isInterrupted()) {
                    // next batch
                }
            } catch (RuntimeException e) {
                log.warn("Migration '{}': draining captured bypass writes failed: {}", capture.name(), e.toString());
            }
        }
    }

    /** Restarts a re-sync that is owed and that nobody runs; lowers fences whose move's instance died. */
    private void checkOwedWork() {
        for (ManagedMigration<?, ?, ?> migration : migrations) {
            try {
                if (resync != null) {
                    resync.resumeIfOwed(migration.name());
                }
            } catch (RuntimeException e) {
                log.warn(
                        "Migration '{}': could not check whether a re-sync is owed: {}",
                        migration.name(),
                        e.toString());
            }
            try {
                abandonedFences.lowerIfAbandoned(
                        migration.migration(), store.find(migration.name()).orElseThrow());
            } catch (RuntimeException e) {
                log.debug("Migration '{}': could not check its fences: {}", migration.name(), e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (backfillWorker != null) {
            backfillWorker.close();
            backfillWorker = null;
        }
        if (repairWorker != null) {
            repairWorker.close();
            repairWorker = null;
        }
        if (captureDrains != null) {
            captureDrains.shutdownNow();
            captureDrains = null;
        }
        if (autopilotScheduler != null) {
            autopilotScheduler.shutdownNow();
            autopilotScheduler = null;
        }
        if (resyncChecks != null) {
            resyncChecks.shutdownNow();
            resyncChecks = null;
        }
    }
}
