package io.dualwrite.debezium;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link DebeziumCapture} streams on this instance.
 *
 * @param streaming whether this instance holds the lease and its engine runs (one instance streams a slot)
 * @param slotReady whether the replication slot and the publication exist (writes are retained for the stream from
 *     then on)
 * @param lastEventAt when this instance last received an event of the slot (a change, a marker), null if none yet
 * @param lag how long the last event took from its commit to this instance (commit time by the database's clock),
 *     null if none yet
 * @param bypassChanges row changes recorded as bypass writes
 * @param ownChanges dualwrite's own row changes left out (between its markers)
 * @param unchanged updates left out because none of the migration's columns changed (with a before image only)
 * @param lastError the engine's last failure, null if none since it last started
 */
public record DebeziumCaptureHealth(
        boolean streaming,
        boolean slotReady,
        @Nullable Instant lastEventAt,
        @Nullable Duration lag,
        long bypassChanges,
        long ownChanges,
        long unchanged,
        @Nullable String lastError) {}
