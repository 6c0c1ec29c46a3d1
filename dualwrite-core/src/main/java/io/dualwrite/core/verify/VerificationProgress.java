package io.dualwrite.core.verify;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The durable progress of a migration's latest full verification.
 *
 * @param lastKey the checkpoint (encoded): every key up to it was compared
 * @param rowsChecked keys compared
 * @param divergences keys found different on both looks, recorded in the divergence ledger
 * @param inFlight keys that differed on the first look but changed before the re-check: writes in flight, not
 *     divergence
 * @param phaseVersion the phase version the verification started in; it counts as evidence in that version only
 */
public record VerificationProgress(
        String migration,
        VerificationState state,
        @Nullable String lastKey,
        long rowsChecked,
        long divergences,
        long inFlight,
        @Nullable Instant startedAt,
        Instant updatedAt,
        @Nullable Instant completedAt,
        @Nullable String failure,
        @Nullable Long phaseVersion) {

    public static VerificationProgress idle(String migration, Instant now) {
        return new VerificationProgress(migration, VerificationState.IDLE, null, 0, 0, 0, null, now, null, null, null);
    }
}
