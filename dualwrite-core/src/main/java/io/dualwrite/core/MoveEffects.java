package io.dualwrite.core;

import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.internal.DaemonThreads;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a committed move sets going: the copy, its pause or staleness, the re-sync of the old side. When that fails
 * (the copy cannot read a database that is down, say), it is retried in the background every second while the phase
 * stays as the move left it, so that the move, which has committed, is never reported as failed and its effects
 * are never lost.
 */
final class MoveEffects implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MoveEffects.class);

    private final PhaseStore store;
    private final Function<String, @Nullable Backfill<?, ?, ?>> backfills;
    private final @Nullable OldSideResync resync;
    private final ExecutorService retries =
            Executors.newCachedThreadPool(DaemonThreads.named("dualwrite-move-effects-"));

    /**
     * @param resync the re-sync of the old side; null without a verification store (no move back from a READ_NEW
     *     entered from DROP_OLD is then allowed)
     */
    MoveEffects(
            PhaseStore store, Function<String, @Nullable Backfill<?, ?, ?>> backfills, @Nullable OldSideResync resync) {
        this.store = store;
        this.backfills = backfills;
        this.resync = resync;
    }

    /** Sets going what the committed move implies, retrying in the background when that fails. */
    void apply(PhaseTransition transition, PhaseState next) {
        try {
            run(transition, next);
        } catch (RuntimeException e) {
            log.warn(
                    "Migration '{}': {} committed, but what it sets going failed; retrying in the background: {}",
                    next.migration(),
                    transition,
                    e.toString());
            retry(transition, next);
        }
    }

    private void retry(PhaseTransition transition, PhaseState next) {
        String name = next.migration();
        retries.execute(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1_000);
                    if (store.find(name).map(PhaseState::version).orElse(-1L) != next.version()) {
                        return; // moved on: the next move sets its own effects going
                    }
                    run(transition, next);
                    log.info("Migration '{}': what {} sets going is done", name, transition);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.debug("Migration '{}': retrying what {} sets going: {}", name, transition, e);
                }
            }
        });
    }

    private void run(PhaseTransition transition, PhaseState next) {
        String name = next.migration();
        Backfill<?, ?, ?> backfill = backfills.apply(name);
        switch (transition) {
            case DUAL_WRITE_TO_BACKFILL, READ_NEW_TO_BACKFILL -> {
                if (backfill != null) {
                    BackfillState state = backfill.progress().state();
                    if (state == BackfillState.CANCELLED) {
                        backfill.restart();
                    } else if (state == BackfillState.PAUSED) {
                        backfill.resume();
                    } else {
                        backfill.start();
                    }
                }
            }
            case BACKFILL_TO_DUAL_WRITE -> {
                if (backfill != null) {
                    backfill.pause();
                }
            }
            case DUAL_WRITE_TO_OLD_ONLY -> {
                if (backfill != null && backfill.markStale()) {
                    log.info(
                            "Migration '{}': the new side is stale from now on; the next BACKFILL copies afresh", name);
                }
            }
            case DROP_OLD_TO_READ_NEW -> {
                if (resync == null) {
                    log.warn(
                            "Migration '{}': no verification store, so the old side cannot be re-synced and no move"
                                    + " back from READ_NEW will be allowed; build DualWrite with verificationStore(...)",
                            name);
                } else {
                    resync.start(name, next);
                }
            }
            default -> {}
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
