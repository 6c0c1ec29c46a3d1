package io.dualwrite.core.verify;

import io.dualwrite.core.internal.FieldDiffer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A key on which the two sides disagree, as a verification saw it twice, a re-check delay apart.
 *
 * @param expected the OLD value mapped to the new representation, null when OLD has no value
 * @param actual the NEW value, null when NEW has no value
 * @param foundBy which comparison found it
 */
public record Divergence<K, N>(K key, Kind kind, @Nullable N expected, @Nullable N actual, FoundBy foundBy) {

    /** How the sides disagree. */
    public enum Kind {
        /** OLD has a value, NEW has none. */
        MISSING_IN_NEW,
        /** NEW has a value, OLD has none. */
        EXTRA_IN_NEW,
        /** Both have a value, and they are not equivalent. */
        DIFFERENT
    }

    /** Which comparison found a divergence. */
    public enum FoundBy {
        /** The rows of a chunk, compared one by one. */
        ROW_COMPARISON,
        /**
         * The sample of a chunk whose checksums agree, compared through the Java mapping: NEW holds what the
         * migration's SQL mapping computes from OLD, and the Java mapping computes something else.
         */
        MAPPING_SAMPLE
    }

    /** A divergence found by comparing rows. */
    public Divergence(K key, Kind kind, @Nullable N expected, @Nullable N actual) {
        this(key, kind, expected, actual, FoundBy.ROW_COMPARISON);
    }

    /** This divergence, as found by {@code comparison}. */
    public Divergence<K, N> foundBy(FoundBy comparison) {
        return comparison == foundBy ? this : new Divergence<>(key, kind, expected, actual, comparison);
    }

    /**
     * The fields in which the values differ, for {@link Kind#DIFFERENT}: record components, or the fields of a class
     * without {@code equals} (as {@link io.dualwrite.core.model.Equivalence#byFields()} compares them, before any
     * normalization); empty for the other kinds, or when the values have no fields to tell apart.
     */
    public List<String> differingFields() {
        if (kind != Kind.DIFFERENT) {
            return List.of();
        }
        try {
            List<String> fields = FieldDiffer.differences(expected, actual).stream()
                    .map(FieldDiffer.Difference::field)
                    .toList();
            return fields.equals(List.of(FieldDiffer.WHOLE_VALUE)) ? List.of() : fields;
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /**
     * What differs, in one line for logs and the divergence ledger: the kind, the differing fields, and for a
     * mapping sample that the two mappings disagree; never the values.
     */
    public String describe() {
        List<String> fields = differingFields();
        String description = kind.name() + (fields.isEmpty() ? "" : " in " + String.join(", ", fields));
        if (foundBy == FoundBy.MAPPING_SAMPLE && kind == Kind.DIFFERENT) {
            description += "; the SQL mapping and the Java mapping disagree for key " + key + ": its chunk's"
                    + " checksums agree (NEW holds what the SqlMapping computes from OLD), but toNew(...) of the OLD"
                    + " value differs from NEW. Correct the mapping that is wrong, then verify again and repair: keys"
                    + " the sample did not reach are likely affected too, and the backfill does not overwrite rows"
                    + " NEW already has";
        } else if (foundBy == FoundBy.MAPPING_SAMPLE) {
            description += " (found comparing a sample of a chunk whose checksums agree through the Java mapping)";
        }
        return description;
    }

    /**
     * The key, what differs and both values ({@code Divergence[key=3, DIFFERENT: lastName expected Last3, actual
     * Changed; found by ROW_COMPARISON]}), readable also for classes without {@code equals} or {@code toString()}.
     */
    @Override
    public String toString() {
        List<FieldDiffer.Difference> differences = kind == Kind.DIFFERENT
                ? safeDifferences()
                : List.of(new FieldDiffer.Difference(FieldDiffer.WHOLE_VALUE, expected, actual));
        StringBuilder text = new StringBuilder("Divergence[key=")
                .append(key)
                .append(", ")
                .append(kind)
                .append(": ");
        for (FieldDiffer.Difference difference : differences) {
            if (!FieldDiffer.WHOLE_VALUE.equals(difference.field())) {
                text.append(difference.field()).append(' ');
            }
            text.append("expected ")
                    .append(FieldDiffer.render(difference.expected()))
                    .append(", actual ")
                    .append(FieldDiffer.render(difference.actual()))
                    .append("; ");
        }
        return text.append("found by ").append(foundBy).append(']').toString();
    }

    private List<FieldDiffer.Difference> safeDifferences() {
        try {
            return FieldDiffer.differences(expected, actual);
        } catch (RuntimeException e) {
            return List.of(new FieldDiffer.Difference(FieldDiffer.WHOLE_VALUE, expected, actual));
        }
    }

    /**
     * Whether a comparison found nothing to report: no divergence, or a NEW value that OLD does not hold by design
     * ({@link io.dualwrite.core.definition.Migration#onlyInNew}).
     */
    public static <K, N> boolean expected(
            io.dualwrite.core.definition.Migration<K, ?, N> migration, @Nullable Divergence<K, N> divergence) {
        return divergence == null
                || (divergence.kind() == Kind.EXTRA_IN_NEW && migration.onlyInNew(divergence.actual()));
    }

    /** The disagreement between an expected and an actual value, or null when they agree. */
    public static <K, N> @Nullable Divergence<K, N> of(
            K key, @Nullable N expected, @Nullable N actual, io.dualwrite.core.model.Equivalence<N> equivalence) {
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
