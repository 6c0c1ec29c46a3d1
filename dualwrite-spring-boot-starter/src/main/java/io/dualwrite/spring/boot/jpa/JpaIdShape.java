package io.dualwrite.spring.boot.jpa;

import io.dualwrite.core.model.InvalidMigrationException;
import jakarta.persistence.Query;
import jakarta.persistence.metamodel.EmbeddableType;
import jakarta.persistence.metamodel.Metamodel;
import jakarta.persistence.metamodel.SingularAttribute;
import jakarta.persistence.metamodel.Type;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.data.jpa.repository.support.JpaEntityInformation;

/**
 * The id of a {@link JpaStore}'s entity, as JPQL sees it: a single attribute, or the attributes of a composite id,
 * either an {@code @IdClass} (paths {@code e.tenant}, {@code e.seq}) or an {@code @EmbeddedId} (paths
 * {@code e.id.tenant}, {@code e.id.seq}).
 *
 * <p>A composite id is ordered lexicographically by its attributes in the order its class declares their fields
 * (superclass fields first), each by the database's order; a store on the other side of the migration must order
 * its key alike (a {@code JdbcStore}'s {@code compositeKey} columns in that order). Ranges are expanded, since JPQL
 * has no row comparison: {@code (e.a > :a0 or (e.a = :a0 and e.b > :a1))}.
 *
 * @param <K> the id type
 */
final class JpaIdShape<K> {

    /** The JPQL path of each id attribute below the entity alias, in key order: {@code "tenant"} or {@code "id.seq"}. */
    private final List<String> paths;
    /** The id class's field holding each attribute's value; empty for a single id. */
    private final List<Field> fields;

    private JpaIdShape(List<String> paths, List<Field> fields) {
        this.paths = List.copyOf(paths);
        this.fields = List.copyOf(fields);
    }

    static <K> JpaIdShape<K> of(JpaEntityInformation<?, ?> entity, Metamodel metamodel) {
        Class<?> idType = entity.getIdType();
        if (entity.hasCompositeId()) {
            Set<String> attributes = new HashSet<>();
            entity.getIdAttributeNames().forEach(attributes::add);
            List<Field> fields = fieldsOf(entity, idType, attributes);
            return new JpaIdShape<>(fields.stream().map(Field::getName).toList(), fields);
        }
        SingularAttribute<?, ?> attribute = entity.getIdAttribute();
        if (attribute == null) {
            throw new InvalidMigrationException("Entity " + entity.getJavaType().getName() + " has no id attribute;"
                    + " a JpaStore matches both sides of a migration by id");
        }
        Type<?> type = attribute.getType();
        if (type.getPersistenceType() == Type.PersistenceType.EMBEDDABLE) {
            Set<String> attributes = new HashSet<>();
            ((EmbeddableType<?>) type).getAttributes().forEach(a -> attributes.add(a.getName()));
            List<Field> fields = fieldsOf(entity, type.getJavaType(), attributes);
            for (Field field : fields) {
                Class<?> fieldType = field.getType();
                if (metamodel.getManagedTypes().stream().anyMatch(m -> m.getJavaType() == fieldType)) {
                    throw new InvalidMigrationException(
                            "Entity " + entity.getJavaType().getName()
                                    + ": the embedded id's attribute '" + field.getName() + "' is itself embedded or an"
                                    + " entity; a JpaStore orders composite ids by attributes of basic types only");
                }
            }
            return new JpaIdShape<>(
                    fields.stream()
                            .map(f -> attribute.getName() + "." + f.getName())
                            .toList(),
                    fields);
        }
        return new JpaIdShape<>(List.of(attribute.getName()), List.of());
    }

    /** The id class's fields of these attributes, in declaration order, superclass fields first. */
    private static List<Field> fieldsOf(JpaEntityInformation<?, ?> entity, Class<?> idClass, Set<String> attributes) {
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = idClass; c != null && c != Object.class; c = c.getSuperclass()) {
            hierarchy.add(0, c);
        }
        List<Field> fields = new ArrayList<>();
        for (Class<?> c : hierarchy) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (!Modifier.isStatic(modifiers)
                        && !Modifier.isTransient(modifiers)
                        && attributes.contains(field.getName())) {
                    field.setAccessible(true);
                    fields.add(field);
                }
            }
        }
        if (fields.size() != attributes.size()) {
            throw new InvalidMigrationException("Entity " + entity.getJavaType().getName() + ": its id class "
                    + idClass.getName() + " declares fields for "
                    + fields.stream().map(Field::getName).toList()
                    + " of the id attributes " + attributes + "; a JpaStore reads a composite id's attributes from"
                    + " the id class's fields of the same names");
        }
        return fields;
    }

    boolean composite() {
        return !fields.isEmpty();
    }

    /** The single id attribute's name. */
    String single() {
        return paths.get(0);
    }

    /** {@code e.a, e.b}, each followed by {@code desc} when descending. */
    String orderBy(String alias, boolean descending) {
        return String.join(
                ", ",
                paths.stream()
                        .map(p -> alias + "." + p + (descending ? " desc" : ""))
                        .toList());
    }

    /** Ids above the one bound to {@code name} ({@link #bind}). */
    String after(String alias, String name) {
        return bound(alias, name, ">", ">");
    }

    /** Ids up to the one bound to {@code name}, inclusive. */
    String upTo(String alias, String name) {
        return bound(alias, name, "<", "<=");
    }

    private String bound(String alias, String name, String strict, String last) {
        if (!composite()) {
            return alias + "." + paths.get(0) + " " + last + " :" + name;
        }
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            List<String> parts = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                parts.add(alias + "." + paths.get(j) + " = :" + name + j);
            }
            parts.add(alias + "." + paths.get(i) + " " + (i == paths.size() - 1 ? last : strict) + " :" + name + i);
            terms.add("(" + String.join(" and ", parts) + ")");
        }
        return "(" + String.join(" or ", terms) + ")";
    }

    /** Binds an id to the parameters of {@link #after} or {@link #upTo} named {@code name}. */
    void bind(Query query, String name, K id) {
        if (!composite()) {
            query.setParameter(name, id);
            return;
        }
        List<Object> values = values(id);
        for (int i = 0; i < values.size(); i++) {
            query.setParameter(name + i, values.get(i));
        }
    }

    /** Any of {@code count} composite ids: {@code ((e.a = :k0_0 and e.b = :k0_1) or ...)}. */
    String anyOf(String alias, int count) {
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                parts.add(alias + "." + paths.get(i) + " = :k" + k + "_" + i);
            }
            ids.add("(" + String.join(" and ", parts) + ")");
        }
        return "(" + String.join(" or ", ids) + ")";
    }

    /** Binds the ids of {@link #anyOf}. */
    void bindAnyOf(Query query, List<K> ids) {
        for (int k = 0; k < ids.size(); k++) {
            List<Object> values = values(ids.get(k));
            for (int i = 0; i < values.size(); i++) {
                query.setParameter("k" + k + "_" + i, values.get(i));
            }
        }
    }

    /** A composite id's attribute values, in key order. */
    private List<Object> values(K id) {
        List<Object> values = new ArrayList<>(fields.size());
        for (Field field : fields) {
            try {
                Object value = field.get(id);
                if (value == null) {
                    throw new InvalidMigrationException("The id " + id + " has no value for '" + field.getName()
                            + "'; both sides of a migration are matched by the whole id");
                }
                values.add(value);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + field, e);
            }
        }
        return values;
    }
}
