package io.dualwrite.core.phase;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The durable re-sync of the old side after DROP_OLD -> READ_NEW: the old side was not written during DROP_OLD, so
 * before any move back hands it the source of truth, a full verification records every key it lacks and the
 * repairer copies each from the new side. No move back from READ_NEW is allowed until it is {@link State#COMPLETED}
 * for the current phase version; going forward to DROP_OLD again needs nothing from the old side.
 *
 * @param phaseVersion the version of the READ_NEW phase the re-sync belongs to
 * @param keysFound keys the verification found missing or different on the old side
 * @param keysLeft keys still waiting for their copy to the old side at the last update
 * @param detail what the re-sync waits for, or why it failed
 */
public record Resync(
        String migration,
        long phaseVersion,
        State state,
        long keysFound,
        long keysLeft,
        Instant startedAt,
        Instant updatedAt,
        @Nullable Instant completedAt,
        @Nullable String detail) {

    public Resync {
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Where a re-sync stands. */
    public enum State {
        /** Waiting until every live instance applies READ_NEW, so that nothing writes the new side only any more. */
        WAITING,
        /** Verifying every key and copying the ones the old side lacks. */
        RUNNING,
        /** Every key the old side lacked was copied; moves back are allowed. */
        COMPLETED,
        /** Stopped on an error (see the detail); it is tried again by the background work, or by an operator. */
        FAILED,
        /** The phase moved on before it completed; it no longer matters. */
        SUPERSEDED
    }

    /** A re-sync of the given state, updated now, keeping the rest. */
    public Resync with(State newState, long found, long left, Instant now, @Nullable String newDetail) {
        return new Resync(
                migration,
                phaseVersion,
                newState,
                found,
                left,
                startedAt,
                now,
                newState == State.COMPLETED ? now : null,
                newDetail);
    }
}
