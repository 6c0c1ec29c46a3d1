package io.dualwrite.core.backfill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A {@link BackfillStore} in this JVM's memory, for tests. Thread-safe. */
public final class InMemoryBackfillStore implements BackfillStore {

    private final Map<String, BackfillProgress> progress = new HashMap<>();
    private final Map<String, List<BackfillPartition>> partitions = new HashMap<>();

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
        partitions.remove(migration);
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

    @Override
    public synchronized boolean planPartitions(
            String migration, @Nullable String upperKey, List<BackfillPartition.Range> ranges, Instant now) {
        BackfillProgress p = progress.get(migration);
        if (p == null
                || p.state() != BackfillState.RUNNING
                || !Objects.equals(upperKey, p.upperKey())
                || ranges.isEmpty()
                || !Objects.equals(ranges.get(0).lowerKey(), p.lastKey())
                || partitions.containsKey(migration)) {
            return false;
        }
        List<BackfillPartition> plan = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            BackfillPartition.Range range = ranges.get(i);
            plan.add(new BackfillPartition(
                    migration, i, range.lowerKey(), range.upperKey(), null, false, 0, 0, now, null, null));
        }
        partitions.put(migration, plan);
        return true;
    }

    @Override
    public synchronized List<BackfillPartition> partitions(String migration) {
        return List.copyOf(partitions.getOrDefault(migration, List.of()));
    }

    @Override
    public synchronized Optional<BackfillPartition> claimPartition(
            String migration, String owner, Instant now, Instant leaseUntil) {
        BackfillProgress p = progress.get(migration);
        if (p == null || p.state() != BackfillState.RUNNING) {
            return Optional.empty();
        }
        for (BackfillPartition range : partitions.getOrDefault(migration, List.of())) {
            boolean free = range.leaseOwner() == null
                    || range.leaseOwner().equals(owner)
                    || range.leaseUntil() == null
                    || range.leaseUntil().isBefore(now);
            if (!range.completed() && free) {
                return Optional.of(
                        replace(range, range.lastKey(), false, range.rowsCopied(), 0, now, owner, leaseUntil));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized boolean checkpointPartition(
            String migration,
            int number,
            String owner,
            String lastKey,
            long rowsCopiedDelta,
            double rowsPerSecond,
            Instant now,
            Instant leaseUntil) {
        BackfillPartition range = heldPartition(migration, number, owner);
        if (range == null) {
            return false;
        }
        replace(range, lastKey, false, range.rowsCopied() + rowsCopiedDelta, rowsPerSecond, now, owner, leaseUntil);
        BackfillProgress p = progress.get(migration);
        progress.put(
                migration,
                with(
                        p,
                        p.state(),
                        p.lastKey(),
                        p.rowsCopied() + rowsCopiedDelta,
                        p.rowsPerSecond(),
                        now,
                        null,
                        p.leaseOwner(),
                        p.leaseUntil(),
                        null));
        return true;
    }

    @Override
    public synchronized boolean renewPartition(
            String migration, int number, String owner, Instant now, Instant leaseUntil) {
        BackfillPartition range = heldPartition(migration, number, owner);
        if (range == null) {
            return false;
        }
        replace(range, range.lastKey(), false, range.rowsCopied(), range.rowsPerSecond(), now, owner, leaseUntil);
        return true;
    }

    @Override
    public synchronized boolean completePartition(String migration, int number, String owner, Instant now) {
        BackfillPartition range = heldPartition(migration, number, owner);
        if (range == null) {
            return false;
        }
        replace(range, range.lastKey(), true, range.rowsCopied(), 0, now, null, null);
        return true;
    }

    @Override
    public synchronized void releasePartition(String migration, int number, String owner) {
        for (BackfillPartition range : partitions.getOrDefault(migration, List.of())) {
            if (range.number() == number && owner.equals(range.leaseOwner())) {
                replace(
                        range,
                        range.lastKey(),
                        range.completed(),
                        range.rowsCopied(),
                        0,
                        range.updatedAt(),
                        null,
                        null);
            }
        }
    }

    @Override
    public synchronized boolean completeIfAllPartitionsDone(String migration, Instant now) {
        BackfillProgress p = progress.get(migration);
        List<BackfillPartition> ranges = partitions.getOrDefault(migration, List.of());
        if (p == null
                || p.state() != BackfillState.RUNNING
                || ranges.isEmpty()
                || !ranges.stream().allMatch(BackfillPartition::completed)) {
            return false;
        }
        progress.put(
                migration,
                with(p, BackfillState.COMPLETED, p.lastKey(), p.rowsCopied(), 0, now, now, null, null, null));
        return true;
    }

    @Override
    public synchronized boolean failRunning(String migration, String reason, Instant now) {
        BackfillProgress p = progress.get(migration);
        if (p == null || p.state() != BackfillState.RUNNING) {
            return false;
        }
        progress.put(
                migration,
                with(p, BackfillState.FAILED, p.lastKey(), p.rowsCopied(), 0, now, null, null, null, reason));
        return true;
    }

    private @Nullable BackfillPartition heldPartition(String migration, int number, String owner) {
        BackfillProgress p = progress.get(migration);
        if (p == null || p.state() != BackfillState.RUNNING) {
            return null;
        }
        for (BackfillPartition range : partitions.getOrDefault(migration, List.of())) {
            if (range.number() == number && !range.completed() && owner.equals(range.leaseOwner())) {
                return range;
            }
        }
        return null;
    }

    private BackfillPartition replace(
            BackfillPartition range,
            @Nullable String lastKey,
            boolean completed,
            long rowsCopied,
            double rate,
            Instant now,
            @Nullable String owner,
            @Nullable Instant leaseUntil) {
        BackfillPartition changed = new BackfillPartition(
                range.migration(),
                range.number(),
                range.lowerKey(),
                range.upperKey(),
                lastKey,
                completed,
                rowsCopied,
                rate,
                now,
                owner,
                leaseUntil);
        partitions.get(range.migration()).set(range.number(), changed);
        return changed;
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
