package io.dualwrite.drill;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@link MappingCheck} found: the checks it ran and every failure, with the seed that makes the same values
 * again ({@code -Ddualwrite.seed=N} or {@link MappingCheck#seed}).
 *
 * @param migration the migration's name
 * @param seed the generators' seed
 * @param checks the checks that ran, with how many values each
 * @param failures every failing value, the smallest of each check first
 * @param sample where the values came from when they were read from a database ({@link MappingCheck#onSample}),
 *     such as {@code "500 OLD rows and 0 NEW rows read from the database"}; null for generated values
 */
public record MappingReport(
        String migration, long seed, List<String> checks, List<Failure> failures, @Nullable String sample) {

    /** The most failures an assertion message lists. */
    private static final int LISTED = 10;

    public MappingReport {
        checks = List.copyOf(checks);
        failures = List.copyOf(failures);
    }

    /** The report of checks on generated values. */
    public MappingReport(String migration, long seed, List<String> checks, List<Failure> failures) {
        this(migration, seed, checks, failures, null);
    }

    /**
     * One value a check failed on.
     *
     * @param check which check: {@code OLD -> NEW}, {@code NEW -> OLD -> NEW}, {@code OLD -> NEW -> OLD -> NEW} or
     *     {@code SQL mapping}
     * @param value the value, as text
     * @param problem what went wrong with it
     */
    public record Failure(String check, String value, String problem) {}

    /** Whether every check passed. */
    public boolean passed() {
        return failures.isEmpty();
    }

    /** Throws an {@link AssertionError} listing the failures (the first ten) and the seed, unless every check passed. */
    public void assertPasses() {
        if (passed()) {
            return;
        }
        StringBuilder message = new StringBuilder("Migration '" + migration + "': " + failures.size()
                + " value(s) fail its mapping checks ("
                + (sample == null ? "reproduce with -Ddualwrite.seed=" + seed : "on " + sample) + "):");
        failures.stream().limit(LISTED).forEach(f -> message.append("\n  ")
                .append(f.check())
                .append(": ")
                .append(f.value())
                .append(": ")
                .append(f.problem()));
        if (failures.size() > LISTED) {
            message.append("\n  ... and ").append(failures.size() - LISTED).append(" more");
        }
        throw new AssertionError(message.toString());
    }
}
