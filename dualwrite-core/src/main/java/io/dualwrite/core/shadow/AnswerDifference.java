package io.dualwrite.core.shadow;

import io.dualwrite.core.model.Equivalence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How a candidate's answer to a query differs from the source of truth's, element by element, matched by key (by
 * equality, never by ordering keys in Java): the keys it lacks, the keys it has extra, the keys it has with a value
 * that is not equivalent or a different number of times, and, when the query promises an order, the first place
 * where the keys both sides answered come in another order.
 */
final class AnswerDifference<K, N> {

    /** A key both sides answered, with the first value each gave for it and how many times each gave it. */
    record Differing<K, N>(K key, N expected, N actual, int expectedCount, int actualCount) {}

    /** The first place the order differs: {@code position} in the source of truth's answer. */
    record Order<K>(int position, K expected, K actual) {}

    final List<K> missing = new ArrayList<>();
    final List<K> extra = new ArrayList<>();
    final List<Differing<K, N>> differing = new ArrayList<>();

    @Nullable
    Order<K> order;

    private AnswerDifference() {}

    static <K, N> AnswerDifference<K, N> of(
            List<N> control,
            List<N> candidate,
            Function<? super N, ? extends K> keyOf,
            Equivalence<N> equivalence,
            boolean ordered) {
        AnswerDifference<K, N> difference = new AnswerDifference<>();
        Map<K, Occurrences<N>> expected = index(control, keyOf);
        Map<K, Occurrences<N>> actual = index(candidate, keyOf);
        expected.forEach((key, e) -> {
            Occurrences<N> a = actual.get(key);
            if (a == null) {
                difference.missing.add(key);
            } else if (e.count != a.count || !equivalence.equivalent(e.first, a.first)) {
                difference.differing.add(new Differing<>(key, e.first, a.first, e.count, a.count));
            }
        });
        actual.keySet().stream().filter(key -> !expected.containsKey(key)).forEach(difference.extra::add);
        if (ordered) {
            List<K> expectedOrder = new ArrayList<>();
            expected.keySet().stream().filter(actual::containsKey).forEach(expectedOrder::add);
            List<K> actualOrder = new ArrayList<>();
            actual.keySet().stream().filter(expected::containsKey).forEach(actualOrder::add);
            for (int i = 0; i < expectedOrder.size(); i++) {
                K e = expectedOrder.get(i);
                K a = actualOrder.get(i);
                if (!e.equals(a)) {
                    difference.order = new Order<>(expected.get(e).position, e, a);
                    break;
                }
            }
        }
        return difference;
    }

    /** Whether the answers agree on everything this difference looks at. */
    boolean none() {
        return missing.isEmpty() && extra.isEmpty() && differing.isEmpty() && order == null;
    }

    /** The elements of an answer by key, in the order of their first occurrence. */
    private static <K, N> Map<K, Occurrences<N>> index(List<N> answer, Function<? super N, ? extends K> keyOf) {
        Map<K, Occurrences<N>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < answer.size(); i++) {
            N value = answer.get(i);
            int position = i;
            byKey.computeIfAbsent(keyOf.apply(value), k -> new Occurrences<>(value, position)).count++;
        }
        return byKey;
    }

    private static final class Occurrences<N> {
        final N first;
        final int position;
        int count;

        Occurrences(N first, int position) {
            this.first = first;
            this.position = position;
        }
    }
}
