package io.dualwrite.core.backfill;

import io.dualwrite.core.backfill.Backfill.Outcome;
import io.dualwrite.core.backfill.Backfill.RangeEnd;
import io.dualwrite.core.internal.DaemonThreads;
import io.dualwrite.core.store.KeyCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's share of a partitioned backfill: its workers claim key ranges through their leases in the
 * {@link BackfillStore}, each copying its range with the same race-safe chunks as an unpartitioned copy and
 * checkpointing it on its own, until no range is left to claim. The last worker to find every range completed
 * completes the backfill. A worker that dies leaves its range to whoever claims it after its lease expired, from its
 * checkpoint.
 */
final class PartitionedCopy<K, O, N> {

    private static final Logger log = LoggerFactory.getLogger(PartitionedCopy.class);

    private final Backfill<K, O, N> backfill;
    private final BackfillStore store;
    private final BackfillOptions options;
    private final String instanceId;
    private final Clock clock;
    private final String name;

    PartitionedCopy(
            Backfill<K, O, N> backfill, BackfillStore store, BackfillOptions options, String instanceId, Clock clock) {
        this.backfill = backfill;
        this.store = store;
        this.options = options;
        this.instanceId = instanceId;
        this.clock = clock;
        this.name = backfill.migration().name();
    }

    Outcome run(BackfillProgress progress, BooleanSupplier mayContinue) {
        List<BackfillPartition> plan = plan(progress);
        if (plan.isEmpty()) {
            return Outcome.NOT_RUNNING;
        }
        long pending = plan.stream().filter(p -> !p.completed()).count();
        if (pending == 0) {
            return finish();
        }
        int threads = (int) Math.min(options.workers(), pending);
        if (threads == 1) {
            return work(instanceId, mayContinue);
        }
        ExecutorService pool =
                Executors.newFixedThreadPool(threads, DaemonThreads.named("dualwrite-copy-" + name + "-"));
        try {
            List<Future<Outcome>> workers = new ArrayList<>();
            for (int i = 1; i <= threads; i++) {
                String owner = instanceId + "#" + i;
                workers.add(pool.submit(() -> work(owner, mayContinue)));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> worker : workers) {
                try {
                    outcomes.add(worker.get());
                } catch (ExecutionException e) {
                    log.warn("Backfill of '{}': a copy worker on {} failed", name, instanceId, e.getCause());
                    outcomes.add(Outcome.INTERRUPTED);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    pool.shutdownNow();
                    return Outcome.INTERRUPTED;
                }
            }
            return combine(outcomes);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The stored plan, made now (by sampling OLD's keys) if none is stored yet. */
    private List<BackfillPartition> plan(BackfillProgress progress) {
        List<BackfillPartition> stored = store.partitions(name);
        if (!stored.isEmpty()) {
            return stored;
        }
        KeyCodec<K> codec = backfill.migration().keyCodec();
        K upper = codec.decode(progress.upperKey());
        K lower = progress.lastKey() == null ? null : codec.decode(progress.lastKey());
        long started = System.nanoTime();
        List<BackfillPartition.Range> ranges = KeyRanges.split(
                backfill.migration().oldStore(),
                codec,
                lower,
                upper,
                Math.max(0, progress.rowsEstimated() - progress.rowsCopied()),
                options.partitions());
        if (store.planPartitions(name, progress.upperKey(), ranges, clock.instant())) {
            log.info(
                    "Backfill of '{}' split into {} partitions after key {} in {} ms",
                    name,
                    ranges.size(),
                    lower,
                    (System.nanoTime() - started) / 1_000_000);
        }
        return store.partitions(name);
    }

    /** One worker: claims ranges and copies them until none is left to claim. */
    private Outcome work(String owner, BooleanSupplier mayContinue) {
        KeyCodec<K> codec = backfill.migration().keyCodec();
        while (mayContinue.getAsBoolean()) {
            Optional<BackfillPartition> claimed =
                    store.claimPartition(name, owner, clock.instant(), backfill.leaseUntil());
            if (claimed.isEmpty()) {
                return finish();
            }
            BackfillPartition range = claimed.get();
            shareRateLimit();
            log.debug(
                    "Backfill of '{}': {} copies partition {} after key {}",
                    name,
                    owner,
                    range.number(),
                    range.resumeAfter());
            @Nullable K after = range.resumeAfter() == null ? null : codec.decode(range.resumeAfter());
            K upper = codec.decode(range.upperKey());
            RangeEnd end = backfill.copyRange(new PartitionLease(range.number(), owner), after, upper, 0, mayContinue);
            switch (end) {
                case DONE -> store.completePartition(name, range.number(), owner, clock.instant());
                case STOPPED, FAILED -> {
                    store.releasePartition(name, range.number(), owner);
                    return end == RangeEnd.FAILED ? Outcome.FAILED : Outcome.STOPPED;
                }
                case INTERRUPTED -> {
                    return Outcome.INTERRUPTED;
                }
            }
        }
        return Outcome.INTERRUPTED;
    }

    private static final long SHARE_REFRESH_NANOS = 5_000_000_000L;
    private volatile long sharedAt;

    /** Divides the rate limit by the instances holding ranges now (asked at most every 5 seconds). */
    private void shareRateLimit() {
        if (options.maxRowsPerSecond() <= 0) {
            return;
        }
        sharedAt = System.nanoTime();
        java.time.Instant now = clock.instant();
        long instances = store.partitions(name).stream()
                .filter(range -> !range.completed() && range.leasedAt(now))
                .map(range -> instanceOf(range.leaseOwner()))
                .distinct()
                .count();
        backfill.shareRateLimit((int) Math.max(1, instances));
    }

    private static String instanceOf(@Nullable String owner) {
        if (owner == null) {
            return "";
        }
        int worker = owner.lastIndexOf('#');
        return worker < 0 ? owner : owner.substring(0, worker);
    }

    /** No range left to claim: completes the backfill if every range is completed, else others still copy. */
    private Outcome finish() {
        if (store.completeIfAllPartitionsDone(name, clock.instant())) {
            log.info(
                    "Backfill of '{}' completed (all {} partitions)",
                    name,
                    store.partitions(name).size());
            return Outcome.COMPLETED;
        }
        BackfillState state = store.find(name).map(BackfillProgress::state).orElse(BackfillState.IDLE);
        return switch (state) {
            case COMPLETED -> Outcome.COMPLETED;
            case RUNNING -> Outcome.LEASE_HELD_ELSEWHERE;
            default -> Outcome.NOT_RUNNING;
        };
    }

    private static Outcome combine(List<Outcome> outcomes) {
        for (Outcome first :
                List.of(Outcome.FAILED, Outcome.COMPLETED, Outcome.STOPPED, Outcome.INTERRUPTED, Outcome.NOT_RUNNING)) {
            if (outcomes.contains(first)) {
                return first;
            }
        }
        return Outcome.LEASE_HELD_ELSEWHERE;
    }

    private final class PartitionLease implements Backfill.RangeLease {
        private final int number;
        private final String owner;

        PartitionLease(int number, String owner) {
            this.number = number;
            this.owner = owner;
        }

        @Override
        public boolean renew() {
            return store.renewPartition(name, number, owner, clock.instant(), backfill.leaseUntil());
        }

        @Override
        public boolean checkpoint(String lastKey, int rows, double rowsPerSecond) {
            if (System.nanoTime() - sharedAt > SHARE_REFRESH_NANOS) {
                shareRateLimit();
            }
            return store.checkpointPartition(
                    name, number, owner, lastKey, rows, rowsPerSecond, clock.instant(), backfill.leaseUntil());
        }

        @Override
        public void fail(String reason) {
            store.failRunning(name, "partition " + number + ": " + reason, clock.instant());
        }

        @Override
        public void release() {
            store.releasePartition(name, number, owner);
        }
    }
}
