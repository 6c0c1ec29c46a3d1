package io.dualwrite.core.shadow;

import io.dualwrite.core.shadow.MismatchSample.FieldDifference;
import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * A recent comparison of a routed query whose answers differed on both looks, told element by element, by key: the
 * keys the source of truth answered and the candidate did not ({@code missing}), the keys only the candidate answered
 * ({@code extra}), the keys both answered with values that are not equivalent, each with its field differences
 * ({@code differing}), and, for a query that promises an order, where the order of the keys both answered first
 * differs. Keys are written as the migration's key codec writes them. Each list holds at most {@value #MAX_KEYS}
 * keys; the totals count them all.
 *
 * <p>A single-result query is compared as a list of at most one element: another person found by an e-mail address
 * is the first person missing and the second extra.
 *
 * @param query the query's name
 * @param parameter the parameter the query ran with, as text ({@code <redacted>} when values are redacted)
 * @param order where the order first differs; null when it does not, or when the query promises no order
 */
public record QueryMismatch(
        String query,
        String parameter,
        ShadowResult result,
        Instant at,
        List<String> missing,
        List<String> extra,
        List<DifferingElement> differing,
        @Nullable OrderDifference order,
        int missingTotal,
        int extraTotal,
        int differingTotal) {

    /** The most keys each list of a sample holds. */
    public static final int MAX_KEYS = 20;

    public QueryMismatch {
        missing = List.copyOf(missing);
        extra = List.copyOf(extra);
        differing = List.copyOf(differing);
    }

    /** An element both sides answered, with the fields in which the candidate's value differs. */
    public record DifferingElement(String key, List<FieldDifference> differences) {
        public DifferingElement {
            differences = List.copyOf(differences);
        }
    }

    /**
     * Where the order of a query that promises one first differs, among the keys both sides answered: at
     * {@code position} of the source of truth's answer it has {@code expectedKey}, and the candidate has
     * {@code actualKey} in that place.
     */
    public record OrderDifference(int position, String expectedKey, String actualKey) {}

    /** For logs and test failures: {@code by-email(ada@example.com) MISMATCH: missing [3], extra [5]}. */
    @Override
    public String toString() {
        StringJoiner parts = new StringJoiner(", ", query + "(" + parameter + ") " + result + ": ", "");
        if (missingTotal > 0) {
            parts.add("missing " + keys(missing, missingTotal));
        }
        if (extraTotal > 0) {
            parts.add("extra " + keys(extra, extraTotal));
        }
        if (differingTotal > 0) {
            StringJoiner elements = new StringJoiner("; ", "[", differingTotal > differing.size() ? "; ...]" : "]");
            for (DifferingElement element : differing) {
                StringJoiner fields = new StringJoiner(", ", element.key() + " {", "}");
                element.differences()
                        .forEach(d -> fields.add(d.field() + ": expected " + d.expected() + ", actual " + d.actual()));
                elements.add(fields.toString());
            }
            parts.add("differing " + elements);
        }
        if (order != null) {
            parts.add("order differs at " + order.position() + ": expected " + order.expectedKey() + ", actual "
                    + order.actualKey());
        }
        return parts.toString();
    }

    private static String keys(List<String> keys, int total) {
        String shown = String.join(", ", keys);
        return "[" + shown + (total > keys.size() ? ", ... (" + total + " in all)" : "") + "]";
    }
}
