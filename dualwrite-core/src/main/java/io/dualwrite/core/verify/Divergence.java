package io.dualwrite.core.verify;

import org.jspecify.annotations.Nullable;

/**
 * A key on which the two sides disagree, as a verification saw it twice, a re-check delay apart.
 *
 * @param expected the OLD value mapped to the new representation, null when OLD has no value
 * @param actual the NEW value, null when NEW has no value
 */
public record Divergence<K, N>(K key, Kind kind, @Nullable N expected, @Nullable N actual) {

    /** How the sides disagree. */
    public enum Kind {
        /** OLD has a value, NEW has none. */
        MISSING_IN_NEW,
        /** NEW has a value, OLD has none. */
        EXTRA_IN_NEW,
        /** Both have a value, and they are not equivalent. */
        DIFFERENT
    }

    /** The disagreement between an expected and an actual value, or null when they agree. */
    static <K, N> @Nullable Divergence<K, N> of(
            K key, @Nullable N expected, @Nullable N actual, io.dualwrite.core.Equivalence<N> equivalence) {
        if (expected == null && actual == null) {
            return null;
        }
        if (actual == null) {
            return new Divergence<>(key, Kind.MISSING_IN_NEW, expected, null);
        }
        if (expected == null) {
            return new Divergence<>(key, Kind.EXTRA_IN_NEW, null, actual);
        }
        return equivalence.equivalent(expected, actual)
                ? null
                : new Divergence<>(key, Kind.DIFFERENT, expected, actual);
    }
}
