package io.dualwrite.core.internal;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The rows-per-second limit of a background walk over a table (backfill, verification). */
public final class RowRateLimiter {

    private RowRateLimiter() {}

    /**
     * A Resilience4j limiter of {@code rowsPerSecond}, waiting up to a minute for permits, or null for no limit (0).
     * Callers ask for at most {@code rowsPerSecond} permits at once.
     */
    public static @Nullable RateLimiter perSecond(String name, int rowsPerSecond) {
        if (rowsPerSecond <= 0) {
            return null;
        }
        return RateLimiter.of(
                name,
                RateLimiterConfig.custom()
                        .limitForPeriod(rowsPerSecond)
                        .limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(Duration.ofMinutes(1))
                        .build());
    }
}
