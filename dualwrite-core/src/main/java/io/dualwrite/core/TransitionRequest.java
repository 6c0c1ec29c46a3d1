package io.dualwrite.core;

import org.jspecify.annotations.Nullable;

/**
 * Who asks for a move and why. A forced request commits even when evidence gates fail, and must state its reason.
 * Forcing never overrides the source-of-truth handover rules (a move never hands the source of truth to a side that
 * lacks acknowledged writes, and never leaves the old side before its re-sync completed): only a request that
 * {@link #acceptingDataLoss accepts data loss} does, and the audit entry lists the keys it gave up.
 *
 * @param actor who asks: a user name, or a component such as {@code autopilot}
 * @param reason why, for the audit trail; required when forced
 * @param force whether to commit despite failing evidence gates
 * @param acceptDataLoss whether to commit despite failing handover rules, giving up the writes they protect
 */
public record TransitionRequest(String actor, @Nullable String reason, boolean force, boolean acceptDataLoss) {

    public TransitionRequest {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("A transition needs an actor (who asks for it), but was blank");
        }
        if (force && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("A forced transition needs a reason for the audit trail, but was blank");
        }
        if (acceptDataLoss && !force) {
            throw new IllegalArgumentException(
                    "A transition that accepts data loss is forced too; build it with acceptingDataLoss(actor, reason)");
        }
    }

    /** A request that commits only when every gate passes. */
    public static TransitionRequest by(String actor, @Nullable String reason) {
        return new TransitionRequest(actor, reason, false, false);
    }

    /** A request that commits despite failing evidence gates, but never against the handover rules. */
    public static TransitionRequest forcedBy(String actor, String reason) {
        return new TransitionRequest(actor, reason, true, false);
    }

    /**
     * A request that commits despite every failing gate, the handover rules included: the keys whose acknowledged
     * writes only the side being left holds are given up (their ledger entries removed and listed in the audit).
     */
    public static TransitionRequest acceptingDataLoss(String actor, String reason) {
        return new TransitionRequest(actor, reason, true, true);
    }
}
