package io.dualwrite.batch;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.model.MigrationPhase;
import org.jspecify.annotations.Nullable;

/**
 * When a batch backfill may copy: the migration is in {@link MigrationPhase#BACKFILL}, its backfill is RUNNING, and
 * it is the same backfill the job's partitions were planned for (a backfill restarted since, after a rollback to
 * OLD_ONLY for example, has another upper key and must be copied afresh by a new job instance).
 */
final class BackfillGuard {

    private BackfillGuard() {}

    static void requireBackfillPhase(DualWrite dualWrite, String migration) {
        MigrationPhase phase = dualWrite.phase(migration);
        if (phase != MigrationPhase.BACKFILL) {
            throw new IllegalStateException("Migration '" + migration + "' is in " + phase
                    + ", not BACKFILL: the backfill job copies only while every instance writes both sides and the"
                    + " migration is in BACKFILL. Advance it to BACKFILL (dualWrite.advance) and run the job again");
        }
    }

    static void requireRunning(BackfillProgress progress) {
        String migration = progress.migration();
        switch (progress.state()) {
            case RUNNING -> {}
            case PAUSED ->
                throw new IllegalStateException(
                        "The backfill of '" + migration
                                + "' is PAUSED: resume it (Backfill.resume(), the console or the endpoint), then restart the job");
            case FAILED ->
                throw new IllegalStateException("The backfill of '" + migration + "' is FAILED (" + progress.failure()
                        + "): resume it (Backfill.resume()), then restart the job");
            case CANCELLED ->
                throw new IllegalStateException("The backfill of '" + migration
                        + "' is CANCELLED: start it afresh with Backfill.restart(), then run a new job instance");
            case COMPLETED ->
                throw new IllegalStateException("The backfill of '" + migration
                        + "' is COMPLETED already: nothing to copy (Backfill.restart() copies afresh)");
            default ->
                throw new IllegalStateException(
                        "The backfill of '" + migration + "' is " + progress.state() + ", not RUNNING");
        }
    }

    /** Refuses a backfill other than the one the partition was planned for. */
    static void requireSameBackfill(BackfillProgress progress, @Nullable String plannedStartedAt) {
        String current =
                progress.startedAt() == null ? null : progress.startedAt().toString();
        if (plannedStartedAt != null && !plannedStartedAt.equals(current)) {
            throw new IllegalStateException("The backfill of '" + progress.migration() + "' was restarted (started "
                    + current + ", this job's partitions belong to the one started " + plannedStartedAt + "): its"
                    + " checkpoints no longer apply. Run a new job instance (new job parameters)");
        }
    }

    static boolean isRunning(BackfillProgress progress) {
        return progress.state() == BackfillState.RUNNING;
    }
}
