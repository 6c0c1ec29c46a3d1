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
    public synchronized VerificationProgress start(String migration, Instant now) {
        VerificationProgress fresh =
                new VerificationProgress(migration, VerificationState.RUNNING, null, 0, 0, 0, now, now, null, null);
        progress.put(migration, fresh);
        return fresh;
    }

    @Override
    public synchronized void checkpoint(
            String migration, String lastKey, long rowsChecked, long divergences, long inFlight, Instant now) {
        VerificationProgress p = progress.get(migration);
        if (p != null && p.state() == VerificationState.RUNNING) {
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
                            null));
        }
    }

    @Override
    public synchronized void complete(String migration, Instant now) {
        end(migration, VerificationState.COMPLETED, null, now);
    }

    @Override
    public synchronized void fail(String migration, String reason, Instant now) {
        end(migration, VerificationState.FAILED, reason, now);
    }

    private void end(String migration, VerificationState state, String failure, Instant now) {
        VerificationProgress p = progress.get(migration);
        if (p != null && p.state() == VerificationState.RUNNING) {
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
                            failure));
        }
    }
}
