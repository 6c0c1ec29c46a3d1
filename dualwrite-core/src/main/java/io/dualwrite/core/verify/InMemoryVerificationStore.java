package io.dualwrite.core.verify;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link VerificationStore} in this JVM's memory, for tests. Thread-safe. */
public final class InMemoryVerificationStore implements VerificationStore {

    private final Map<String, VerificationProgress> progress = new HashMap<>();

    @Override
    public synchronized Optional<VerificationProgress> find(String migration) {
        return Optional.ofNullable(progress.get(migration));
    }

    @Override
    public synchronized VerificationProgress start(String migration, long phaseVersion, Instant now) {
        VerificationProgress fresh = new VerificationProgress(
                migration, VerificationState.RUNNING, null, 0, 0, 0, now, now, null, null, phaseVersion);
        progress.put(migration, fresh);
        return fresh;
    }

    @Override
    public synchronized boolean checkpoint(
            String migration,
            Instant run,
            String lastKey,
            long rowsChecked,
            long divergences,
            long inFlight,
            Instant now) {
        VerificationProgress p = progress.get(migration);
        if (p == null || p.state() != VerificationState.RUNNING || !run.equals(p.startedAt())) {
            return false;
        }
        progress.put(
                migration,
                new VerificationProgress(
                        migration,
                        p.state(),
                        lastKey,
                        p.rowsChecked() + rowsChecked,
                        p.divergences() + divergences,
                        p.inFlight() + inFlight,
                        p.startedAt(),
                        now,
                        null,
                        null,
                        p.phaseVersion()));
        return true;
    }

    @Override
    public synchronized void complete(String migration, Instant run, Instant now) {
        end(migration, run, VerificationState.COMPLETED, null, now);
    }

    @Override
    public synchronized void fail(String migration, Instant run, String reason, Instant now) {
        end(migration, run, VerificationState.FAILED, reason, now);
    }

    @Override
    public synchronized boolean cancel(String migration, String reason, Instant now) {
        return end(migration, null, VerificationState.CANCELLED, reason, now);
    }

    private boolean end(String migration, Instant run, VerificationState state, String failure, Instant now) {
        VerificationProgress p = progress.get(migration);
        if (p == null || p.state() != VerificationState.RUNNING || (run != null && !run.equals(p.startedAt()))) {
            return false;
        }
        progress.put(
                migration,
                new VerificationProgress(
                        migration,
                        state,
                        p.lastKey(),
                        p.rowsChecked(),
                        p.divergences(),
                        p.inFlight(),
                        p.startedAt(),
                        now,
                        state == VerificationState.COMPLETED ? now : null,
                        failure,
                        p.phaseVersion()));
        return true;
    }
}
