package io.dualwrite.core;

import org.jspecify.annotations.Nullable;

/**
 * Who asks for a move and why. A forced request commits even when gates fail, and must state its reason.
 *
 * @param actor who asks: a user name, or a component such as {@code autopilot}
 * @param reason why, for the audit trail; required when forced
 * @param force whether to commit despite failing gates
 */
public record TransitionRequest(String actor, @Nullable String reason, boolean force) {

    public TransitionRequest {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("A transition needs an actor (who asks for it), but was blank");
        }
        if (force && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("A forced transition needs a reason for the audit trail, but was blank");
        }
    }

    /** A request that commits only when every gate passes. */
    public static TransitionRequest by(String actor, @Nullable String reason) {
        return new TransitionRequest(actor, reason, false);
    }

    /** A request that commits despite failing gates. */
    public static TransitionRequest forcedBy(String actor, String reason) {
        return new TransitionRequest(actor, reason, true);
    }
}
