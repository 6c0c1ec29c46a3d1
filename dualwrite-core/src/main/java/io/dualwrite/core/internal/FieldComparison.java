package io.dualwrite.core.internal;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Compares two values by their content, part by part ({@link Fields}), for {@code Equivalence.byFields()}:
 *
 * <ul>
 *   <li>records, classes with identity equality and JPA entities or embeddables (whose {@code equals} often compares
 *       ids only), and the two values compared themselves when their class is the application's (not the JDK's),
 *       whatever its {@code equals}: part by part, recursively (a cycle of references counts as equal where it
 *       closes);
 *   <li>{@link BigDecimal}: by {@code compareTo}, so that 1.5 equals 1.50 (a {@code NUMERIC(10, 2)} column reads
 *       back 1.50 for 1.5);
 *   <li>arrays and {@link List}s (of any two classes, such as a JPA provider's list and an {@code ArrayList}):
 *       element by element, by these rules;
 *   <li>anything else (strings, numbers, dates, sets, maps, classes that override {@code equals}): {@code equals}.
 * </ul>
 */
public final class FieldComparison {

    private FieldComparison() {}

    /** Whether {@code a} and {@code b} have the same content. */
    public static boolean same(@Nullable Object a, @Nullable Object b) {
        if (a != null && b != null && a != b && a.getClass() == b.getClass() && isApplicationClass(a.getClass())) {
            return sameParts(a, b, new IdentityHashMap<>());
        }
        return same(a, b, new IdentityHashMap<>());
    }

    /** A class of the application's own: compared by its parts when asked for by field, whatever its equals. */
    private static boolean isApplicationClass(Class<?> type) {
        String name = type.getName();
        return !type.isPrimitive()
                && !type.isArray()
                && !type.isEnum()
                && !name.startsWith("java.")
                && !name.startsWith("javax.")
                && !name.startsWith("jdk.")
                && !name.startsWith("sun.");
    }

    private static boolean same(@Nullable Object a, @Nullable Object b, Map<Object, Object> visiting) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a.getClass().isArray() && b.getClass().isArray()) {
            return sameArrays(a, b, visiting);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            return sameLists(x, y, visiting);
        }
        Class<?> type = a.getClass();
        if (type != b.getClass()
                || !(type.isRecord() || Fields.hasIdentityEquality(type) || Fields.isPersistent(type))) {
            return a.equals(b);
        }
        return sameParts(a, b, visiting);
    }

    private static boolean sameParts(Object a, Object b, Map<Object, Object> visiting) {
        Class<?> type = a.getClass();
        if (visiting.get(a) == b) {
            return true;
        }
        visiting.put(a, b);
        try {
            for (Fields.Part part : Fields.of(type)) {
                if (!same(part.read(a), part.read(b), visiting)) {
                    return false;
                }
            }
            return true;
        } finally {
            visiting.remove(a);
        }
    }

    private static boolean sameArrays(Object a, Object b, Map<Object, Object> visiting) {
        if (a.getClass().getComponentType().isPrimitive()
                || b.getClass().getComponentType().isPrimitive()) {
            return a.getClass() == b.getClass() && Objects.deepEquals(a, b);
        }
        int length = Array.getLength(a);
        if (length != Array.getLength(b)) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (!same(Array.get(a, i), Array.get(b, i), visiting)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameLists(List<?> a, List<?> b, Map<Object, Object> visiting) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<?> x = a.iterator();
        Iterator<?> y = b.iterator();
        while (x.hasNext()) {
            if (!same(x.next(), y.next(), visiting)) {
                return false;
            }
        }
        return true;
    }
}
