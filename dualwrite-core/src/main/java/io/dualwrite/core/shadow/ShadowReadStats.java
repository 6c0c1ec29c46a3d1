package io.dualwrite.core.shadow;

import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of a migration's shadow-read counts since this instance started, and the read latencies of both sides.
 *
 * @param primaryReads primary reads timed (every read through the repository)
 * @param primaryNanos their total time
 * @param candidateReads candidate reads timed
 * @param candidateNanos their total time
 */
public record ShadowReadStats(
        Map<ShadowResult, Long> counts,
        long primaryReads,
        long primaryNanos,
        long candidateReads,
        long candidateNanos) {

    public ShadowReadStats {
        counts = Map.copyOf(new EnumMap<>(counts));
    }

    public long count(ShadowResult result) {
        return counts.getOrDefault(result, 0L);
    }

    /** Comparisons that could have found a divergence: everything but skipped, errors and not-yet-backfilled. */
    public long compared() {
        return count(ShadowResult.MATCH) + mismatches();
    }

    /** Comparisons that found the sides different. */
    public long mismatches() {
        return count(ShadowResult.MISMATCH)
                + count(ShadowResult.MISSING_IN_CANDIDATE)
                + count(ShadowResult.UNEXPECTED_IN_CANDIDATE);
    }

    /** Mismatches over comparisons, 0 when nothing was compared. */
    public double mismatchRate() {
        long compared = compared();
        return compared == 0 ? 0 : (double) mismatches() / compared;
    }
}
