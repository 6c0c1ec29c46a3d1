package io.dualwrite.spring.boot.jpa;

import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.spring.boot.SpringJdbcTransactions;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.support.JpaEntityInformation;
import org.springframework.data.jpa.repository.support.JpaEntityInformationSupport;
import org.springframework.orm.jpa.EntityManagerFactoryInfo;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * One side of a migration kept as JPA entities, read and written through the application's Spring Data
 * repository. Every operation joins the Spring-managed transaction open on the calling thread; two stores (JPA or
 * JDBC) on the same {@link DataSource} are written in one transaction.
 *
 * <p>The entity needs an application-assigned id (both sides of a migration are matched, copied and verified by
 * key: walked in the database's order of ids and looked up by its equality): a single id attribute, or a composite
 * id, {@code @IdClass} or {@code @EmbeddedId} ({@link JpaIdShape}). Locked reads use
 * {@link LockModeType#PESSIMISTIC_READ}, which Hibernate turns into {@code FOR SHARE} on PostgreSQL and
 * {@code LOCK IN SHARE MODE} on MariaDB.
 *
 * <p>Writes keep JPA's semantics: two transactions that create the same new id at once collide on its primary key,
 * and one fails, as the application's own {@code save} would without dualwrite. Once a row exists, its lock
 * serializes every write of it, on both sides.
 *
 * @param <K> the id type
 * @param <E> the entity type
 */
public final class JpaStore<K, E> implements MigrationStore<K, E> {

    /** Ids per {@code in :keys} list. */
    private static final int LOOKUP_BATCH = 500;

    /** Composite ids per OR of equalities: each takes a parameter per id attribute. */
    private static final int COMPOSITE_LOOKUP_BATCH = 100;

    /** Id types whose {@code equals} is the database's equality, so that no spelling of an id can differ. */
    private static final Set<Class<?>> EXACT_ID_TYPES = Set.of(
            Long.class, Integer.class, Short.class, Byte.class, java.math.BigInteger.class, java.util.UUID.class);

    private final JpaRepository<E, K> repository;
    private final JpaEntityInformation<E, ?> entity;
    private final EntityManager entityManager;
    private final JdbcTransactions transactions;
    private final JpaIdShape<K> id;
    private final EntityManagerFactory entityManagerFactory;
    private final PlatformTransactionManager transactionManager;
    /** The attributes the migration moves when it moves only some ({@link #migrating}); null when it moves all. */
    private final @Nullable MigratedAttributes migrated;

    private JpaStore(
            JpaRepository<E, K> repository,
            Class<E> entityType,
            EntityManagerFactory entityManagerFactory,
            PlatformTransactionManager transactionManager,
            @Nullable Set<String> migratedAttributes) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.entityManagerFactory = entityManagerFactory;
        this.transactionManager = transactionManager;
        this.entityManager = SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory);
        this.entity = JpaEntityInformationSupport.getEntityInformation(entityType, entityManager);
        this.id = JpaIdShape.of(entity, entityManager.getMetamodel());
        this.transactions = new SpringJdbcTransactions(dataSourceOf(entityManagerFactory), transactionManager);
        this.migrated = migratedAttributes == null
                ? null
                : MigratedAttributes.of(entityManagerFactory.getMetamodel().entity(entityType), migratedAttributes);
    }

    /**
     * A store of the entities of {@code entityType}, kept by {@code repository} in the persistence unit of
     * {@code entityManagerFactory}, whose transactions {@code transactionManager} manages.
     *
     * @throws InvalidMigrationException if the entity's composite id cannot be taken apart, or the factory does not
     *     expose its DataSource (build it with Spring's {@code LocalContainerEntityManagerFactoryBean})
     */
    public static <K, E> JpaStore<K, E> of(
            JpaRepository<E, K> repository,
            Class<E> entityType,
            EntityManagerFactory entityManagerFactory,
            PlatformTransactionManager transactionManager) {
        return new JpaStore<>(repository, entityType, entityManagerFactory, transactionManager, null);
    }

    /**
     * This store for a migration that moves only the named attributes of the entity and keeps the others (a
     * product's price moves to its own table, its name stays): the application writes the whole entity through the
     * migration's {@code DualRepository} in every phase, and the kept attributes keep being written in DROP_OLD and
     * after, when the migrated ones no longer are. The backfill, the verifier, the re-sync and repairs read and write
     * the migrated attributes only (a value mapped back from NEW cannot know the kept ones), a delete by them clears
     * those, and an entity whose migrated attributes are all null holds no value of the migration; the
     * application's delete removes the entity. The migrated attributes' columns must accept NULL.
     *
     * <p>Pass the repository detached or new entities: JPA itself flushes the changes of an entity the caller's
     * persistence context manages, whatever the phase.
     *
     * @throws InvalidMigrationException if an attribute is unknown, the id or version, multi-valued, or primitive
     */
    public JpaStore<K, E> migrating(String... attributes) {
        return new JpaStore<>(
                repository,
                entity.getJavaType(),
                entityManagerFactory,
                transactionManager,
                new java.util.LinkedHashSet<>(List.of(attributes)));
    }

    /** The attributes this store's migration moves, when it moves only some ({@link #migrating}). */
    public Optional<List<String>> migratedAttributes() {
        return migrated == null ? Optional.empty() : Optional.of(migrated.names());
    }

    private boolean holdsValue(@Nullable E value) {
        return value != null && (migrated == null || migrated.holdsValue(value));
    }

    private String holdsValueCondition() {
        return migrated == null ? "" : " and " + migrated.holdsValueCondition("e");
    }

    @Override
    @SuppressWarnings("unchecked")
    public K keyOf(E value) {
        Object id = entity.getId(value);
        if (id == null) {
            throw new InvalidMigrationException("A " + entity.getEntityName() + " without an id cannot be migrated;"
                    + " both sides are matched by id, so assign it before writing");
        }
        return (K) id;
    }

    @Override
    public Optional<E> read(K key) {
        return repository.findById(key).filter(this::holdsValue);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code in :keys} query per batch of ids (for a composite id, an OR of each id's attributes' equalities),
     * matched to the ids asked for by the ids of the entities
     * loaded. An id left unmatched while the database's equality may be coarser than Java's (a string id under a
     * case-insensitive collation) is looked for once more, and, if the database holds it under another spelling,
     * read as {@link #read} reads it.
     */
    @Override
    public Map<K, E> readAll(Collection<K> keys) {
        List<K> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
        Map<K, E> found = new HashMap<>();
        int batchSize = id.composite() ? COMPOSITE_LOOKUP_BATCH : LOOKUP_BATCH;
        for (int from = 0; from < distinct.size(); from += batchSize) {
            List<K> batch = distinct.subList(from, Math.min(distinct.size(), from + batchSize));
            Map<K, E> loaded = new HashMap<>();
            for (E value : selectIn(batch)) {
                loaded.put(keyOf(value), value);
            }
            List<K> unmatched = new ArrayList<>();
            for (K key : batch) {
                E value = loaded.get(key);
                if (value != null) {
                    found.put(key, value);
                } else {
                    unmatched.add(key);
                }
            }
            if (!unmatched.isEmpty()
                    && (id.composite() || !EXACT_ID_TYPES.contains(entity.getIdType()))
                    && !selectIn(unmatched).isEmpty()) {
                for (K key : unmatched) {
                    read(key).ifPresent(value -> found.put(key, value));
                }
            }
        }
        return found;
    }

    private List<E> selectIn(List<K> keys) {
        return selectIn(keys, holdsValueCondition());
    }

    /** The entities of the keys that meet {@code condition} (empty, or " and ..."). */
    private List<E> selectIn(List<K> keys, String condition) {
        if (id.composite()) {
            // Hibernate does not bind a list of composite ids to "in :keys": one equality per id, OR-ed.
            TypedQuery<E> query = entityManager.createQuery(
                    "select e from " + entity.getEntityName() + " e where (" + id.anyOf("e", keys.size()) + ")"
                            + condition,
                    entity.getJavaType());
            id.bindAnyOf(query, keys);
            return query.getResultList();
        }
        return entityManager
                .createQuery(
                        "select e from " + entity.getEntityName() + " e where e." + id.single() + " in :keys"
                                + condition,
                        entity.getJavaType())
                .setParameter("keys", keys)
                .getResultList();
    }

    @Override
    public Optional<E> readLocked(K key) {
        return Optional.ofNullable(entityManager.find(entity.getJavaType(), key, LockModeType.PESSIMISTIC_READ))
                .filter(this::holdsValue);
    }

    /**
     * Locks the stored row (or, where the database has them, the gap where it would be), then saves the value and
     * flushes at once. The locking read sees the latest committed row even under a REPEATABLE READ snapshot, so a
     * row the backfill committed meanwhile is updated rather than inserted twice; the flush makes the source of
     * truth's write reach the database before the other side's, in the order the backfill locks them.
     */
    @Override
    public void upsert(E value) {
        E stored = entityManager.find(entity.getJavaType(), keyOf(value), LockModeType.PESSIMISTIC_WRITE);
        if (migrated != null && stored != null) {
            migrated.copyMigrated(value, stored); // the kept attributes stay as the application wrote them
        } else {
            repository.save(value);
        }
        entityManager.flush();
    }

    @Override
    public void insertAbsent(List<E> values) {
        if (values.isEmpty()) {
            return;
        }
        List<K> keys = values.stream().map(this::keyOf).toList();
        Set<Object> present = new HashSet<>();
        if (id.composite()) {
            for (int from = 0; from < keys.size(); from += COMPOSITE_LOOKUP_BATCH) {
                List<K> batch = keys.subList(from, Math.min(keys.size(), from + COMPOSITE_LOOKUP_BATCH));
                for (E stored : selectIn(batch, "")) { // every stored entity, a value of the migration or not
                    present.add(keyOf(stored));
                }
            }
        } else {
            present.addAll(entityManager
                    .createQuery(
                            "select e." + id.single() + " from " + entity.getEntityName() + " e where e." + id.single()
                                    + " in :keys",
                            Object.class)
                    .setParameter("keys", keys)
                    .getResultList());
        }
        for (E value : values) {
            if (!present.contains(keyOf(value))) {
                entityManager.persist(value);
            } else if (migrated != null) {
                // An entity the application keeps that holds no value of the migration yet: fill it, never overwrite.
                E stored = entityManager.find(entity.getJavaType(), keyOf(value), LockModeType.PESSIMISTIC_WRITE);
                if (stored != null && !migrated.holdsValue(stored)) {
                    migrated.copyMigrated(value, stored);
                }
            }
        }
        entityManager.flush();
    }

    /**
     * Deletes the row found by a locking read, which sees the latest committed row even under a REPEATABLE READ
     * snapshot (a row the backfill just copied is deleted, not left behind), and flushes at once, as {@link #upsert}.
     */
    @Override
    public void delete(K key) {
        E stored = entityManager.find(entity.getJavaType(), key, LockModeType.PESSIMISTIC_WRITE);
        if (stored != null) {
            if (migrated != null) {
                migrated.clearMigrated(stored); // the entity is the application's: only the migration's value goes
            } else {
                entityManager.remove(stored);
            }
            entityManager.flush();
        }
    }

    @Override
    public boolean keepsColumns() {
        return migrated != null;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Copies the kept attributes onto the stored entity, found by a locking read; an absent entity is created
     * from the value with its migrated attributes cleared.
     */
    @Override
    public void upsertKept(List<E> values) {
        if (migrated == null) {
            throw new UnsupportedOperationException(description() + " keeps no attributes; see migrating(...)");
        }
        for (E value : values) {
            E stored = entityManager.find(entity.getJavaType(), keyOf(value), LockModeType.PESSIMISTIC_WRITE);
            if (stored != null) {
                migrated.copyKept(value, stored);
            } else {
                E created = entityManager.merge(value);
                migrated.clearMigrated(created);
            }
        }
        entityManager.flush();
    }

    @Override
    public void deleteRows(Collection<K> keys) {
        if (migrated == null) {
            deleteAll(keys);
            return;
        }
        for (K key : keys) {
            E stored = entityManager.find(entity.getJavaType(), key, LockModeType.PESSIMISTIC_WRITE);
            if (stored != null) {
                entityManager.remove(stored);
            }
        }
        entityManager.flush();
    }

    @Override
    public List<E> scan(@Nullable K afterExclusive, @Nullable K upToInclusive, int limit) {
        return scanQuery(afterExclusive, upToInclusive, limit).getResultList();
    }

    @Override
    public List<E> scanLocked(@Nullable K afterExclusive, @Nullable K upToInclusive, int limit) {
        return scanQuery(afterExclusive, upToInclusive, limit)
                .setLockMode(LockModeType.PESSIMISTIC_READ)
                .getResultList();
    }

    private TypedQuery<E> scanQuery(@Nullable K afterExclusive, @Nullable K upToInclusive, int limit) {
        StringBuilder jpql =
                new StringBuilder("select e from " + entity.getEntityName() + " e where 1 = 1" + holdsValueCondition());
        if (afterExclusive != null) {
            jpql.append(" and ").append(id.after("e", "after"));
        }
        if (upToInclusive != null) {
            jpql.append(" and ").append(id.upTo("e", "upTo"));
        }
        jpql.append(" order by ").append(id.orderBy("e", false));
        TypedQuery<E> query = entityManager.createQuery(jpql.toString(), entity.getJavaType());
        if (afterExclusive != null) {
            id.bind(query, "after", afterExclusive);
        }
        if (upToInclusive != null) {
            id.bind(query, "upTo", upToInclusive);
        }
        return query.setMaxResults(limit);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<K> maxKey() {
        if (id.composite()) {
            List<E> last = entityManager
                    .createQuery(
                            "select e from " + entity.getEntityName() + " e where 1 = 1" + holdsValueCondition()
                                    + " order by " + id.orderBy("e", true),
                            entity.getJavaType())
                    .setMaxResults(1)
                    .getResultList();
            return last.isEmpty() ? Optional.empty() : Optional.of(keyOf(last.get(0)));
        }
        Object max = entityManager
                .createQuery("select max(e." + id.single() + ") from " + entity.getEntityName() + " e where 1 = 1"
                        + holdsValueCondition())
                .getSingleResult();
        return Optional.ofNullable((K) max);
    }

    @Override
    public long estimateSize() {
        return repository.count();
    }

    @Override
    public JdbcTransactions transactions() {
        return transactions;
    }

    @Override
    public String description() {
        return entity.getEntityName() + " entities"
                + (migrated == null ? "" : " (attributes " + migrated.names() + ")");
    }

    /** The entity class: a migration refuses to compare entities with {@code equals} unless they override it. */
    @Override
    public Optional<Class<E>> valueType() {
        return Optional.of(entity.getJavaType());
    }

    private static DataSource dataSourceOf(EntityManagerFactory factory) {
        if (factory instanceof EntityManagerFactoryInfo info && info.getDataSource() != null) {
            return info.getDataSource();
        }
        throw new InvalidMigrationException("The EntityManagerFactory " + factory + " does not expose its DataSource;"
                + " build it with Spring's LocalContainerEntityManagerFactoryBean (as Spring Boot does)");
    }
}
