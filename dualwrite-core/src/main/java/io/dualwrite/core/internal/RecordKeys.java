package io.dualwrite.core.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A key record taken apart into its components, in declaration order, and put together again: the built-in form of
 * a composite key ({@code record OrderKey(String tenant, long orderNo)}) for the key codec and the JDBC store.
 *
 * @param <K> the record type
 */
public final class RecordKeys<K> {

    /** Component types the built-in codec and stores know; primitives stand for their wrappers. */
    private static final Set<Class<?>> BUILT_IN =
            Set.of(Long.class, long.class, Integer.class, int.class, String.class, UUID.class);

    private final Class<K> type;
    private final RecordComponent[] components;
    private final Constructor<K> constructor;

    private RecordKeys(Class<K> type) {
        this.type = type;
        this.components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            components[i].getAccessor().setAccessible(true);
        }
        try {
            this.constructor = type.getDeclaredConstructor(types);
            this.constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
        }
    }

    /**
     * The components of {@code type} if it is a record of at least one component, each of a built-in key type
     * ({@code Long}, {@code Integer}, {@code String}, {@code UUID}, or {@code long}, {@code int}).
     *
     * @throws IllegalArgumentException naming the first component of another type, or when {@code type} is no record
     */
    public static <K> RecordKeys<K> of(Class<K> type) {
        if (!type.isRecord() || type.getRecordComponents().length == 0) {
            throw new IllegalArgumentException(type.getName() + " is not a record with components");
        }
        for (RecordComponent component : type.getRecordComponents()) {
            if (!BUILT_IN.contains(component.getType())) {
                throw new IllegalArgumentException("record " + type.getName() + " has component '"
                        + component.getName() + "' of type "
                        + component.getType().getName()
                        + "; built-in key components are Long, Integer, String and UUID");
            }
        }
        return new RecordKeys<>(type);
    }

    /** How many components the record has. */
    public int size() {
        return components.length;
    }

    /** The type of each component, primitives boxed: what to read from a result set. */
    public List<Class<?>> componentTypes() {
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            Class<?> raw = components[i].getType();
            types[i] = raw == long.class ? Long.class : raw == int.class ? Integer.class : raw;
        }
        return List.of(types);
    }

    /** Whether every component's {@code equals} is a database's equality (no string component). */
    public boolean exact() {
        return componentTypes().stream().noneMatch(String.class::equals);
    }

    /** The components of a key, in declaration order. */
    public Object[] values(K key) {
        Objects.requireNonNull(key, "key");
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            try {
                values[i] = components[i].getAccessor().invoke(key);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + type.getName() + "." + components[i].getName(), e);
            }
            if (values[i] == null) {
                throw new IllegalArgumentException("key " + key + " has a null component '" + components[i].getName()
                        + "'; no key component may be null");
            }
        }
        return values;
    }

    /** A key from its components, in declaration order. */
    public K create(Object... values) {
        try {
            return constructor.newInstance(values);
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot create a " + type.getName(), e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(
                    "cannot create a " + type.getName() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
