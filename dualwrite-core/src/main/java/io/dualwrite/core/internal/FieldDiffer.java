package io.dualwrite.core.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * The parts in which two values differ, for messages: per record component or field ({@link Fields}) when both are
 * records, JPA entities or embeddables, or instances of a class with identity equality, of one class; else the
 * whole value. Parts are compared
 * as {@link FieldComparison} compares them.
 */
public final class FieldDiffer {

    /** The whole value, when it has no parts to tell apart. */
    public static final String WHOLE_VALUE = "value";

    private static final int RENDER_DEPTH = 3;

    private FieldDiffer() {}

    /** One part that differs, with both values. */
    public record Difference(String field, @Nullable Object expected, @Nullable Object actual) {}

    /** The parts that differ; the whole value when there are no parts, or none of them differs. */
    public static List<Difference> differences(@Nullable Object expected, @Nullable Object actual) {
        if (expected != null && actual != null && expected.getClass() == actual.getClass() && hasParts(expected)) {
            List<Difference> differences = new ArrayList<>();
            for (Fields.Part part : Fields.of(expected.getClass())) {
                Object a = read(part, expected);
                Object b = read(part, actual);
                if (!FieldComparison.same(a, b)) {
                    differences.add(new Difference(part.name(), a, b));
                }
            }
            if (!differences.isEmpty()) {
                return differences;
            }
        }
        return List.of(new Difference(WHOLE_VALUE, expected, actual));
    }

    /**
     * A value as text: {@code toString()}, except for arrays (their elements) and classes with identity equality
     * that keep {@code Object}'s {@code toString()} ({@code Type{field=value, ...}}, three levels deep).
     */
    public static String render(@Nullable Object value) {
        return render(value, 0);
    }

    private static String render(@Nullable Object value, int depth) {
        if (value == null) {
            return "null";
        }
        Class<?> type = value.getClass();
        if (type.isArray()) {
            StringJoiner elements = new StringJoiner(", ", "[", "]");
            for (int i = 0; i < Array.getLength(value); i++) {
                elements.add(render(Array.get(value, i), depth + 1));
            }
            return elements.toString();
        }
        if ((!Fields.hasIdentityEquality(type) && !Fields.isPersistent(type)) || overridesToString(type)) {
            return String.valueOf(value);
        }
        if (depth >= RENDER_DEPTH) {
            return type.getSimpleName() + "{...}";
        }
        StringJoiner parts = new StringJoiner(", ", type.getSimpleName() + "{", "}");
        for (Fields.Part part : partsOrNone(type)) {
            parts.add(part.name() + "=" + render(read(part, value), depth + 1));
        }
        return parts.toString();
    }

    private static boolean hasParts(Object value) {
        Class<?> type = value.getClass();
        return (type.isRecord() || Fields.hasIdentityEquality(type) || Fields.isPersistent(type)) && !type.isArray();
    }

    private static List<Fields.Part> partsOrNone(Class<?> type) {
        try {
            return Fields.of(type);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    private static boolean overridesToString(Class<?> type) {
        try {
            return type.getMethod("toString").getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static @Nullable Object read(Fields.Part part, Object owner) {
        try {
            return part.read(owner);
        } catch (RuntimeException e) {
            return "<unreadable: " + e.getClass().getSimpleName() + ">";
        }
    }
}
