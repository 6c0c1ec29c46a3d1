package io.dualwrite.core;

import java.util.Objects;

/**
 * Decides whether two values of the new representation stand for the same data: the value read from the new side
 * and the value mapped from the old side.
 *
 * @param <N> the new representation
 */
@FunctionalInterface
public interface Equivalence<N> {

    boolean equivalent(N expected, N actual);

    /** {@link Objects#equals}: right for records and value classes. */
    static <N> Equivalence<N> byEquals() {
        return Objects::equals;
    }
}
