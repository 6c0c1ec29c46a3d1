package io.dualwrite.spring.boot.jpa;

import io.dualwrite.core.model.InvalidMigrationException;
import jakarta.persistence.metamodel.Attribute;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.SingularAttribute;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The attributes of an OLD entity that a migration moves, and the others it keeps ({@link JpaStore#migrating}):
 * copies one group from a value onto the managed entity, clears the migrated ones, and says whether an entity holds
 * a value of the migration (a migrated attribute is not null).
 */
final class MigratedAttributes {

    private final List<Field> migrated;
    private final List<Field> kept;
    private final List<String> migratedNames;

    private MigratedAttributes(List<Field> migrated, List<Field> kept) {
        this.migrated = List.copyOf(migrated);
        this.kept = List.copyOf(kept);
        this.migratedNames = migrated.stream().map(Field::getName).toList();
    }

    /**
     * The attributes named {@code names} of {@code entity} as the migrated ones, every other singular attribute
     * except the id and the version as kept ones.
     *
     * @throws InvalidMigrationException if a name is not a singular attribute of the entity, is its id or version,
     *     has a primitive type (it could not be cleared), or none is given
     */
    static MigratedAttributes of(EntityType<?> entity, Set<String> names) {
        String entityName = entity.getJavaType().getName();
        if (names.isEmpty()) {
            throw new InvalidMigrationException(
                    "Entity " + entityName + ": name the attributes the migration moves, at least one");
        }
        Set<String> singular = new TreeSet<>();
        for (Attribute<?, ?> attribute : entity.getAttributes()) {
            if (!attribute.isCollection()) {
                singular.add(attribute.getName());
            }
        }
        List<Field> migrated = new ArrayList<>();
        List<Field> kept = new ArrayList<>();
        for (String name : new LinkedHashSet<>(names)) {
            if (!singular.contains(name)) {
                throw new InvalidMigrationException("Entity " + entityName + " has no attribute '" + name
                        + "' a migration can move; its single-valued attributes are " + singular);
            }
        }
        for (SingularAttribute<?, ?> attribute : entity.getSingularAttributes()) {
            if (attribute.isId() || attribute.isVersion()) {
                if (names.contains(attribute.getName())) {
                    throw new InvalidMigrationException("Entity " + entityName + ": '" + attribute.getName()
                            + "' is its " + (attribute.isId() ? "id" : "version")
                            + ", which every side keeps; name only the attributes the migration moves");
                }
                continue;
            }
            Field field = field(entity.getJavaType(), attribute.getName());
            if (names.contains(attribute.getName())) {
                if (field.getType().isPrimitive()) {
                    throw new InvalidMigrationException("Entity " + entityName + ": the migrated attribute '"
                            + attribute.getName() + "' has the primitive type " + field.getType()
                            + ", so it cannot be cleared when the migration deletes a value; declare it with "
                            + "its wrapper type, and its column as nullable");
                }
                migrated.add(field);
            } else {
                kept.add(field);
            }
        }
        return new MigratedAttributes(migrated, kept);
    }

    private static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                if (!field.trySetAccessible()) {
                    throw new InvalidMigrationException(
                            "Cannot access " + type.getName() + "." + name + ": open its package to dualwrite");
                }
                return field;
            } catch (NoSuchFieldException e) {
                // a superclass may declare it
            }
        }
        throw new InvalidMigrationException("Entity " + type.getName() + " has no field for its attribute '" + name
                + "'; a migration that moves some attributes needs a field per attribute");
    }

    /** The migrated attributes' names, in the entity's order. */
    List<String> names() {
        return migratedNames;
    }

    /** Whether the entity holds a value of the migration: a migrated attribute is not null. */
    boolean holdsValue(@Nullable Object entity) {
        Object target = unproxy(entity);
        return target != null && migrated.stream().anyMatch(field -> get(field, target) != null);
    }

    /** The JPQL condition that an entity of alias {@code e} holds a value of the migration. */
    String holdsValueCondition(String alias) {
        return migratedNames.stream()
                .map(name -> alias + "." + name + " is not null")
                .collect(Collectors.joining(" or ", "(", ")"));
    }

    void copyMigrated(Object from, Object to) {
        copy(migrated, from, to);
    }

    void copyKept(Object from, Object to) {
        copy(kept, from, to);
    }

    void clearMigrated(Object entity) {
        Object target = unproxy(entity);
        for (Field field : migrated) {
            set(field, target, null);
        }
    }

    private static void copy(List<Field> fields, Object from, Object to) {
        Object source = unproxy(from);
        Object target = unproxy(to);
        if (source == target) {
            return;
        }
        for (Field field : fields) {
            set(field, target, get(field, source));
        }
    }

    /**
     * The entity behind a lazy proxy (a reference the caller's persistence context holds, such as
     * {@code getReferenceById}), initialized: its fields are the ones the persistence context flushes, the proxy's
     * are not. Hibernate's proxies are recognized by their {@code getHibernateLazyInitializer()}, without a
     * compile-time dependency on Hibernate; other values are returned as they are.
     */
    static @Nullable Object unproxy(@Nullable Object entity) {
        if (entity == null) {
            return null;
        }
        try {
            Object initializer =
                    entity.getClass().getMethod("getHibernateLazyInitializer").invoke(entity);
            return initializer.getClass().getMethod("getImplementation").invoke(initializer);
        } catch (NoSuchMethodException notAProxy) {
            return entity;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot read the entity behind the proxy " + entity.getClass(), e);
        }
    }

    private static @Nullable Object get(Field field, Object owner) {
        try {
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot read " + field, e);
        }
    }

    private static void set(Field field, Object owner, @Nullable Object value) {
        try {
            field.set(owner, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot write " + field, e);
        }
    }
}
