package io.dualwrite.core.backfill;

import java.time.Duration;

/**
 * How a backfill copies: chunk sizes and the time a chunk should take, the maximum rate, the lease, and retries.
 * Immutable; start from {@link #defaults()}.
 *
 * @param initialChunkSize rows in the first chunk
 * @param minChunkSize the smallest chunk the adaptive sizing goes down to
 * @param maxChunkSize the largest chunk the adaptive sizing goes up to
 * @param targetChunkTime the time one chunk (its locks and transaction) should take; chunk sizes adapt towards it
 * @param maxRowsPerSecond the copy rate limit, 0 for none
 * @param leaseDuration how long an instance holds the lease without a checkpoint before another may take over
 * @param maxRetries consecutive failed chunks before the backfill is marked FAILED
 * @param retryBackoff the first pause after a failed or slow chunk; it doubles up to {@code maxBackoff}
 * @param maxBackoff the longest pause
 * @param pollInterval how often an instance checks whether there is copying for it to do
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
        Duration pollInterval) {

    public static final int DEFAULT_INITIAL_CHUNK_SIZE = 1000;
    public static final int DEFAULT_MIN_CHUNK_SIZE = 50;
    public static final int DEFAULT_MAX_CHUNK_SIZE = 20_000;
    public static final Duration DEFAULT_TARGET_CHUNK_TIME = Duration.ofMillis(500);
    public static final int DEFAULT_MAX_ROWS_PER_SECOND = 0;
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_RETRIES = 10;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

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
    }

    /** The defaults: chunks of 1,000 rows adapting between 50 and 20,000 towards 500 ms, no rate limit. */
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
                DEFAULT_POLL_INTERVAL);
    }

    public BackfillOptions withChunkSizes(int initial, int min, int max) {
        return new BackfillOptions(
                initial,
                min,
                max,
                targetChunkTime,
                maxRowsPerSecond,
                leaseDuration,
                maxRetries,
                retryBackoff,
                maxBackoff,
                pollInterval);
    }

    public BackfillOptions withTargetChunkTime(Duration target) {
        return new BackfillOptions(
                initialChunkSize,
                minChunkSize,
                maxChunkSize,
                target,
                maxRowsPerSecond,
                leaseDuration,
                maxRetries,
                retryBackoff,
                maxBackoff,
                pollInterval);
    }

    public BackfillOptions withMaxRowsPerSecond(int rate) {
        return new BackfillOptions(
                initialChunkSize,
                minChunkSize,
                maxChunkSize,
                targetChunkTime,
                rate,
                leaseDuration,
                maxRetries,
                retryBackoff,
                maxBackoff,
                pollInterval);
    }

    public BackfillOptions withLeaseDuration(Duration lease) {
        return new BackfillOptions(
                initialChunkSize,
                minChunkSize,
                maxChunkSize,
                targetChunkTime,
                maxRowsPerSecond,
                lease,
                maxRetries,
                retryBackoff,
                maxBackoff,
                pollInterval);
    }

    public BackfillOptions withRetries(int retries, Duration backoff, Duration maxBackoff) {
        return new BackfillOptions(
                initialChunkSize,
                minChunkSize,
                maxChunkSize,
                targetChunkTime,
                maxRowsPerSecond,
                leaseDuration,
                retries,
                backoff,
                maxBackoff,
                pollInterval);
    }

    public BackfillOptions withPollInterval(Duration poll) {
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
                poll);
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
