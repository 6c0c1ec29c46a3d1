package io.dualwrite.core.metrics;

import io.dualwrite.core.backfill.BackfillThrottle;
import io.dualwrite.core.backfill.ThrottleReason;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the backfill back while the application's own latency is high, as gh-ost's {@code max-load}: while the p99
 * of a named Micrometer timer is above a threshold, the copy waits between chunks.
 *
 * <p>The p99 is the timer's own client-side percentile, read with {@link Timer#takeSnapshot()}: Micrometer computes
 * it over a decaying window ({@code distributionStatisticExpiry}, two minutes by default, in
 * {@code distributionStatisticBufferLength} steps), so it reflects the recent latency, not the whole run. The timer
 * must publish the 0.99 percentile (Spring Boot: {@code management.metrics.distribution.percentiles.<name>=0.99});
 * a timer that publishes none is ignored, with one warning. When several timers carry the name (different tags),
 * the highest p99 counts. The timer is looked up at every check, so it may be registered after the throttle.
 */
public final class LatencyThrottle implements BackfillThrottle {

    private static final Logger log = LoggerFactory.getLogger(LatencyThrottle.class);
    private static final double P99 = 0.99;

    private final MeterRegistry registry;
    private final String timer;
    private final Duration threshold;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param registry where the application's timer is registered
     * @param timer the timer's name, such as {@code http.server.requests}
     * @param threshold the p99 above which the copy waits
     */
    public LatencyThrottle(MeterRegistry registry, String timer, Duration threshold) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        if (threshold.isZero() || threshold.isNegative()) {
            throw new IllegalArgumentException("threshold must be positive, but was " + threshold);
        }
    }

    @Override
    public ThrottleReason reason() {
        return ThrottleReason.APPLICATION_LATENCY;
    }

    @Override
    public Optional<String> check() {
        double worst = -1;
        boolean found = false;
        for (Timer candidate : registry.find(timer).timers()) {
            found = true;
            for (ValueAtPercentile value : candidate.takeSnapshot().percentileValues()) {
                if (Math.abs(value.percentile() - P99) < 1e-9) {
                    worst = Math.max(worst, value.value(TimeUnit.NANOSECONDS));
                }
            }
        }
        if (found && worst < 0 && warned.compareAndSet(false, true)) {
            log.warn(
                    "Backfill latency throttle: timer '{}' publishes no 0.99 percentile, so it cannot throttle the"
                            + " copy; configure its percentiles",
                    timer);
        }
        if (worst > threshold.toNanos()) {
            return Optional.of(
                    "p99 of " + timer + " " + Math.round(worst / 1e6) + " ms > " + threshold.toMillis() + " ms");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "LatencyThrottle[" + timer + " p99 > " + threshold.toMillis() + " ms]";
    }
}
