package io.dualwrite.core.backfill;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.ChunkSizer;
import io.dualwrite.core.internal.RowRateLimiter;
import io.dualwrite.core.store.KeyCodec;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a migration's rows from OLD to NEW while live dual writes go on, in key-ordered chunks up to the
 * greatest OLD key at the start.
 *
 * <p>Each chunk is one transaction on the OLD database that holds shared locks on the chunk's OLD rows while the
 * mapped rows are inserted into NEW where absent, and that commits only after the NEW insert committed. A live
 * write, which writes OLD first, therefore either completes before the chunk reads its row (and the chunk then
 * copies the new value or, for a delete, nothing, and never overwrites what the write put in NEW), or waits until
 * the chunk committed (and then overwrites or deletes the copied row). See {@code docs/backfill.md}.
 *
 * <p>Progress is checkpointed in a {@link BackfillStore} after every chunk; a restarted instance resumes after the
 * last checkpoint, and replaying a chunk is harmless. A lease in the store makes one instance copy at a time; a
 * dead holder's lease expires and another instance takes over.
 *
 * <p>The copy yields to the application: chunks are sized to hold their locks for about
 * {@link BackfillOptions#targetChunkTime()}, a chunk that would wait longer than
 * {@link BackfillOptions#lockTimeout()} for an application's row lock rolls back and is retried smaller after a
 * back-off, and {@link BackfillThrottle}s (the application's latency, replica lag) hold the copy back between chunks.
 * Whatever holds it back is shown as a {@link Throttle} in {@link #progress()}.
 */
public final class Backfill<K, O, N> {

    private static final Logger log = LoggerFactory.getLogger(Backfill.class);
    private static final double RATE_SMOOTHING = 0.3;

    private final Migration<K, O, N> migration;
    private final BackfillStore store;
    private final BackfillOptions options;
    private final String instanceId;
    private final Clock clock;
    private final @Nullable RateLimiter rateLimiter;
    private final Supplier<@Nullable ChunkCopier<K>> inDatabase;
    private volatile ChunkCopier<K> copier;
    private final List<BackfillThrottle> throttles = new CopyOnWriteArrayList<>();
    private final Map<ThrottleReason, AtomicLong> throttleCounts = new EnumMap<>(ThrottleReason.class);
    private volatile @Nullable Throttle throttle;

    /** A backfill that maps every row in Java. */
    public Backfill(
            Migration<K, O, N> migration,
            BackfillStore store,
            BackfillOptions options,
            String instanceId,
            Clock clock) {
        this(migration, store, options, instanceId, clock, () -> null);
    }

    /**
     * A backfill that copies with what {@code inDatabase} supplies, when it supplies one (a copier that runs the
     * migration's SQL mapping in its database), else maps rows in Java. Asked on the first chunk, not before: the
     * copier may need to look at its database.
     */
    public Backfill(
            Migration<K, O, N> migration,
            BackfillStore store,
            BackfillOptions options,
            String instanceId,
            Clock clock,
            Supplier<@Nullable ChunkCopier<K>> inDatabase) {
        this.inDatabase = Objects.requireNonNull(inDatabase, "inDatabase");
        this.migration = Objects.requireNonNull(migration, "migration");
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rateLimiter =
                RowRateLimiter.perSecond("dualwrite-backfill-" + migration.name(), options.maxRowsPerSecond());
        for (ThrottleReason reason : ThrottleReason.values()) {
            throttleCounts.put(reason, new AtomicLong());
        }
    }

    /** Adds a throttle, asked before every chunk from now on. */
    public Backfill<K, O, N> addThrottle(BackfillThrottle throttle) {
        throttles.add(Objects.requireNonNull(throttle, "throttle"));
        return this;
    }

    /** What holds this instance's copy back now, if anything. */
    public Optional<Throttle> throttle() {
        return Optional.ofNullable(throttle);
    }

    /** How many times this instance's copy was held back for {@code reason} since it started. */
    public long throttleCount(ThrottleReason reason) {
        return throttleCounts.get(reason).get();
    }

    /** Why {@link #run} returned. */
    public enum Outcome {
        /** Every row up to the upper key is copied. */
        COMPLETED,
        /** The backfill is not RUNNING (idle, paused, failed, cancelled or completed). */
        NOT_RUNNING,
        /** Another instance holds the lease. */
        LEASE_HELD_ELSEWHERE,
        /** This instance lost the lease, or an operator stopped the backfill, while it copied. */
        STOPPED,
        /** Chunks failed more than the allowed number of times in a row; the backfill is now FAILED. */
        FAILED,
        /** The caller asked it to stop; it may resume later from its checkpoint. */
        INTERRUPTED
    }

    public Migration<K, O, N> migration() {
        return migration;
    }

    /** How this backfill copies. */
    public BackfillOptions options() {
        return options;
    }

    /**
     * Starts the backfill unless it was started before: fixes the upper key (the greatest OLD key now) and the row
     * estimate. Call it only once every instance writes both sides.
     */
    public BackfillProgress start() {
        return store.find(migration.name()).orElseGet(() -> {
            Bounds bounds = bounds();
            log.info(
                    "Backfill of '{}' starts: keys up to {}, about {} rows",
                    migration.name(),
                    bounds.upperKey(),
                    bounds.estimate());
            return store.startIfAbsent(migration.name(), bounds.upperKey(), bounds.estimate(), clock.instant());
        });
    }

    /** Starts the backfill afresh, whatever its state: a new upper key, no checkpoint. */
    public BackfillProgress restart() {
        Bounds bounds = bounds();
        log.info("Backfill of '{}' restarts: keys up to {}", migration.name(), bounds.upperKey());
        return store.restart(migration.name(), bounds.upperKey(), bounds.estimate(), clock.instant());
    }

    /** Pauses a running backfill; the instance copying stops after its current chunk. */
    public boolean pause() {
        return store.changeState(
                migration.name(), EnumSet.of(BackfillState.RUNNING), BackfillState.PAUSED, clock.instant());
    }

    /** Resumes a paused or failed backfill from its checkpoint. */
    public boolean resume() {
        return store.changeState(
                migration.name(),
                EnumSet.of(BackfillState.PAUSED, BackfillState.FAILED),
                BackfillState.RUNNING,
                clock.instant());
    }

    /** Cancels the backfill for good; {@link #restart()} starts it afresh. */
    public boolean cancel() {
        return store.changeState(
                migration.name(),
                EnumSet.of(BackfillState.RUNNING, BackfillState.PAUSED, BackfillState.FAILED),
                BackfillState.CANCELLED,
                clock.instant());
    }

    /**
     * Marks the copy stale, whatever its state: after a rollback to OLD_ONLY the new side stopped being written, so
     * the next BACKFILL must copy afresh (new upper key, no checkpoint) rather than trust an earlier completion.
     */
    public boolean markStale() {
        return store.changeState(
                migration.name(),
                EnumSet.of(BackfillState.RUNNING, BackfillState.PAUSED, BackfillState.FAILED, BackfillState.COMPLETED),
                BackfillState.CANCELLED,
                clock.instant());
    }

    /**
     * The durable progress, as every instance sees it, with what holds the copy back when this instance is the one
     * copying (throttles are not stored: another instance shows none).
     */
    public BackfillProgress progress() {
        BackfillProgress progress =
                store.find(migration.name()).orElseGet(() -> BackfillProgress.idle(migration.name(), clock.instant()));
        Throttle current = throttle;
        if (options.partitioned()) {
            List<BackfillPartition> ranges = store.partitions(migration.name());
            if (!ranges.isEmpty()) {
                Instant now = clock.instant();
                List<BackfillPartition> copying = ranges.stream()
                        .filter(range -> !range.completed() && range.leasedAt(now))
                        .toList();
                String owners = copying.isEmpty()
                        ? null
                        : copying.stream()
                                .map(BackfillPartition::leaseOwner)
                                .distinct()
                                .sorted()
                                .collect(java.util.stream.Collectors.joining(", "));
                boolean mine = copying.stream().anyMatch(range -> isMine(range.leaseOwner()));
                progress = progress.withPartitions(
                        new BackfillProgress.Partitions(
                                ranges.size(),
                                (int) ranges.stream()
                                        .filter(BackfillPartition::completed)
                                        .count(),
                                copying.size()),
                        progress.state() == BackfillState.RUNNING
                                ? copying.stream()
                                        .mapToDouble(BackfillPartition::rowsPerSecond)
                                        .sum()
                                : 0,
                        owners);
                return current != null && progress.state() == BackfillState.RUNNING && mine
                        ? progress.withThrottle(current)
                        : progress;
            }
        }
        return current != null && progress.state() == BackfillState.RUNNING && instanceId.equals(progress.leaseOwner())
                ? progress.withThrottle(current)
                : progress;
    }

    /**
     * Shares the rate limit with the other instances copying a partitioned backfill: this instance's workers
     * together copy at most {@link BackfillOptions#maxRowsPerSecond()} divided by the instances copying.
     */
    void shareRateLimit(int instancesCopying) {
        if (rateLimiter != null) {
            int share = Math.max(1, options.maxRowsPerSecond() / Math.max(1, instancesCopying));
            if (rateLimiter.getRateLimiterConfig().getLimitForPeriod() != share) {
                rateLimiter.changeLimitForPeriod(share);
                log.info(
                        "Backfill of '{}': {} instances copy; this one's share of the rate limit is {} rows/s",
                        migration.name(),
                        instancesCopying,
                        share);
            }
        }
    }

    /** Whether a lease owner is this instance or one of its copy workers. */
    private boolean isMine(@Nullable String owner) {
        return owner != null && (owner.equals(instanceId) || owner.startsWith(instanceId + "#"));
    }

    /**
     * Copies chunks, if the backfill is RUNNING and this instance gets the lease (of the whole, or of partitions on
     * {@link BackfillOptions#workers()} threads when {@link BackfillOptions#partitioned()}), until it is done,
     * stopped, or {@code mayContinue} says no.
     */
    public Outcome run(BooleanSupplier mayContinue) {
        BackfillProgress progress = store.find(migration.name()).orElse(null);
        if (progress == null || progress.state() != BackfillState.RUNNING) {
            return Outcome.NOT_RUNNING;
        }
        if (options.partitioned() && progress.upperKey() != null) {
            return new PartitionedCopy<>(this, store, options, instanceId, clock).run(progress, mayContinue);
        }
        if (!store.acquireLease(migration.name(), instanceId, clock.instant(), leaseUntil())) {
            return Outcome.LEASE_HELD_ELSEWHERE;
        }
        // Read again under the lease: the checkpoint may have moved since the first read.
        progress = store.find(migration.name()).orElseThrow();
        KeyCodec<K> codec = migration.keyCodec();
        K upper = progress.upperKey() == null ? null : codec.decode(progress.upperKey());
        K last = progress.lastKey() == null ? null : codec.decode(progress.lastKey());
        if (upper == null) {
            store.complete(migration.name(), instanceId, clock.instant());
            return Outcome.COMPLETED;
        }
        log.info("Backfill of '{}' copying on {} after key {}", migration.name(), instanceId, last);
        RangeEnd end = copyRange(new WholeLease(), last, upper, progress.rowsPerSecond(), mayContinue);
        return switch (end) {
            case DONE -> {
                store.complete(migration.name(), instanceId, clock.instant());
                log.info("Backfill of '{}' completed", migration.name());
                yield Outcome.COMPLETED;
            }
            case STOPPED -> Outcome.STOPPED;
            case FAILED -> Outcome.FAILED;
            case INTERRUPTED -> Outcome.INTERRUPTED;
        };
    }

    /** How the copy of one key range ended. */
    enum RangeEnd {
        /** Every row of the range is copied. */
        DONE,
        /** The lease was lost or the backfill stopped running. */
        STOPPED,
        /** Chunks failed too often; the backfill is marked FAILED. */
        FAILED,
        /** The caller asked to stop; the lease is released. */
        INTERRUPTED
    }

    /** The lease a key range is copied under: of the whole backfill, or of one of its partitions. */
    interface RangeLease {
        /** Extends the lease; false when it is lost or the backfill stopped running. */
        boolean renew();

        /** Records a copied chunk and extends the lease; false when the copier must stop. */
        boolean checkpoint(String lastKey, int rows, double rowsPerSecond);

        /** Marks the backfill FAILED with the reason. */
        void fail(String reason);

        /** Frees the lease. */
        void release();
    }

    private final class WholeLease implements RangeLease {
        @Override
        public boolean renew() {
            return store.acquireLease(migration.name(), instanceId, clock.instant(), leaseUntil());
        }

        @Override
        public boolean checkpoint(String lastKey, int rows, double rowsPerSecond) {
            return store.checkpoint(
                    migration.name(), instanceId, lastKey, rows, rowsPerSecond, clock.instant(), leaseUntil());
        }

        @Override
        public void fail(String reason) {
            store.fail(migration.name(), instanceId, reason, clock.instant());
        }

        @Override
        public void release() {
            store.releaseLease(migration.name(), instanceId);
        }
    }

    /**
     * Copies the keys in ({@code last}, {@code upper}] chunk by chunk under {@code lease}: throttles asked before
     * every chunk, lock waits yielded to, failures retried with a back-off up to the allowed number, every chunk
     * checkpointed. Safe to run on several threads at once for disjoint ranges.
     */
    RangeEnd copyRange(RangeLease lease, @Nullable K last, K upper, double initialRate, BooleanSupplier mayContinue) {
        KeyCodec<K> codec = migration.keyCodec();
        ChunkSizer sizer = new ChunkSizer(
                options.initialChunkSize(), options.minChunkSize(), effectiveMaxChunk(), options.targetChunkTime());
        double rate = initialRate;
        int failures = 0;
        int lockWaits = 0;
        try {
            while (mayContinue.getAsBoolean()) {
                switch (awaitThrottles(mayContinue, lease)) {
                    case STOPPED -> {
                        return RangeEnd.STOPPED;
                    }
                    case INTERRUPTED -> {
                        lease.release();
                        return RangeEnd.INTERRUPTED;
                    }
                    case GO -> {}
                }
                int size = Math.min(sizer.next(), effectiveMaxChunk());
                if (rateLimiter != null && !rateLimiter.acquirePermission(size)) {
                    continue;
                }
                long started = System.nanoTime();
                ChunkCopier.Chunk<K> chunk;
                try {
                    chunk = copyChunk(last, upper, size);
                    failures = 0;
                    lockWaits = 0;
                    clearThrottle(ThrottleReason.LOCK_CONTENTION);
                } catch (RuntimeException e) {
                    if (migration.oldStore().transactions().isLockTimeout(e)) {
                        // The copy yields: it gave up waiting for an application's lock and released its own. Not a
                        // failure: it backs off and retries a smaller chunk, as long as the application holds the lock.
                        lockWaits++;
                        sizer.shrink();
                        throttled(
                                ThrottleReason.LOCK_CONTENTION,
                                "chunk after key " + last + " waited more than "
                                        + options.lockTimeout().toMillis() + " ms for a row lock (" + lockWaits
                                        + " in a row)");
                        log.debug("Backfill of '{}': chunk after key {} yielded to a row lock", migration.name(), last);
                        if (!pause(backoff(lockWaits))) {
                            break;
                        }
                        // Held back by an application's lock, possibly for long: the lease is renewed at every
                        // retry (or another instance would take over while this one still copies), and a pause or
                        // cancel meanwhile stops the copy.
                        if (!lease.renew()) {
                            log.info(
                                    "Backfill of '{}' on {} stops while yielding to row locks: lease lost or backfill"
                                            + " no longer running",
                                    migration.name(),
                                    instanceId);
                            return RangeEnd.STOPPED;
                        }
                        continue;
                    }
                    failures++;
                    sizer.shrink();
                    if (failures > options.maxRetries()) {
                        log.error(
                                "Backfill of '{}' failed after {} attempts at key {}",
                                migration.name(),
                                failures,
                                last,
                                e);
                        lease.fail("chunk after key " + last + " failed " + failures + " times; last error: " + e);
                        return RangeEnd.FAILED;
                    }
                    log.warn(
                            "Backfill of '{}': chunk after key {} failed (attempt {} of {}), backing off: {}",
                            migration.name(),
                            last,
                            failures,
                            options.maxRetries() + 1,
                            e.toString());
                    if (!pause(backoff(failures))) {
                        break;
                    }
                    continue;
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                if (chunk.rows() == 0) {
                    return RangeEnd.DONE;
                }
                sizer.record(chunk.rows(), elapsed);
                double chunkRate = chunk.rows() / Math.max(1e-9, elapsed.toNanos() / 1e9);
                rate = rate <= 0 ? chunkRate : RATE_SMOOTHING * chunkRate + (1 - RATE_SMOOTHING) * rate;
                if (rateLimiter != null) {
                    rate = Math.min(rate, options.maxRowsPerSecond());
                }
                last = chunk.lastKey();
                if (!lease.checkpoint(codec.encode(last), chunk.rows(), rate)) {
                    log.info(
                            "Backfill of '{}' on {} stops: lease lost or backfill no longer running",
                            migration.name(),
                            instanceId);
                    return RangeEnd.STOPPED;
                }
                if (chunk.exhausted()) {
                    return RangeEnd.DONE;
                }
                if (elapsed.compareTo(options.targetChunkTime().multipliedBy(4)) > 0) {
                    log.info(
                            "Backfill of '{}': a chunk took {} ms (target {} ms); backing off",
                            migration.name(),
                            elapsed.toMillis(),
                            options.targetChunkTime().toMillis());
                    sizer.shrink();
                    throttled(
                            ThrottleReason.SLOW_CHUNK,
                            "a chunk held its locks " + elapsed.toMillis() + " ms, over 4 times the target "
                                    + options.targetChunkTime().toMillis() + " ms");
                    if (!pause(options.retryBackoff())) {
                        break;
                    }
                }
                clearThrottle(ThrottleReason.SLOW_CHUNK);
            }
        } finally {
            throttle = null;
        }
        lease.release();
        return RangeEnd.INTERRUPTED;
    }

    /**
     * Copies one chunk of up to {@code size} keys in ({@code after}, {@code upper}] race-safely: in a transaction of
     * OLD's database that holds shared locks on the chunk's OLD rows until NEW's insert committed, its lock waits
     * limited to {@link BackfillOptions#lockTimeout()}. The unit a partitioned or batch copy is made of; it neither
     * checkpoints nor takes a lease.
     */
    public ChunkCopier.Chunk<K> copyChunk(@Nullable K after, K upper, int size) {
        io.dualwrite.core.store.Transactions transactions = migration.oldStore().transactions();
        return transactions.inTransaction(
                () -> transactions.withLockTimeout(options.lockTimeout(), () -> copier().copy(after, upper, size)));
    }

    private enum Wait {
        GO,
        STOPPED,
        INTERRUPTED
    }

    /**
     * Waits while a throttle holds the copy back, asking again every throttle check interval and extending the
     * lease meanwhile; STOPPED when the lease is lost or the backfill stopped running.
     */
    private Wait awaitThrottles(BooleanSupplier mayContinue, RangeLease lease) {
        while (true) {
            BackfillThrottle holding = null;
            String detail = null;
            for (BackfillThrottle candidate : throttles) {
                Optional<String> answer;
                try {
                    answer = candidate.check();
                } catch (RuntimeException e) {
                    log.warn("Backfill of '{}': throttle {} failed; ignoring it", migration.name(), candidate, e);
                    answer = Optional.empty();
                }
                if (answer.isPresent()) {
                    holding = candidate;
                    detail = answer.get();
                    break;
                }
            }
            Throttle current = throttle;
            if (holding == null) {
                if (current != null && isBetweenChunksReason(current.reason())) {
                    log.info(
                            "Backfill of '{}' resumes after being throttled for {} ms: {}",
                            migration.name(),
                            Duration.between(current.since(), clock.instant()).toMillis(),
                            current.detail());
                    throttle = null;
                }
                return Wait.GO;
            }
            if (current == null || current.reason() != holding.reason()) {
                log.info("Backfill of '{}' throttled ({}): {}", migration.name(), holding.reason(), detail);
            }
            throttled(holding.reason(), detail);
            if (!mayContinue.getAsBoolean() || !pause(options.throttleCheckInterval())) {
                return Wait.INTERRUPTED;
            }
            if (!lease.renew()) {
                log.info(
                        "Backfill of '{}' on {} stops while throttled: lease lost or backfill no longer running",
                        migration.name(),
                        instanceId);
                return Wait.STOPPED;
            }
        }
    }

    private static boolean isBetweenChunksReason(ThrottleReason reason) {
        return reason == ThrottleReason.APPLICATION_LATENCY || reason == ThrottleReason.REPLICA_LAG;
    }

    /** Records that {@code reason} holds the copy back; a new episode when the reason changes. */
    private void throttled(ThrottleReason reason, String detail) {
        Throttle current = throttle;
        if (current == null || current.reason() != reason) {
            throttleCounts.get(reason).incrementAndGet();
            throttle = new Throttle(reason, detail, clock.instant());
        } else {
            throttle = new Throttle(reason, detail, current.since());
        }
    }

    private void clearThrottle(ThrottleReason reason) {
        Throttle current = throttle;
        if (current != null && current.reason() == reason) {
            throttle = null;
        }
    }

    /** Whether chunks are copied inside the database (the migration's SQL mapping), not mapped in Java. */
    public boolean copiesInTheDatabase() {
        return !(copier() instanceof JavaChunkCopier<?, ?, ?>);
    }

    private ChunkCopier<K> copier() {
        ChunkCopier<K> chosen = copier;
        if (chosen == null) {
            ChunkCopier<K> supplied = inDatabase.get();
            chosen = supplied != null ? supplied : new JavaChunkCopier<>(migration);
            copier = chosen;
        }
        return chosen;
    }

    private record Bounds(@Nullable String upperKey, long estimate) {}

    private Bounds bounds() {
        K upper = migration.oldStore().maxKey().orElse(null);
        return new Bounds(
                upper == null ? null : migration.keyCodec().encode(upper),
                upper == null ? 0 : migration.oldStore().estimateSize());
    }

    private int effectiveMaxChunk() {
        return options.maxRowsPerSecond() > 0
                ? Math.max(options.minChunkSize(), Math.min(options.maxChunkSize(), options.maxRowsPerSecond()))
                : options.maxChunkSize();
    }

    Instant leaseUntil() {
        return clock.instant().plus(options.leaseDuration());
    }

    private Duration backoff(int failures) {
        Duration backoff = options.retryBackoff().multipliedBy(1L << Math.min(20, failures - 1));
        return backoff.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : backoff;
    }

    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
