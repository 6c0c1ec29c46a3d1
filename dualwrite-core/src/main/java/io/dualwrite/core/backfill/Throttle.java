package io.dualwrite.core.backfill;

import java.time.Instant;
import java.util.Objects;

/**
 * The copy is being held back: why, with the measured value and the threshold in words, and since when.
 *
 * @param reason the throttle's kind
 * @param detail what was measured against what, e.g. {@code "p99 of http.server.requests 240 ms > 200 ms"}
 * @param since when this throttle began holding the copy back
 */
public record Throttle(ThrottleReason reason, String detail, Instant since) {

    public Throttle {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(since, "since");
    }
}
