package io.dualwrite.core.backfill;

/** Why a backfill holds its copy back; tag values of {@code dualwrite.backfill.throttled}. */
public enum ThrottleReason {
    /** A chunk waited longer than the lock timeout for a row an application transaction holds; it yields and retries. */
    LOCK_CONTENTION,
    /** A chunk held its locks far longer than the target; the copy shrinks its chunks and pauses. */
    SLOW_CHUNK,
    /** The application's own latency (a configured timer's p99) is above its threshold. */
    APPLICATION_LATENCY,
    /** A replica lags behind the primary by more than the allowed lag. */
    REPLICA_LAG
}
