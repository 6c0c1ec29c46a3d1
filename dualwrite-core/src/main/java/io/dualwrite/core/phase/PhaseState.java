package io.dualwrite.core.phase;

import io.dualwrite.core.model.MigrationPhase;
import java.time.Instant;
import java.util.Objects;

/**
 * The stored phase of a migration. The version grows by one with every transition, so that two transitions
 * prepared from the same state cannot both commit.
 */
public record PhaseState(String migration, MigrationPhase phase, long version, Instant changedAt, String changedBy) {

    public PhaseState {
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(changedAt, "changedAt");
        Objects.requireNonNull(changedBy, "changedBy");
    }
}
