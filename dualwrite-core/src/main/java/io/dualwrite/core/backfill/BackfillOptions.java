package io.dualwrite.core.backfill;

import java.time.Duration;
import java.util.Objects;

/**
 * How a backfill copies: chunk sizes and the time a chunk should hold its locks, the lock timeout, the maximum rate,
 * the lease, retries, and how often throttles are checked.
 * Immutable; start from {@link #defaults()} and derive others with {@link #from}.
 *
 * @param initialChunkSize rows in the first chunk
 * @param minChunkSize the smallest chunk the adaptive sizing goes down to
 * @param maxChunkSize the largest chunk the adaptive sizing goes up to
 * @param targetChunkTime the time one chunk should hold its shared locks on OLD rows (its transaction, from the
 *     locking read to the commit after NEW's insert); chunk sizes adapt towards it, and an application write to a
 *     row of the current chunk waits at most about this long
 * @param maxRowsPerSecond the copy rate limit, 0 for none
 * @param leaseDuration how long an instance holds the lease without a checkpoint before another may take over
 * @param maxRetries consecutive failed chunks before the backfill is marked FAILED
 * @param retryBackoff the first pause after a failed or slow chunk; it doubles up to {@code maxBackoff}
 * @param maxBackoff the longest pause
 * @param pollInterval how often an instance checks whether there is copying for it to do
 * @param lockTimeout how long the copy's transaction waits for a row lock an application transaction holds before
 *     it gives up, rolls back (releasing its own locks) and retries a smaller chunk after a back-off: the copy
 *     yields to the application, never the other way round (PostgreSQL {@code SET LOCAL lock_timeout}, MariaDB
 *     {@code innodb_lock_wait_timeout} in whole seconds, under a second meaning no wait at all)
 * @param throttleCheckInterval how long the copy waits before it asks a {@link BackfillThrottle} again while one
 *     holds it back
 * @param partitions how many key ranges the copy is split into when it starts (along OLD's own key order), each
 *     claimed through a lease of its own and checkpointed on its own, so that several threads and instances copy at
 *     once; 1 (the default) keeps one range and one copier for the whole migration
 * @param workers how many threads of each instance copy partitions at once (1 by default: an instance adds one
 *     copier, and its database sees one more transaction at a time per instance taking part)
 */
public record BackfillOptions(
        int initialChunkSize,
        int minChunkSize,
        int maxChunkSize,
        Duration targetChunkTime,
        int maxRowsPerSecond,
        Duration leaseDuration,
        int maxRetries,
        Duration retryBackoff,
        Duration maxBackoff,
        Duration pollInterval,
        Duration lockTimeout,
        Duration throttleCheckInterval,
        int partitions,
        int workers) {

    public static final int DEFAULT_INITIAL_CHUNK_SIZE = 1000;
    public static final int DEFAULT_MIN_CHUNK_SIZE = 50;
    public static final int DEFAULT_MAX_CHUNK_SIZE = 20_000;
    /**
     * 100 ms: well under the latency a user notices, and (docs/benchmarks.md, issue #16) enough to keep the copy's
     * rate within a small factor of what 500 ms chunks reach.
     */
    public static final Duration DEFAULT_TARGET_CHUNK_TIME = Duration.ofMillis(100);

    public static final int DEFAULT_MAX_ROWS_PER_SECOND = 0;
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RETRIES = 10;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMillis(50);
    public static final Duration DEFAULT_THROTTLE_CHECK_INTERVAL = Duration.ofMillis(500);
    public static final int DEFAULT_PARTITIONS = 1;
    public static final int DEFAULT_WORKERS = 1;
    /** The most partitions a backfill is split into. */
    public static final int MAX_PARTITIONS = 10_000;

    public BackfillOptions {
        requireAtLeast(1, minChunkSize, "minChunkSize");
        requireAtLeast(minChunkSize, maxChunkSize, "maxChunkSize (at least minChunkSize)");
        if (initialChunkSize < minChunkSize || initialChunkSize > maxChunkSize) {
            throw new IllegalArgumentException("initialChunkSize must be between minChunkSize " + minChunkSize
                    + " and maxChunkSize " + maxChunkSize + ", but was " + initialChunkSize);
        }
        requirePositive(targetChunkTime, "targetChunkTime");
        requireAtLeast(0, maxRowsPerSecond, "maxRowsPerSecond");
        requirePositive(leaseDuration, "leaseDuration");
        requireAtLeast(0, maxRetries, "maxRetries");
        requirePositive(retryBackoff, "retryBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        requirePositive(pollInterval, "pollInterval");
        requirePositive(lockTimeout, "lockTimeout");
        requirePositive(throttleCheckInterval, "throttleCheckInterval");
        requireAtLeast(1, partitions, "partitions");
        if (partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException(
                    "partitions must be at most " + MAX_PARTITIONS + ", but was " + partitions);
        }
        requireAtLeast(1, workers, "workers");
    }

    /** Options with one partition and one worker. */
    public BackfillOptions(
            int initialChunkSize,
            int minChunkSize,
            int maxChunkSize,
            Duration targetChunkTime,
            int maxRowsPerSecond,
            Duration leaseDuration,
            int maxRetries,
            Duration retryBackoff,
            Duration maxBackoff,
            Duration pollInterval,
            Duration lockTimeout,
            Duration throttleCheckInterval) {
        this(
                initialChunkSize,
                minChunkSize,
                maxChunkSize,
                targetChunkTime,
                maxRowsPerSecond,
                leaseDuration,
                maxRetries,
                retryBackoff,
                maxBackoff,
                pollInterval,
                lockTimeout,
                throttleCheckInterval,
                DEFAULT_PARTITIONS,
                DEFAULT_WORKERS);
    }

    /** Whether the copy is split into several partitions. */
    public boolean partitioned() {
        return partitions > 1;
    }

    /** Options with the default lock timeout and throttle check interval; {@link #from} is the preferred form. */
    public BackfillOptions(
            int initialChunkSize,
            int minChunkSize,
            int maxChunkSize,
            Duration targetChunkTime,
            int maxRowsPerSecond,
            Duration leaseDuration,
            int maxRetries,
            Duration retryBackoff,
            Duration maxBackoff,
            Duration pollInterval) {
        this(
                initialChunkSize,
                minChunkSize,
                maxChunkSize,
                targetChunkTime,
                maxRowsPerSecond,
                leaseDuration,
                maxRetries,
                retryBackoff,
                maxBackoff,
                pollInterval,
                DEFAULT_LOCK_TIMEOUT,
                DEFAULT_THROTTLE_CHECK_INTERVAL);
    }

    /**
     * The defaults: chunks of 1,000 rows adapting between 50 and 20,000 towards 100 ms of lock holding, a 50 ms lock
     * timeout, no rate limit.
     */
    public static BackfillOptions defaults() {
        return new BackfillOptions(
                DEFAULT_INITIAL_CHUNK_SIZE,
                DEFAULT_MIN_CHUNK_SIZE,
                DEFAULT_MAX_CHUNK_SIZE,
                DEFAULT_TARGET_CHUNK_TIME,
                DEFAULT_MAX_ROWS_PER_SECOND,
                DEFAULT_LEASE_DURATION,
                DEFAULT_MAX_RETRIES,
                DEFAULT_RETRY_BACKOFF,
                DEFAULT_MAX_BACKOFF,
                DEFAULT_POLL_INTERVAL,
                DEFAULT_LOCK_TIMEOUT,
                DEFAULT_THROTTLE_CHECK_INTERVAL);
    }

    /**
     * A builder starting from {@code base}'s values, the preferred way to derive options:
     * {@code BackfillOptions.from(BackfillOptions.defaults()).maxChunkSize(5_000).maxRowsPerSecond(1_000).build()}.
     */
    public static Builder from(BackfillOptions base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /** These options with other chunk sizes; {@link #from} is the preferred form. */
    public BackfillOptions withChunkSizes(int initial, int min, int max) {
        return from(this)
                .initialChunkSize(initial)
                .minChunkSize(min)
                .maxChunkSize(max)
                .build();
    }

    /** These options with another target chunk time; {@link #from} is the preferred form. */
    public BackfillOptions withTargetChunkTime(Duration target) {
        return from(this).targetChunkTime(target).build();
    }

    /** These options with another rate limit; {@link #from} is the preferred form. */
    public BackfillOptions withMaxRowsPerSecond(int rate) {
        return from(this).maxRowsPerSecond(rate).build();
    }

    /** These options with another lease duration; {@link #from} is the preferred form. */
    public BackfillOptions withLeaseDuration(Duration lease) {
        return from(this).leaseDuration(lease).build();
    }

    /** These options with other retries; {@link #from} is the preferred form. */
    public BackfillOptions withRetries(int retries, Duration backoff, Duration maxBackoff) {
        return from(this)
                .maxRetries(retries)
                .retryBackoff(backoff)
                .maxBackoff(maxBackoff)
                .build();
    }

    /** These options with another poll interval; {@link #from} is the preferred form. */
    public BackfillOptions withPollInterval(Duration poll) {
        return from(this).pollInterval(poll).build();
    }

    /**
     * Builds {@link BackfillOptions} from a base, one component at a time; {@link #build()} validates them together
     * (the record's constructor), so the order of the calls does not matter.
     */
    public static final class Builder {
        private int initialChunkSize;
        private int minChunkSize;
        private int maxChunkSize;
        private Duration targetChunkTime;
        private int maxRowsPerSecond;
        private Duration leaseDuration;
        private int maxRetries;
        private Duration retryBackoff;
        private Duration maxBackoff;
        private Duration pollInterval;
        private Duration lockTimeout;
        private Duration throttleCheckInterval;
        private int partitions;
        private int workers;

        private Builder(BackfillOptions base) {
            this.initialChunkSize = base.initialChunkSize;
            this.minChunkSize = base.minChunkSize;
            this.maxChunkSize = base.maxChunkSize;
            this.targetChunkTime = base.targetChunkTime;
            this.maxRowsPerSecond = base.maxRowsPerSecond;
            this.leaseDuration = base.leaseDuration;
            this.maxRetries = base.maxRetries;
            this.retryBackoff = base.retryBackoff;
            this.maxBackoff = base.maxBackoff;
            this.pollInterval = base.pollInterval;
            this.lockTimeout = base.lockTimeout;
            this.throttleCheckInterval = base.throttleCheckInterval;
            this.partitions = base.partitions;
            this.workers = base.workers;
        }

        /** See {@link BackfillOptions#initialChunkSize()}. */
        public Builder initialChunkSize(int value) {
            this.initialChunkSize = value;
            return this;
        }

        /** See {@link BackfillOptions#minChunkSize()}. */
        public Builder minChunkSize(int value) {
            this.minChunkSize = value;
            return this;
        }

        /** See {@link BackfillOptions#maxChunkSize()}. */
        public Builder maxChunkSize(int value) {
            this.maxChunkSize = value;
            return this;
        }

        /** See {@link BackfillOptions#targetChunkTime()}. */
        public Builder targetChunkTime(Duration value) {
            this.targetChunkTime = value;
            return this;
        }

        /** See {@link BackfillOptions#maxRowsPerSecond()}. */
        public Builder maxRowsPerSecond(int value) {
            this.maxRowsPerSecond = value;
            return this;
        }

        /** See {@link BackfillOptions#leaseDuration()}. */
        public Builder leaseDuration(Duration value) {
            this.leaseDuration = value;
            return this;
        }

        /** See {@link BackfillOptions#maxRetries()}. */
        public Builder maxRetries(int value) {
            this.maxRetries = value;
            return this;
        }

        /** See {@link BackfillOptions#retryBackoff()}. */
        public Builder retryBackoff(Duration value) {
            this.retryBackoff = value;
            return this;
        }

        /** See {@link BackfillOptions#maxBackoff()}. */
        public Builder maxBackoff(Duration value) {
            this.maxBackoff = value;
            return this;
        }

        /** See {@link BackfillOptions#pollInterval()}. */
        public Builder pollInterval(Duration value) {
            this.pollInterval = value;
            return this;
        }

        /** See {@link BackfillOptions#lockTimeout()}. */
        public Builder lockTimeout(Duration value) {
            this.lockTimeout = value;
            return this;
        }

        /** See {@link BackfillOptions#throttleCheckInterval()}. */
        public Builder throttleCheckInterval(Duration value) {
            this.throttleCheckInterval = value;
            return this;
        }

        /** See {@link BackfillOptions#partitions()}. */
        public Builder partitions(int value) {
            this.partitions = value;
            return this;
        }

        /** See {@link BackfillOptions#workers()}. */
        public Builder workers(int value) {
            this.workers = value;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the first component out of range
         */
        public BackfillOptions build() {
            return new BackfillOptions(
                    initialChunkSize,
                    minChunkSize,
                    maxChunkSize,
                    targetChunkTime,
                    maxRowsPerSecond,
                    leaseDuration,
                    maxRetries,
                    retryBackoff,
                    maxBackoff,
                    pollInterval,
                    lockTimeout,
                    throttleCheckInterval,
                    partitions,
                    workers);
        }
    }

    private static void requireAtLeast(int minimum, int value, String name) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", but was " + value);
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + value);
        }
    }
}
