package io.dualwrite.core.backfill;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A {@link BackfillStore} in this JVM's memory, for tests. Thread-safe. */
public final class InMemoryBackfillStore implements BackfillStore {

    private final Map<String, BackfillProgress> progress = new HashMap<>();

    @Override
    public synchronized Optional<BackfillProgress> find(String migration) {
        return Optional.ofNullable(progress.get(migration));
    }

    @Override
    public synchronized BackfillProgress startIfAbsent(
            String migration, @Nullable String upperKey, long rowsEstimated, Instant now) {
        return progress.computeIfAbsent(migration, m -> fresh(m, upperKey, rowsEstimated, now));
    }

    @Override
    public synchronized BackfillProgress restart(
            String migration, @Nullable String upperKey, long rowsEstimated, Instant now) {
        BackfillProgress fresh = fresh(migration, upperKey, rowsEstimated, now);
        progress.put(migration, fresh);
        return fresh;
    }

    @Override
    public synchronized boolean acquireLease(String migration, String owner, Instant now, Instant leaseUntil) {
        BackfillProgress p = progress.get(migration);
        if (p == null || p.state() != BackfillState.RUNNING) {
            return false;
        }
        boolean free = p.leaseOwner() == null
                || p.leaseOwner().equals(owner)
                || p.leaseUntil() == null
                || p.leaseUntil().isBefore(now);
        if (free) {
            progress.put(
                    migration,
                    with(
                            p,
                            p.state(),
                            p.lastKey(),
                            p.rowsCopied(),
                            p.rowsPerSecond(),
                            now,
                            null,
                            owner,
                            leaseUntil,
                            p.failure()));
        }
        return free;
    }

    @Override
    public synchronized boolean checkpoint(
            String migration,
            String owner,
            String lastKey,
            long rowsCopiedDelta,
            double rowsPerSecond,
            Instant now,
            Instant leaseUntil) {
        BackfillProgress p = held(migration, owner);
        if (p == null) {
            return false;
        }
        progress.put(
                migration,
                with(
                        p,
                        p.state(),
                        lastKey,
                        p.rowsCopied() + rowsCopiedDelta,
                        rowsPerSecond,
                        now,
                        null,
                        owner,
                        leaseUntil,
                        null));
        return true;
    }

    @Override
    public synchronized boolean complete(String migration, String owner, Instant now) {
        BackfillProgress p = held(migration, owner);
        if (p == null) {
            return false;
        }
        progress.put(
                migration,
                with(
                        p,
                        BackfillState.COMPLETED,
                        p.lastKey(),
                        p.rowsCopied(),
                        p.rowsPerSecond(),
                        now,
                        now,
                        null,
                        null,
                        null));
        return true;
    }

    @Override
    public synchronized boolean fail(String migration, String owner, String reason, Instant now) {
        BackfillProgress p = held(migration, owner);
        if (p == null) {
            return false;
        }
        progress.put(
                migration,
                with(p, BackfillState.FAILED, p.lastKey(), p.rowsCopied(), 0, now, null, null, null, reason));
        return true;
    }

    @Override
    public synchronized boolean changeState(String migration, Set<BackfillState> from, BackfillState to, Instant now) {
        BackfillProgress p = progress.get(migration);
        if (p == null || !from.contains(p.state())) {
            return false;
        }
        progress.put(
                migration,
                with(
                        p,
                        to,
                        p.lastKey(),
                        p.rowsCopied(),
                        0,
                        now,
                        p.completedAt(),
                        null,
                        null,
                        to == BackfillState.FAILED ? p.failure() : null));
        return true;
    }

    @Override
    public synchronized void releaseLease(String migration, String owner) {
        BackfillProgress p = held(migration, owner);
        if (p != null) {
            progress.put(
                    migration,
                    with(
                            p,
                            p.state(),
                            p.lastKey(),
                            p.rowsCopied(),
                            p.rowsPerSecond(),
                            p.updatedAt(),
                            p.completedAt(),
                            null,
                            null,
                            p.failure()));
        }
    }

    private @Nullable BackfillProgress held(String migration, String owner) {
        BackfillProgress p = progress.get(migration);
        return p != null && p.state() == BackfillState.RUNNING && Objects.equals(p.leaseOwner(), owner) ? p : null;
    }

    private static BackfillProgress fresh(String migration, @Nullable String upperKey, long estimated, Instant now) {
        return new BackfillProgress(
                migration, BackfillState.RUNNING, upperKey, null, 0, estimated, 0, now, now, null, null, null, null);
    }

    private static BackfillProgress with(
            BackfillProgress p,
            BackfillState state,
            @Nullable String lastKey,
            long rowsCopied,
            double rate,
            Instant now,
            @Nullable Instant completedAt,
            @Nullable String owner,
            @Nullable Instant leaseUntil,
            @Nullable String failure) {
        return new BackfillProgress(
                p.migration(),
                state,
                p.upperKey(),
                lastKey,
                rowsCopied,
                p.rowsEstimated(),
                rate,
                p.startedAt(),
                now,
                completedAt,
                owner,
                leaseUntil,
                failure);
    }
}
