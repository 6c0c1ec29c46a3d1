package io.dualwrite.drill;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link MigrationDrill} did and found: the mapping checks it ran first, the settings it overrode to walk
 * fast, what its walks covered, and the first failure with the seed that reproduces it.
 *
 * @param migration the drilled migration's name
 * @param seed the seed of the first walk (walk {@code i} uses {@code seed + i}) and of the mapping checks
 * @param walks how many walks ran (none when the mapping checks failed)
 * @param mapping the mapping checks' report
 * @param overridden the settings the drill changed to walk fast, each as {@code setting: configured -> used}
 * @param kept what the drill used as configured
 * @param coverage what the walks did, by their audit trails (moves, re-syncs, paused backfills, planted divergences)
 * @param failure the first failure, its message naming the seed, or null if every walk passed
 */
public record DrillReport(
        String migration,
        long seed,
        int walks,
        MappingReport mapping,
        List<String> overridden,
        List<String> kept,
        String coverage,
        @Nullable AssertionError failure) {

    public DrillReport {
        overridden = List.copyOf(overridden);
        kept = List.copyOf(kept);
    }

    /** Whether the mapping checks and every walk passed. */
    public boolean passed() {
        return mapping.passed() && failure == null;
    }

    /**
     * Throws the mapping checks' {@link AssertionError} if they failed, else the first walk's failure, each naming
     * the seed ({@code -Ddualwrite.seed=N}).
     *
     * @return this report, when everything passed
     */
    public DrillReport assertPasses() {
        mapping.assertPasses();
        if (failure != null) {
            throw failure;
        }
        return this;
    }

    /** One paragraph for the test's log. */
    @Override
    public String toString() {
        return "Drill of migration '" + migration + "' (seed " + seed + "): " + walks + " walks, "
                + (passed() ? "passed" : "FAILED") + "; mapping checks: " + mapping.checks() + "; " + coverage
                + "\n  overridden to walk fast: " + overridden + "\n  kept as configured: " + kept;
    }
}
