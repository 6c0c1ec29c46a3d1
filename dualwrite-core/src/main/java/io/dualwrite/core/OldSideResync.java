package io.dualwrite.core;

import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.phase.Resync;
import io.dualwrite.core.verify.VerificationProgress;
import io.dualwrite.core.verify.VerificationState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the durable {@link Resync} of the old side after DROP_OLD -> READ_NEW: waits until every live instance
 * applies READ_NEW (so that nothing writes the new side only any more), verifies every key afresh, which records
 * each key the old side lacks as ahead on the new side, and repairs until none is left. Its state is stored with the
 * phase, so every instance sees it and a re-sync whose instance died is taken over by any instance running
 * background work once its last update is older than {@link #ABANDONED_AFTER}.
 */
final class OldSideResync {

    /** A WAITING or RUNNING re-sync not updated for this long is taken to be abandoned, and started again. */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(30);

    /** A FAILED re-sync is tried again after this long. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(OldSideResync.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Function<String, ManagedMigration<?, ?, ?>> migrations;
    private final PhaseStore store;
    private final ExecutorService executor;
    private final Clock clock;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    OldSideResync(
            Function<String, ManagedMigration<?, ?, ?>> migrations,
            PhaseStore store,
            ExecutorService executor,
            Clock clock) {
        this.migrations = migrations;
        this.store = store;
        this.executor = executor;
        this.clock = clock;
    }

    /** Starts the re-sync of a READ_NEW phase just entered from DROP_OLD. */
    void start(String name, PhaseState entered) {
        Instant now = clock.instant();
        store.saveResync(new Resync(
                name,
                entered.version(),
                Resync.State.WAITING,
                0,
                0,
                now,
                now,
                null,
                "waiting until every live instance applies READ_NEW"));
        submit(name, entered.version());
    }

    /**
     * Starts the re-sync again where it is owed and nobody runs it: READ_NEW entered from DROP_OLD, and no re-sync
     * of this version completed, none updated lately, or one failed a while ago.
     */
    void resumeIfOwed(String name) {
        PhaseState current = store.find(name).orElseThrow();
        if (current.phase() != MigrationPhase.READ_NEW
                || running.contains(name)
                || !enteredFromDropOld(store, current)) {
            return;
        }
        Optional<Resync> latest = store.findResync(name).filter(r -> r.phaseVersion() == current.version());
        Instant now = clock.instant();
        boolean owed = latest.isEmpty()
                || switch (latest.get().state()) {
                    case COMPLETED, SUPERSEDED -> false;
                    case FAILED -> latest.get().updatedAt().plus(RETRY_AFTER).isBefore(now);
                    case WAITING, RUNNING ->
                        lastSignOfLife(name, latest.get()).plus(ABANDONED_AFTER).isBefore(now);
                };
        if (owed) {
            log.info("Migration '{}': the re-sync of the old side is owed and not running here; starting it", name);
            start(name, current);
        }
    }

    /** The later of the re-sync's last update and its verification's last checkpoint. */
    private Instant lastSignOfLife(String name, Resync resync) {
        Instant verified = migrations.apply(name).hasVerification()
                ? migrations.apply(name).verification().updatedAt()
                : Instant.MIN;
        return verified.isAfter(resync.updatedAt()) ? verified : resync.updatedAt();
    }

    /** Whether the migration's current phase was entered from DROP_OLD, by the move its audit trail records. */
    static boolean enteredFromDropOld(PhaseStore store, PhaseState current) {
        return store.auditTrail(current.migration(), 1_000).stream()
                .filter(e -> e.event().movesPhase() && e.version() == current.version())
                .findFirst()
                .map(AuditEntry::from)
                .filter(from -> from == MigrationPhase.DROP_OLD)
                .isPresent();
    }

    private void submit(String name, long version) {
        if (running.add(name)) {
            try {
                executor.execute(() -> {
                    try {
                        run(name, version);
                    } finally {
                        running.remove(name);
                    }
                });
            } catch (RuntimeException e) {
                running.remove(name);
                throw e;
            }
        }
    }

    private void run(String name, long version) {
        Resync resync = store.findResync(name).orElseThrow();
        try {
            while (!migrations.apply(name).barrierPasses()) {
                if (superseded(name, version)) {
                    store.saveResync(resync.with(Resync.State.SUPERSEDED, 0, 0, clock.instant(), "the phase moved on"));
                    return;
                }
                resync = resync.with(Resync.State.WAITING, 0, 0, clock.instant(), resync.detail());
                store.saveResync(resync);
                sleep(POLL);
            }
            resync = resync.with(Resync.State.RUNNING, 0, 0, clock.instant(), "verifying every key");
            store.saveResync(resync);
            VerificationProgress found = migrations.apply(name).verify();
            if (found.state() != VerificationState.COMPLETED
                    || found.phaseVersion() == null
                    || found.phaseVersion() != version) {
                String why = superseded(name, version)
                        ? "the phase moved on"
                        : "the verification ended " + found.state() + ": " + found.failure();
                store.saveResync(resync.with(
                        superseded(name, version) ? Resync.State.SUPERSEDED : Resync.State.FAILED,
                        found.divergences(),
                        0,
                        clock.instant(),
                        why));
                return;
            }
            long left = migrations.apply(name).repairer().ledgerSize(Side.NEW);
            while (left > 0) {
                if (superseded(name, version)) {
                    store.saveResync(
                            resync.with(Resync.State.SUPERSEDED, found.divergences(), left, clock.instant(), null));
                    return;
                }
                resync = resync.with(
                        Resync.State.RUNNING,
                        found.divergences(),
                        left,
                        clock.instant(),
                        "copying " + left + " keys to the old side");
                store.saveResync(resync);
                if (migrations.apply(name).repairer().drain(Side.NEW, 10_000).repaired() == 0) {
                    sleep(Duration.ofSeconds(1)); // the old side may be down: keep trying, visibly
                }
                left = migrations.apply(name).repairer().ledgerSize(Side.NEW);
            }
            store.saveResync(resync.with(Resync.State.COMPLETED, found.divergences(), 0, clock.instant(), null));
            log.info(
                    "Migration '{}': old side re-synced after DROP_OLD: {} keys copied from the new side",
                    name,
                    found.divergences());
        } catch (RuntimeException e) {
            log.warn("Migration '{}': the re-sync of the old side failed; it is tried again", name, e);
            try {
                store.saveResync(resync.with(Resync.State.FAILED, 0, 0, clock.instant(), e.toString()));
            } catch (RuntimeException stored) {
                e.addSuppressed(stored);
            }
        }
    }

    /** Stops re-syncs under way on this instance; another instance (or a restart) takes them over. */
    void close() {
        executor.shutdownNow();
    }

    private boolean superseded(String name, long version) {
        return store.find(name).map(PhaseState::version).orElse(-1L) != version;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
