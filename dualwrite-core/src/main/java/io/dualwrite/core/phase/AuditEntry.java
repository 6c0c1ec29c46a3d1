package io.dualwrite.core.phase;

import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a migration's audit trail: who asked for which move, when, why, what happened, and the gate
 * evidence at that moment.
 *
 * @param version the phase version after the move, or the unchanged version for a refused one
 */
public record AuditEntry(
        String migration,
        Event event,
        MigrationPhase from,
        MigrationPhase to,
        long version,
        String actor,
        @Nullable String reason,
        List<GateResult> evidence,
        Instant occurredAt) {

    public AuditEntry {
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(actor, "actor");
        evidence = List.copyOf(evidence);
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    /** What happened to a requested move. */
    public enum Event {
        /** A forward move committed with every gate passing. */
        ADVANCED,
        /** A backward move committed with every gate passing. */
        ROLLED_BACK,
        /** A move committed although a gate failed, on an operator's stated reason. */
        FORCED,
        /** A move refused because a gate failed; the phase did not change. */
        REFUSED,
        /**
         * Every live instance applies the move recorded before it (the barrier passed): the move is complete. The
         * phase did not change.
         */
        COMPLETED,
        /**
         * The migration was finished in DROP_OLD: the point of no return. Its version grew by one, its phase stayed
         * DROP_OLD, and no move is allowed any more.
         */
        FINISHED;

        /** Whether an entry of this kind changed the phase version. */
        public boolean movesPhase() {
            return this == ADVANCED || this == ROLLED_BACK || this == FORCED || this == FINISHED;
        }
    }
}
