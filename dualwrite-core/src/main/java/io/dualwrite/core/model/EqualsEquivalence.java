package io.dualwrite.core.model;

import io.dualwrite.core.internal.Fields;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link Equivalence#byEquals()}: {@code equals}, refusing values whose {@code equals} cannot tell their content
 * apart (identity equality, or a record component that has it). Such values are never equal to values built
 * separately, so every key would differ on every look and pass for a write in flight.
 */
final class EqualsEquivalence implements Equivalence<Object> {

    static final EqualsEquivalence INSTANCE = new EqualsEquivalence();

    private EqualsEquivalence() {}

    @Override
    public boolean equivalent(@Nullable Object expected, @Nullable Object actual) {
        check(expected);
        check(actual);
        return Objects.equals(expected, actual);
    }

    /**
     * @throws InvalidMigrationException if values of the class of {@code value} cannot be compared with equals
     */
    static void check(@Nullable Object value) {
        if (value != null) {
            problem(value.getClass(), "Values of " + value.getClass().getSimpleName() + " are compared with equals")
                    .ifPresent(problem -> {
                        throw new InvalidMigrationException(problem);
                    });
        }
    }

    /**
     * Why values of {@code type} cannot be compared with equals, and the fix, after {@code subject} (what compares
     * them); empty when they can.
     */
    static Optional<String> problem(Class<?> type, String subject) {
        return Fields.equalsProblem(type)
                .map(problem -> subject + ", but " + problem + ": every value mapped from OLD would differ from the"
                        + " one read from NEW, and a verification would take every key for a write in flight;"
                        + " declare .equivalence(Equivalence.byFields()) to compare them field by field, another"
                        + " .equivalence(...), or override equals and hashCode in " + type.getSimpleName());
    }
}
