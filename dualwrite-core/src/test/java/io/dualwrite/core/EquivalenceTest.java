package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.core.store.Transactions;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EquivalenceTest {

    record Account(long id, String name, String code, Instant updatedAt) {}

    /** An entity-like class: no equals, a superclass, a transient and a static field, a nested entity. */
    static class Base {
        long id;
        transient String cache;

        Base(long id) {
            this.id = id;
            this.cache = "cache-" + System.nanoTime();
        }
    }

    static class Customer extends Base {
        static int instances;
        String name;
        BigDecimal balance;
        Address address;
        List<Address> previous = new ArrayList<>();
        Customer self;

        Customer(long id, String name, BigDecimal balance, Address address) {
            super(id);
            this.name = name;
            this.balance = balance;
            this.address = address;
            this.self = this;
            instances++;
        }
    }

    static class Address {
        String city;

        Address(String city) {
            this.city = city;
        }
    }

    record Document(long id, byte[] payload) {}

    record Wrapper(long id, Address address) {}

    enum Plan {
        FREE,
        PRO
    }

    private final Instant now = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void recordsCompareComponentByComponentByDefault() {
        Equivalence<Account> equivalence = Equivalence.forRecord(Account.class);

        assertThat(equivalence.equivalent(new Account(1, "a", "x", now), new Account(1, "a", "x", now)))
                .isTrue();
        assertThat(equivalence.equivalent(new Account(1, "a", "x", now), new Account(1, "b", "x", now)))
                .isFalse();
    }

    @Test
    void ignoredComponentsDoNotCount() {
        Equivalence<Account> equivalence = Equivalence.forRecord(Account.class).ignoring("updatedAt");

        assertThat(equivalence.equivalent(new Account(1, "a", "x", now), new Account(1, "a", "x", now.plusSeconds(9))))
                .isTrue();
    }

    @Test
    void normalizersApplyPerComponentAndPerType() {
        Equivalence<Account> equivalence = Equivalence.forRecord(Account.class)
                .normalizingAll(String.class, String::stripTrailing)
                .normalizing("code", (String code) -> code.toUpperCase(Locale.ROOT));

        assertThat(equivalence.equivalent(new Account(1, "a", "xy", now), new Account(1, "a   ", "XY   ", now)))
                .isTrue();
        assertThat(equivalence.equivalent(new Account(1, "a", null, now), new Account(1, "a", null, now)))
                .isTrue();
        assertThat(equivalence.equivalent(new Account(1, "a", null, now), new Account(1, "a", "", now)))
                .as("NULL and empty stay different")
                .isFalse();
    }

    @Test
    void anUnknownComponentIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> Equivalence.forRecord(Account.class).ignoring("updated_at"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Account has no component 'updated_at'; its components are [code, id, name, updatedAt]");
    }

    @Test
    void aNormalizerMakesAnyTypeComparable() {
        Equivalence<String> json = Equivalence.by(text -> text.replaceAll("\\s+", ""));

        assertThat(json.equivalent("{\"a\": 1}", "{\"a\":1}")).isTrue();
        assertThat(json.equivalent("{\"a\": 1}", "{\"a\":2}")).isFalse();
    }

    @Test
    void byFieldsComparesClassesWithoutEqualsFieldByFieldUpTheHierarchy() {
        Equivalence<Customer> byFields = Equivalence.byFields();
        Customer a = new Customer(1, "Ada", new BigDecimal("1.5"), new Address("London"));
        Customer b = new Customer(1, "Ada", new BigDecimal("1.50"), new Address("London"));
        b.previous = new LinkedList<>(List.of());

        assertThat(byFields.equivalent(a, b))
                .as("transient and static fields are left out, BigDecimal by compareTo, lists of any class, cycles")
                .isTrue();
        b.address.city = "Paris";
        assertThat(byFields.equivalent(a, b))
                .as("a nested class without equals, field by field")
                .isFalse();
        b.address.city = "London";
        b.id = 2;
        assertThat(byFields.equivalent(a, b)).as("a superclass field").isFalse();
        b.id = 1;
        a.previous.add(new Address("York"));
        b.previous.add(new Address("York"));
        assertThat(byFields.equivalent(a, b)).isTrue();
        b.previous.set(0, new Address("Leeds"));
        assertThat(byFields.equivalent(a, b))
                .as("list elements without equals, field by field")
                .isFalse();
    }

    @Test
    void byFieldsComparesRecordsComponentByComponentWithArraysByContent() {
        Equivalence<Document> byFields = Equivalence.byFields();

        assertThat(byFields.equivalent(new Document(1, new byte[] {1, 2}), new Document(1, new byte[] {1, 2})))
                .isTrue();
        assertThat(byFields.equivalent(new Document(1, new byte[] {1, 2}), new Document(1, new byte[] {1, 3})))
                .isFalse();
        assertThat(Equivalence.<Plan>byFields().equivalent(Plan.PRO, Plan.PRO)).isTrue();
        assertThat(Equivalence.<String>byFields().equivalent("a", "b")).isFalse();
    }

    @Test
    void byEqualsRefusesValuesThatAreEqualOnlyToThemselvesNamingTheTypeAndTheFix() {
        Equivalence<Object> byEquals = Equivalence.byEquals();
        Address london = new Address("London");

        assertThatThrownBy(() -> byEquals.equivalent(london, new Address("London")))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessage("Values of Address are compared with equals, but " + Address.class.getName()
                        + " does not override equals, so its values are equal only to themselves: every value mapped"
                        + " from OLD would differ from the one read from NEW, and a verification would take every key"
                        + " for a write in flight; declare .equivalence(Equivalence.byFields()) to compare them field"
                        + " by field, another .equivalence(...), or override equals and hashCode in Address");
        assertThatThrownBy(() -> byEquals.equivalent(new Document(1, new byte[0]), new Document(1, new byte[0])))
                .hasMessageContaining(Document.class.getName() + " is a record, but its component Document.payload"
                        + " (byte[]) is an array, so the record's equals compares it by identity");
        assertThatThrownBy(() -> byEquals.equivalent(new Wrapper(1, london), new Wrapper(1, london)))
                .hasMessageContaining("its component Wrapper.address (" + Address.class.getName() + ")");
        assertThatThrownBy(() -> Equivalence.by(name -> london).equivalent("a", "b"))
                .as("a normalizer's values are checked as well")
                .isInstanceOf(InvalidMigrationException.class);
        assertThat(byEquals.equivalent(Plan.PRO, Plan.PRO))
                .as("enums are singletons")
                .isTrue();
        assertThat(byEquals.equivalent(new Account(1, "a", "x", now), new Account(1, "a", "x", now)))
                .isTrue();
        assertThat(byEquals.equivalent(null, null)).isTrue();
    }

    @Test
    void aMigrationWhoseNewStoreDeclaresATypeWithoutEqualsNeedsAnEquivalence() {
        MigrationStore<Long, Document> documents = new TypedStore<>(Document.class);
        MigrationStore<Long, Account> accounts = new TypedStore<>(Account.class);

        assertThatThrownBy(() -> Migration.builder("documents", Long.class, accounts, documents)
                        .toNew(account -> new Document(account.id(), new byte[0]))
                        .build())
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageStartingWith("Migration 'documents' compares its NEW values (Document) with equals, but "
                        + Document.class.getName() + " is a record, but its component Document.payload (byte[])");
        assertThat(Migration.builder("documents", Long.class, accounts, documents)
                        .toNew(account -> new Document(account.id(), new byte[0]))
                        .equivalence(Equivalence.byFields())
                        .build()
                        .equivalence()
                        .equivalent(new Document(1, new byte[] {7}), new Document(1, new byte[] {7})))
                .isTrue();
        assertThat(Migration.builder("accounts", Long.class, documents, accounts)
                        .toNew(document -> new Account(document.id(), "a", "x", now))
                        .build())
                .as("records of values with equals keep equals")
                .isNotNull();
    }

    /** Just enough of a store to build a migration: it tells its value type and holds nothing. */
    private record TypedStore<V>(Class<V> type) implements MigrationStore<Long, V> {
        private static final Transactions TRANSACTIONS = new Transactions() {
            @Override
            public <T> T inTransaction(java.util.function.Supplier<T> work) {
                return work.get();
            }

            @Override
            public <T> T inNewTransaction(java.util.function.Supplier<T> work) {
                return work.get();
            }

            @Override
            public boolean hasOpenTransaction() {
                return false;
            }

            @Override
            public void afterCommit(Runnable action) {
                action.run();
            }
        };

        @Override
        public Long keyOf(V value) {
            return 1L;
        }

        @Override
        public Optional<V> read(Long key) {
            return Optional.empty();
        }

        @Override
        public Optional<V> readLocked(Long key) {
            return Optional.empty();
        }

        @Override
        public void upsert(V value) {}

        @Override
        public void insertAbsent(List<V> values) {}

        @Override
        public void delete(Long key) {}

        @Override
        public List<V> scan(Long afterExclusive, Long upToInclusive, int limit) {
            return List.of();
        }

        @Override
        public List<V> scanLocked(Long afterExclusive, Long upToInclusive, int limit) {
            return List.of();
        }

        @Override
        public Optional<Long> maxKey() {
            return Optional.empty();
        }

        @Override
        public long estimateSize() {
            return 0;
        }

        @Override
        public Transactions transactions() {
            return TRANSACTIONS;
        }

        @Override
        public String description() {
            return type.getSimpleName();
        }

        @Override
        public Optional<Class<V>> valueType() {
            return Optional.of(type);
        }
    }
}
