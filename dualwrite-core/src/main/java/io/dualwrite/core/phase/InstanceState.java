package io.dualwrite.core.phase;

import io.dualwrite.core.model.MigrationPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one running instance last reported about one migration: the phase and version it applies, and when.
 *
 * @param version the phase version the instance applies; a transition is applied everywhere once every live
 *     instance reports its version
 */
public record InstanceState(String instanceId, String migration, MigrationPhase phase, long version, Instant lastSeen) {

    public InstanceState {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }

    /** Whether the instance reported within {@code timeout} before {@code now}; one that did not is gone. */
    public boolean isLive(Instant now, Duration timeout) {
        return !lastSeen.plus(timeout).isBefore(now);
    }
}
