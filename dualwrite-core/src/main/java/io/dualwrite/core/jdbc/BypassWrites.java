package io.dualwrite.core.jdbc;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The writes to a migration's captured table that bypassed dualwrite, as this instance drained them since it started.
 *
 * @param count row changes captured and drained (inserts, updates of the migration's columns, deletes)
 * @param perMinute of those, how many were drained in the last minute
 * @param lastSeen when the latest of them was captured (the database's clock, UTC), null if none yet
 * @param sampleKeys up to {@value BypassCapture#SAMPLE_SIZE} keys of the latest, encoded, newest first
 */
public record BypassWrites(long count, long perMinute, @Nullable Instant lastSeen, List<String> sampleKeys) {

    public BypassWrites {
        sampleKeys = List.copyOf(sampleKeys);
    }
}
