package io.dualwrite.core.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The named parts a value is compared and described by: a record's components, or for another class, the
 * non-static, non-transient fields declared by it and its superclasses (below {@code Object}), superclass fields
 * first. Also tells which types have identity equality.
 */
public final class Fields {

    /** One part of a value. */
    public interface Part {
        String name();

        /** The value of this part in {@code owner}. */
        @Nullable
        Object read(Object owner);
    }

    private static final ClassValue<List<Part>> PARTS = new ClassValue<>() {
        @Override
        protected List<Part> computeValue(Class<?> type) {
            return type.isRecord() ? components(type) : fields(type);
        }
    };

    private static final ClassValue<Optional<String>> EQUALS_PROBLEMS = new ClassValue<>() {
        @Override
        protected Optional<String> computeValue(Class<?> type) {
            return Optional.ofNullable(equalsProblem(type, type.getSimpleName(), 0));
        }
    };

    private Fields() {}

    /**
     * The parts of values of {@code type}.
     *
     * @throws IllegalArgumentException if a field cannot be read (a JDK class whose fields are not open)
     */
    public static List<Part> of(Class<?> type) {
        return PARTS.get(type);
    }

    /**
     * Whether values of {@code type} are equal only to themselves: a concrete class (or array) that does not
     * override {@code equals}. Enums, interfaces, abstract classes and {@code Object} itself are not counted: their
     * values' classes decide.
     */
    public static boolean hasIdentityEquality(Class<?> type) {
        if (type.isArray()) {
            return true;
        }
        if (type == Object.class
                || type.isPrimitive()
                || type.isInterface()
                || type.isEnum()
                || Modifier.isAbstract(type.getModifiers())) {
            return false;
        }
        try {
            Method equals = type.getMethod("equals", Object.class);
            return equals.getDeclaringClass() == Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * Whether the type is a JPA entity or embeddable (told by its annotations' names: core does not depend on JPA),
     * whose {@code equals} usually compares ids only and whose {@code toString} often says nothing: it is compared
     * and described by field.
     */
    public static boolean isPersistent(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (java.lang.annotation.Annotation annotation : c.getDeclaredAnnotations()) {
                String name = annotation.annotationType().getName();
                if (name.equals("jakarta.persistence.Entity")
                        || name.equals("jakarta.persistence.Embeddable")
                        || name.equals("javax.persistence.Entity")
                        || name.equals("javax.persistence.Embeddable")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Why {@code equals} cannot compare values of {@code type} by their content, or empty when it can (as far as
     * the type tells): the type has identity equality, or it is a record with a component that has (arrays
     * included), at any depth of records.
     */
    public static Optional<String> equalsProblem(Class<?> type) {
        return EQUALS_PROBLEMS.get(type);
    }

    private static @Nullable String equalsProblem(Class<?> type, String path, int depth) {
        if (hasIdentityEquality(type)) {
            return depth == 0
                    ? type.getName() + (type.isArray() ? " is an array" : " does not override equals")
                            + ", so its values are equal only to themselves"
                    : "its component " + path + " (" + type.getTypeName() + ") "
                            + (type.isArray() ? "is an array" : "does not override equals")
                            + ", so the record's equals compares it by identity";
        }
        if (type.isRecord() && depth < 8) {
            for (RecordComponent component : type.getRecordComponents()) {
                String problem = equalsProblem(component.getType(), path + "." + component.getName(), depth + 1);
                if (problem != null) {
                    return depth == 0 ? type.getName() + " is a record, but " + problem : problem;
                }
            }
        }
        return null;
    }

    private static List<Part> components(Class<?> type) {
        List<Part> parts = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            Method accessor = component.getAccessor();
            accessible(accessor, type, component.getName());
            parts.add(new Accessor(component.getName(), accessor));
        }
        return List.copyOf(parts);
    }

    private static List<Part> fields(Class<?> type) {
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            hierarchy.add(0, c);
        }
        List<Part> parts = new ArrayList<>();
        for (Class<?> c : hierarchy) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers)
                        || Modifier.isTransient(modifiers)
                        || field.isSynthetic()
                        || field.getName().startsWith("$$_") // fields a bytecode enhancer added
                        || persistentlyTransient(field)) {
                    continue;
                }
                accessible(field, type, field.getName());
                String name =
                        nameTaken(parts, field.getName()) ? c.getSimpleName() + "." + field.getName() : field.getName();
                parts.add(new FieldPart(name, field));
            }
        }
        return List.copyOf(parts);
    }

    /** A JPA {@code @Transient} attribute (a value computed on load, say): not part of what the row holds. */
    private static boolean persistentlyTransient(Field field) {
        for (java.lang.annotation.Annotation annotation : field.getDeclaredAnnotations()) {
            String name = annotation.annotationType().getName();
            if (name.equals("jakarta.persistence.Transient") || name.equals("javax.persistence.Transient")) {
                return true;
            }
        }
        return false;
    }

    private static boolean nameTaken(List<Part> parts, String name) {
        return parts.stream().anyMatch(part -> part.name().equals(name));
    }

    private static void accessible(java.lang.reflect.AccessibleObject member, Class<?> type, String name) {
        if (!member.trySetAccessible()) {
            throw new IllegalArgumentException("Cannot read " + type.getName() + "." + name + ": its module does not"
                    + " open it to dualwrite; compare " + type.getSimpleName()
                    + " with an Equivalence of your own, or open the package");
        }
    }

    private record Accessor(String name, Method method) implements Part {
        @Override
        public @Nullable Object read(Object owner) {
            try {
                return method.invoke(owner);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "Cannot read " + owner.getClass().getName() + "." + name, e);
            }
        }
    }

    private record FieldPart(String name, Field field) implements Part {
        @Override
        public @Nullable Object read(Object owner) {
            try {
                return field.get(owner);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(
                        "Cannot read " + owner.getClass().getName() + "." + name, e);
            }
        }
    }
}
