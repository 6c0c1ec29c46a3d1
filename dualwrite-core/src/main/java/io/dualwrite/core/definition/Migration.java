package io.dualwrite.core.definition;

import io.dualwrite.core.model.Equivalence;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.SqlMapping;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.core.store.KeyCodec;
import io.dualwrite.core.store.KeySource;
import io.dualwrite.core.store.MigrationStore;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The immutable definition of one migration: an OLD and a NEW representation of the same data, keyed alike, and
 * how to map one to the other.
 *
 * <pre>{@code
 * Migration<Long, CustomerRow, NameRow> splitName = Migration.builder("split-full-name", Long.class,
 *                 customerStore, nameStore)
 *         .toNew(row -> new NameRow(row.id(), first(row.fullName()), last(row.fullName())))
 *         .toOld(name -> new CustomerRow(name.id(), name.first() + " " + name.last()))
 *         .build();
 * }</pre>
 *
 * @param <K> the key type shared by both sides
 * @param <O> the old representation
 * @param <N> the new representation
 */
public final class Migration<K, O, N> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final String name;
    private final Class<K> keyType;
    private final MigrationStore<K, O> oldStore;
    private final MigrationStore<K, N> newStore;
    private final Function<O, N> toNew;
    private final @Nullable Function<N, O> toOld;
    private final Map<Side, DivergenceLedger> declaredLedgers;
    private final Equivalence<N> equivalence;
    private final KeyCodec<K> keyCodec;
    private final SecondaryFailurePolicy failurePolicy;
    private final Map<Side, DivergenceLedger> ledgers;
    private final @Nullable SqlMapping sqlMapping;
    private final @Nullable String keyCollationsAccepted;
    private final @Nullable Predicate<N> onlyInNew;
    private final @Nullable KeySource<K> keySource;

    private Migration(Builder<K, O, N> builder) {
        this.name = builder.name;
        this.keyType = builder.keyType;
        this.oldStore = builder.oldStore;
        this.newStore = builder.newStore;
        this.toNew = Objects.requireNonNull(builder.toNew);
        this.toOld = builder.toOld;
        this.equivalence = builder.equivalence;
        this.keyCodec = builder.keyCodec != null ? builder.keyCodec : KeyCodec.forType(keyType);
        this.failurePolicy = builder.failurePolicy;
        this.ledgers = Map.copyOf(builder.ledgers);
        this.declaredLedgers = Map.copyOf(builder.declaredLedgers);
        this.sqlMapping = builder.sqlMapping;
        this.keyCollationsAccepted = builder.keyCollationsAccepted;
        this.onlyInNew = builder.onlyInNew;
        this.keySource = builder.keySource;
    }

    /**
     * This migration with another {@link SecondaryFailurePolicy}, checked as {@link Builder#build()} checks it: how
     * configuration (such as the Spring Boot starter's {@code dualwrite.migrations.<name>.failure-policy}) overrides
     * the policy declared in code.
     *
     * @throws InvalidMigrationException if the policy cannot work with these stores
     */
    public Migration<K, O, N> withFailurePolicy(SecondaryFailurePolicy policy) {
        return copy(name, policy);
    }

    /**
     * This migration under another name, with the same stores, mappings, equivalence, key codec, failure policy and
     * ledgers: how a drill (dualwrite-drill) walks a team's migration through its phases many times over without
     * touching the phase state of the migration itself.
     *
     * @throws InvalidMigrationException if the name is invalid
     */
    public Migration<K, O, N> withName(String name) {
        return copy(name, failurePolicy);
    }

    private Migration<K, O, N> copy(String name, SecondaryFailurePolicy policy) {
        Builder<K, O, N> copy = new Builder<>(name, keyType, oldStore, newStore)
                .toNew(toNew)
                .equivalence(equivalence)
                .keyCodec(keyCodec)
                .failurePolicy(policy);
        if (toOld != null) {
            copy.toOld(toOld);
        }
        if (sqlMapping != null) {
            copy.sqlMapping(sqlMapping);
        }
        if (keyCollationsAccepted != null) {
            copy.acceptKeyCollations(keyCollationsAccepted);
        }
        if (onlyInNew != null) {
            copy.onlyInNew(onlyInNew);
        }
        if (keySource != null) {
            copy.keys(keySource);
        }
        declaredLedgers.forEach(copy::ledger);
        return copy.build();
    }

    /** Starts a definition. The name must be unique among the migrations of one application. */
    public static <K, O, N> Builder<K, O, N> builder(
            String name, Class<K> keyType, MigrationStore<K, O> oldStore, MigrationStore<K, N> newStore) {
        return new Builder<>(name, keyType, oldStore, newStore);
    }

    public String name() {
        return name;
    }

    public Class<K> keyType() {
        return keyType;
    }

    public MigrationStore<K, O> oldStore() {
        return oldStore;
    }

    public MigrationStore<K, N> newStore() {
        return newStore;
    }

    public Equivalence<N> equivalence() {
        return equivalence;
    }

    public KeyCodec<K> keyCodec() {
        return keyCodec;
    }

    public SecondaryFailurePolicy failurePolicy() {
        return failurePolicy;
    }

    /** Whether both sides live in one database, so that a dual write is one transaction. */
    public boolean sidesShareTransactions() {
        return oldStore.transactions().equals(newStore.transactions());
    }

    /** Whether a NEW -> OLD mapping was declared (needed to roll back after the old side stopped being written). */
    public boolean hasReverseMapping() {
        return toOld != null;
    }

    /**
     * Maps an old value to the new representation.
     *
     * @throws InvalidMigrationException if the mapping changed the key
     */
    public N toNew(O oldValue) {
        N mapped = toNew.apply(oldValue);
        requireSameKey(oldStore.keyOf(oldValue), newStore.keyOf(mapped), "OLD -> NEW");
        return mapped;
    }

    /**
     * Maps a new value back to the old representation.
     *
     * @throws InvalidMigrationException if no reverse mapping was declared or it changed the key
     */
    public O toOld(N newValue) {
        if (toOld == null) {
            throw new InvalidMigrationException("Migration '" + name + "' has no NEW -> OLD mapping;"
                    + " declare one with toOld(...) to write or restore the old side from the new one");
        }
        O mapped = toOld.apply(newValue);
        requireSameKey(newStore.keyOf(newValue), oldStore.keyOf(mapped), "NEW -> OLD");
        return mapped;
    }

    /**
     * Whether OLD does not hold this NEW value by design ({@link Builder#onlyInNew}): it is written to NEW only, never
     * mapped back, never reported as extra in NEW, and its presence refuses a move that would make OLD the source of
     * truth again.
     */
    public boolean onlyInNew(N value) {
        return onlyInNew != null && value != null && onlyInNew.test(value);
    }

    /** Whether the migration declares NEW values that OLD does not hold by design. */
    public boolean declaresValuesOnlyInNew() {
        return onlyInNew != null;
    }

    /**
     * Where new keys come from when the database generates them ({@link Builder#keys}): the one source of ids in
     * every phase.
     */
    public Optional<KeySource<K>> keySource() {
        return Optional.ofNullable(keySource);
    }

    /** The NEW -> OLD mapping, if declared. */
    public Optional<Function<N, O>> reverseMapping() {
        return Optional.ofNullable(toOld);
    }

    /** The OLD -> NEW mapping in SQL, if declared (see {@link SqlMapping}). */
    public Optional<SqlMapping> sqlMapping() {
        return Optional.ofNullable(sqlMapping);
    }

    /** Why keys may be compared differently by the two sides, when declared with {@code acceptKeyCollations}. */
    @Nullable
    public String keyCollationsAccepted() {
        return keyCollationsAccepted;
    }

    /** The store of one side. */
    public MigrationStore<K, ?> store(Side side) {
        return side == Side.OLD ? oldStore : newStore;
    }

    /**
     * The ledger that records divergent keys in the given side's database, when that side is the source of truth.
     */
    public Optional<DivergenceLedger> ledger(Side side) {
        return Optional.ofNullable(ledgers.get(side));
    }

    private void requireSameKey(K before, K after, String direction) {
        if (!before.equals(after)) {
            throw new InvalidMigrationException("Migration '" + name + "': the " + direction + " mapping changed key "
                    + before + " into " + after + "; a mapping must keep the key, because both sides are"
                    + " matched, copied and verified by it");
        }
    }

    @Override
    public String toString() {
        return "Migration[" + name + ": " + oldStore.description() + " -> " + newStore.description() + "]";
    }

    /**
     * Builds a {@link Migration}. Required: name, key type, both stores (given to {@link #builder}) and
     * {@link #toNew}.
     */
    public static final class Builder<K, O, N> {
        private final String name;
        private final Class<K> keyType;
        private final MigrationStore<K, O> oldStore;
        private final MigrationStore<K, N> newStore;
        private @Nullable Function<O, N> toNew;
        private @Nullable Function<N, O> toOld;
        private Equivalence<N> equivalence = Equivalence.byEquals();
        private @Nullable KeyCodec<K> keyCodec;
        private SecondaryFailurePolicy failurePolicy = SecondaryFailurePolicy.FAIL;
        private final Map<Side, DivergenceLedger> ledgers = new EnumMap<>(Side.class);
        private final Map<Side, DivergenceLedger> declaredLedgers = new EnumMap<>(Side.class);
        private @Nullable SqlMapping sqlMapping;
        private @Nullable String keyCollationsAccepted;
        private @Nullable Predicate<N> onlyInNew;
        private @Nullable KeySource<K> keySource;

        private Builder(String name, Class<K> keyType, MigrationStore<K, O> oldStore, MigrationStore<K, N> newStore) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new InvalidMigrationException("Migration name '" + name + "' is invalid; use 1 to 100 letters,"
                        + " digits, '.', '_' or '-', starting with a letter or digit");
            }
            this.name = name;
            this.keyType = require(keyType, "key type", "builder(name, keyType, oldStore, newStore)");
            this.oldStore = require(oldStore, "OLD store", "builder(name, keyType, oldStore, newStore)");
            this.newStore = require(newStore, "NEW store", "builder(name, keyType, oldStore, newStore)");
        }

        /** The OLD -> NEW mapping. Required. It must keep the key. */
        public Builder<K, O, N> toNew(Function<O, N> mapping) {
            this.toNew = mapping;
            return this;
        }

        /**
         * Declares the NEW values that OLD does not hold by design, such as a customer's second subscription where
         * the old model had one. They can be written ({@code DualRepository.writeNew}) once NEW is the source of
         * truth, go to NEW only, are not reported as divergences, and, while NEW holds any, a move back to a phase
         * where OLD is the source of truth is refused (it would lose them) unless the request accepts data loss.
         * Their keys must not be keys OLD holds (in the sample, new subscriptions' ids are never customer ids).
         */
        public Builder<K, O, N> onlyInNew(Predicate<N> onlyInNew) {
            this.onlyInNew = require(onlyInNew, "NEW-only predicate", "onlyInNew(...)");
            return this;
        }

        /**
         * Declares where new keys come from when the database generates them, such as
         * {@code KeySequence.of(transactions, "customer_id_seq")}: {@code DualRepository.nextKey()} and
         * {@code create(...)} draw from it in every phase, DROP_OLD included, so that neither side ever gives two
         * values one key and the application never checks the phase to choose a generator. Every other writer of the
         * OLD table must draw from the same source (for a sequence: make it the key column's default); registering
         * the migration refuses a JDBC table whose key column draws from another generator (docs/generated-keys.md).
         */
        public Builder<K, O, N> keys(KeySource<K> source) {
            this.keySource = require(source, "key source", "keys(...)");
            return this;
        }

        /** The NEW -> OLD mapping. Optional; needed to roll back from DROP_OLD. It must keep the key. */
        public Builder<K, O, N> toOld(Function<N, O> mapping) {
            this.toOld = mapping;
            return this;
        }

        /**
         * How to compare a value mapped from OLD with the value read from NEW. Default: {@code equals}
         * ({@link Equivalence#byEquals()}), which {@link #build()} refuses for NEW values that do not override it.
         */
        public Builder<K, O, N> equivalence(Equivalence<N> equivalence) {
            this.equivalence = require(equivalence, "equivalence", "equivalence(...)");
            return this;
        }

        /** How to store keys as text. Default: built in for Long, Integer, String and UUID keys. */
        public Builder<K, O, N> keyCodec(KeyCodec<K> keyCodec) {
            this.keyCodec = require(keyCodec, "key codec", "keyCodec(...)");
            return this;
        }

        /** What a dual write across two databases does when its second write fails. Default: FAIL. */
        public Builder<K, O, N> failurePolicy(SecondaryFailurePolicy policy) {
            this.failurePolicy = require(policy, "failure policy", "failurePolicy(...)");
            return this;
        }

        /**
         * The ledger in the given side's database. Default: dualwrite's table in that database, for JDBC stores.
         */
        public Builder<K, O, N> ledger(Side side, DivergenceLedger ledger) {
            ledgers.put(side, require(ledger, "ledger", "ledger(side, ledger)"));
            declaredLedgers.put(side, ledger);
            return this;
        }

        /**
         * The OLD -> NEW mapping in SQL, which lets the backfill copy inside the database. Both stores must be
         * {@code JdbcStore}s in one database, and the mapping must name every NEW column.
         */
        public Builder<K, O, N> sqlMapping(SqlMapping mapping) {
            this.sqlMapping = require(mapping, "SQL mapping", "sqlMapping(...)");
            return this;
        }

        /**
         * Accepts that the key columns of the two sides hold different keys equal (their collations differ in case,
         * accent or trailing-space sensitivity), which registering the migration otherwise refuses for string keys
         * of {@code JdbcStore}s: declare it only when no two keys differ that way, and say why (such as "keys are
         * lower-case ASCII codes"). The reason is logged when the migration is registered.
         */
        public Builder<K, O, N> acceptKeyCollations(String reason) {
            if (reason == null || reason.isBlank()) {
                throw new InvalidMigrationException("Migration '" + name + "': acceptKeyCollations needs a reason,"
                        + " such as \"keys are lower-case ASCII codes\", but was '" + reason + "'");
            }
            this.keyCollationsAccepted = reason;
            return this;
        }

        /**
         * Checks the definition and builds it.
         *
         * @throws InvalidMigrationException naming the missing or inconsistent part, such as an equivalence by
         *     {@code equals} of NEW values whose class (as the NEW store's {@code valueType()} tells) does not
         *     override it
         */
        public Migration<K, O, N> build() {
            require(toNew, "OLD -> NEW mapping", "toNew(...)");
            if (equivalence != null) {
                newStore.valueType()
                        .flatMap(type -> Equivalence.cannotCompare(
                                equivalence,
                                type,
                                "Migration '" + name + "' compares its NEW values (" + type.getSimpleName()
                                        + ") with equals"))
                        .ifPresent(problem -> {
                            throw new InvalidMigrationException(problem);
                        });
            }
            if (keyCodec == null) {
                try {
                    KeyCodec.forType(keyType);
                } catch (IllegalArgumentException e) {
                    throw new InvalidMigrationException("Migration '" + name + "': " + e.getMessage());
                }
            }
            boolean sameDatabase = oldStore.transactions().equals(newStore.transactions());
            if (!sameDatabase && oldStore.keepsColumns()) {
                // Two writes of a key would write NEW and OLD's kept columns in commit orders that two databases
                // cannot make agree: an OLD row could end with one write's name and the other's email.
                throw new InvalidMigrationException("Migration '" + name + "': its OLD store (" + oldStore.description()
                        + ") keeps columns the migration does not move, and its NEW store lives in another database;"
                        + " kept columns need both sides in one database, where one transaction orders them. Move"
                        + " the NEW table into OLD's database, or write the kept columns yourself and declare only"
                        + " the moved columns (sharedRows())");
            }
            if (sameDatabase && ledgers.size() == 1) {
                // One database, one ledger: both sides record into the one declared.
                DivergenceLedger only = ledgers.values().iterator().next();
                ledgers.put(Side.OLD, only);
                ledgers.put(Side.NEW, only);
            }
            for (Side side : Side.values()) {
                Optional<DivergenceLedger> kept = ledgers.containsKey(side)
                        ? Optional.empty()
                        : (side == Side.OLD ? oldStore : newStore)
                                .transactions()
                                .divergenceLedger();
                if (kept.isPresent()) {
                    DivergenceLedger ledger = kept.get();
                    ledgers.put(side, ledger);
                    if (sameDatabase) {
                        ledgers.put(side.other(), ledger);
                    }
                }
            }
            if (!sameDatabase && ledgers.size() < 2) {
                // A write across two databases records its intent on the side written first, whichever it is.
                throw new InvalidMigrationException("Migration '" + name + "' spans two databases but has no"
                        + " divergence ledger for " + (ledgers.containsKey(Side.OLD) ? "NEW" : "OLD")
                        + "; declare one with ledger(side, ledger) or use JDBC stores");
            }
            if (sqlMapping != null) {
                checkSqlMapping(sameDatabase);
            }
            return new Migration<>(this);
        }

        private void checkSqlMapping(boolean sameDatabase) {
            Optional<List<String>> newColumns = newStore.columnNames();
            if (oldStore.columnNames().isEmpty() || newColumns.isEmpty()) {
                throw new InvalidMigrationException("Migration '" + name + "' declares a SQL mapping, which needs"
                        + " JdbcStores on both sides; remove sqlMapping(...) or use JdbcStore");
            }
            if (!sameDatabase) {
                throw new InvalidMigrationException("Migration '" + name + "' declares a SQL mapping, but its"
                        + " sides live in two databases; a SQL mapping works within one database only");
            }
            if (!sqlMapping.expressions().keySet().equals(new java.util.HashSet<>(newColumns.get()))) {
                throw new InvalidMigrationException("Migration '" + name + "': the SQL mapping must give an"
                        + " expression for exactly the NEW columns " + newColumns.get() + ", but gives "
                        + sqlMapping.expressions().keySet());
            }
        }

        private <T> T require(@Nullable T value, String part, String fix) {
            if (value == null) {
                throw new InvalidMigrationException(
                        "Migration '" + name + "' has no " + part + "; declare it with " + fix);
            }
            return value;
        }
    }
}
