package io.dualwrite.core.model;

import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Decides whether two values of the new representation stand for the same data: the value read from the new side
 * and the value mapped from the old side.
 *
 * @param <N> the new representation
 */
@FunctionalInterface
public interface Equivalence<N> {

    /**
     * Why {@code equivalence} cannot compare values of {@code type}, if it cannot: an equivalence by {@code equals}
     * ({@link #byEquals()}) of a class that does not override {@code equals} compares identities, so every look
     * would differ. Empty for every other equivalence.
     *
     * @param subject what compares, for the message (such as "Migration 'x' compares its NEW values with equals")
     */
    static Optional<String> cannotCompare(Equivalence<?> equivalence, Class<?> type, String subject) {
        return equivalence instanceof EqualsEquivalence ? EqualsEquivalence.problem(type, subject) : Optional.empty();
    }

    boolean equivalent(N expected, N actual);

    /**
     * {@link Objects#equals}: right for records and value classes, and the default of a {@link Migration}. Refuses,
     * with an {@link InvalidMigrationException} naming the type and the fix, values whose class does not override
     * {@code equals} (such as a JPA entity) or records with a component that does not (an array, say): such values
     * are equal only to themselves, so a verification would take every key for a write in flight. A migration
     * whose NEW store declares such a {@link io.dualwrite.core.store.MigrationStore#valueType() value type} is
     * refused when it is built.
     */
    @SuppressWarnings("unchecked")
    static <N> Equivalence<N> byEquals() {
        return (Equivalence<N>) EqualsEquivalence.INSTANCE;
    }

    /**
     * Equal after both values went through a normalizer (for example, a JSON text parsed into a tree); the
     * normalized values are compared as {@link #byEquals()} compares them.
     */
    static <N> Equivalence<N> by(Function<? super N, ?> normalizer) {
        Objects.requireNonNull(normalizer, "normalizer");
        return (a, b) -> EqualsEquivalence.INSTANCE.equivalent(normalizer.apply(a), normalizer.apply(b));
    }

    /**
     * Compares values field by field, whatever their {@code equals} (a JPA entity's often compares ids only): a
     * record's components, or the non-static, non-transient fields declared by the class and its superclasses.
     * Nested values without {@code equals}, and nested JPA entities and embeddables, are compared field by field too, {@code BigDecimal}s by
     * {@code compareTo} (1.5 equals 1.50), arrays and lists element by element, anything else with
     * {@code equals}. Fields a side sets on its own (a version, an audit timestamp) make values differ: normalize
     * them away with {@link #by(Function)} instead.
     */
    static <N> Equivalence<N> byFields() {
        return io.dualwrite.core.internal.FieldComparison::same;
    }

    /** Compares a record component by component, some ignored, some normalized first. */
    static <N extends Record> RecordEquivalence<N> forRecord(Class<N> type) {
        return new RecordEquivalence<>(type);
    }

    /**
     * An {@link Equivalence} of records, component by component: components can be ignored (a timestamp each side
     * sets itself) or normalized before comparison (trailing spaces of a CHAR column, letter case). Components are
     * compared as {@link #byEquals()} compares values.
     */
    final class RecordEquivalence<N extends Record> implements Equivalence<N> {

        private final Class<N> type;
        private final Map<String, RecordComponent> components = new java.util.LinkedHashMap<>();
        private final Map<String, java.lang.reflect.Method> accessors = new HashMap<>();
        private final Set<String> ignored = new HashSet<>();
        private final Map<String, UnaryOperator<Object>> normalizers = new HashMap<>();
        private final Map<Class<?>, UnaryOperator<Object>> typeNormalizers = new HashMap<>();

        private RecordEquivalence(Class<N> type) {
            this.type = Objects.requireNonNull(type, "type");
            for (RecordComponent component : type.getRecordComponents()) {
                java.lang.reflect.Method accessor = component.getAccessor();
                accessor.setAccessible(true);
                components.put(component.getName(), component);
                accessors.put(component.getName(), accessor);
            }
        }

        /** Leaves these components out of the comparison. */
        public RecordEquivalence<N> ignoring(String... names) {
            for (String name : names) {
                ignored.add(component(name).getName());
            }
            return this;
        }

        /** Normalizes one component before comparing it. */
        @SuppressWarnings("unchecked")
        public <T> RecordEquivalence<N> normalizing(String name, UnaryOperator<T> normalizer) {
            normalizers.put(component(name).getName(), value -> value == null ? null : normalizer.apply((T) value));
            return this;
        }

        /** Normalizes every component of a type before comparing it, such as {@code String::strip} for strings. */
        @SuppressWarnings("unchecked")
        public <T> RecordEquivalence<N> normalizingAll(Class<T> valueType, UnaryOperator<T> normalizer) {
            typeNormalizers.put(valueType, value -> value == null ? null : normalizer.apply((T) value));
            return this;
        }

        @Override
        public boolean equivalent(N expected, N actual) {
            for (RecordComponent component : components.values()) {
                if (ignored.contains(component.getName())) {
                    continue;
                }
                if (!EqualsEquivalence.INSTANCE.equivalent(
                        normalized(component, expected), normalized(component, actual))) {
                    return false;
                }
            }
            return true;
        }

        private Object normalized(RecordComponent component, N record) {
            Object value;
            try {
                value = accessors.get(component.getName()).invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot read " + type.getSimpleName() + "." + component.getName(), e);
            }
            UnaryOperator<Object> byType = typeNormalizers.get(component.getType());
            if (byType != null) {
                value = byType.apply(value);
            }
            UnaryOperator<Object> byName = normalizers.get(component.getName());
            return byName == null ? value : byName.apply(value);
        }

        private RecordComponent component(String name) {
            RecordComponent component = components.get(name);
            if (component == null) {
                throw new IllegalArgumentException(type.getSimpleName() + " has no component '" + name
                        + "'; its components are " + new java.util.TreeSet<>(components.keySet()));
            }
            return component;
        }
    }
}
