package io.dualwrite.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.core.store.Transactions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A NEW type with identity equality (it does not override {@code equals}, as a JPA entity): every look builds new
 * objects, so comparing them with {@code equals} finds every key different, on both looks and differently, and the
 * verifier took every key for a write in flight. Such a migration is refused unless it declares an equivalence;
 * {@code Equivalence.byFields()} compares the values field by field. One subclass per database.
 */
abstract class AbstractIdentityEqualityVerificationTest {

    /** The NEW representation as an entity-like class: mutable, no {@code equals}. */
    static class NameEntity {
        private long id;
        private String firstName;
        private String lastName;

        NameEntity(long id, String firstName, String lastName) {
            this.id = id;
            this.firstName = firstName;
            this.lastName = lastName;
        }

        long getId() {
            return id;
        }

        static NameEntity of(Person person) {
            People.PersonName split = People.split(person);
            return new NameEntity(split.id(), split.firstName(), split.lastName());
        }
    }

    private DataSource dataSource;
    private JdbcTransactions transactions;

    protected abstract DataSource database();

    protected abstract String prefix();

    @BeforeEach
    void setUp() {
        dataSource = database();
        DualWriteSchema.create(dataSource);
        People.createTables(dataSource, prefix());
        transactions = JdbcTransactions.of(dataSource);
    }

    @Test
    void withoutADeclaredEquivalenceTheMigrationIsRefusedNamingTheTypeAndTheFix() {
        Migration.Builder<Long, Person, NameEntity> undeclared = Migration.builder(
                        "identity-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, prefix()),
                        entityStore())
                .toNew(NameEntity::of);

        assertThatThrownBy(undeclared::build)
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("compares its NEW values (NameEntity) with equals, but")
                .hasMessageContaining(NameEntity.class.getName() + " does not override equals")
                .hasMessageContaining("a verification would take every key for a write in flight")
                .hasMessageContaining(".equivalence(Equivalence.byFields())")
                .hasMessageEndingWith("or override equals and hashCode in NameEntity");
    }

    @Test
    void comparedByFieldsAPlantedDifferenceIsReportedAndNothingIsInFlight() {
        Migration<Long, Person, NameEntity> migration = Migration.builder(
                        "identity-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, prefix()),
                        entityStore())
                .toNew(NameEntity::of)
                .equivalence(Equivalence.byFields())
                .build();
        DualWrite dualWrite = dualWrite(migration);
        write20People(dualWrite.repository(migration));
        People.execute(dataSource, "UPDATE " + prefix() + "_new SET last_name = 'Changed' WHERE id = 3");
        Verifier<Long, Person, NameEntity> verifier =
                dualWrite.managed(migration).verifier();

        VerificationProgress progress = verifier.verify(() -> true);

        assertThat(verifier.reported())
                .as(progress.toString())
                .extracting(Divergence::key, Divergence::kind)
                .containsExactly(tuple(3L, Divergence.Kind.DIFFERENT));
        assertThat(progress.divergences()).isEqualTo(1);
        assertThat(progress.inFlight()).isZero();
        Divergence<Long, NameEntity> divergence = verifier.reported().get(0);
        assertThat(divergence.differingFields()).containsExactly("lastName");
        assertThat(divergence.describe()).isEqualTo("DIFFERENT in lastName");
        assertThat(divergence)
                .hasToString("Divergence[key=3, DIFFERENT: lastName expected Last3, actual Changed;"
                        + " found by ROW_COMPARISON]");
        assertThat(dualWrite.repair(migration.name(), 10).repaired()).isEqualTo(1);
        assertThat(dualWrite.verify(migration.name()).divergences()).isZero();
    }

    @Test
    void aStoreThatDoesNotTellItsValueTypeFailsTheVerificationNamingTheTypeAndTheFix() {
        Migration<Long, Person, NameEntity> migration = Migration.builder(
                        "identity-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, prefix()),
                        new UntypedStore<>(entityStore()))
                .toNew(NameEntity::of)
                .build();
        DualWrite dualWrite = dualWrite(migration);
        write20People(dualWrite.repository(migration));
        Verifier<Long, Person, NameEntity> verifier =
                dualWrite.managed(migration).verifier();

        VerificationProgress progress = verifier.verify(() -> true);

        assertThat(progress.state()).isEqualTo(VerificationState.FAILED);
        assertThat(progress.failure())
                .contains("Values of NameEntity are compared with equals, but")
                .contains(".equivalence(Equivalence.byFields())");
        assertThat(progress.inFlight()).isZero();
        assertThat(verifier.reported()).isEmpty();
    }

    private static void write20People(DualRepository<Long, Person, NameEntity> people) {
        for (long id = 1; id <= 20; id++) {
            people.write(new Person(id, "First" + id + " Last" + id));
        }
    }

    private DualWrite dualWrite(Migration<Long, Person, NameEntity> migration) {
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .verificationStore(new JdbcVerificationStore(dataSource))
                .verifierOptions(new VerifierOptions(7, Duration.ofMillis(20), 0))
                .build();
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "dual writes"));
        return dualWrite;
    }

    private JdbcStore<Long, NameEntity> entityStore() {
        return JdbcStore.builder(transactions, Long.class, NameEntity.class)
                .table(prefix() + "_new")
                .key("id", NameEntity::getId)
                .columns("first_name", "last_name")
                .mapper(rs -> new NameEntity(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                .binder((name, row) -> row.set("first_name", name.firstName).set("last_name", name.lastName))
                .build();
    }

    /** A store that does not tell its value type, as a store written before {@code valueType()} existed. */
    private record UntypedStore<K, V>(MigrationStore<K, V> delegate) implements MigrationStore<K, V> {

        @Override
        public K keyOf(V value) {
            return delegate.keyOf(value);
        }

        @Override
        public Optional<V> read(K key) {
            return delegate.read(key);
        }

        @Override
        public Optional<V> readLocked(K key) {
            return delegate.readLocked(key);
        }

        @Override
        public void upsert(V value) {
            delegate.upsert(value);
        }

        @Override
        public void insertAbsent(List<V> values) {
            delegate.insertAbsent(values);
        }

        @Override
        public void delete(K key) {
            delegate.delete(key);
        }

        @Override
        public List<V> scan(K afterExclusive, K upToInclusive, int limit) {
            return delegate.scan(afterExclusive, upToInclusive, limit);
        }

        @Override
        public List<V> scanLocked(K afterExclusive, K upToInclusive, int limit) {
            return delegate.scanLocked(afterExclusive, upToInclusive, limit);
        }

        @Override
        public Optional<K> maxKey() {
            return delegate.maxKey();
        }

        @Override
        public long estimateSize() {
            return delegate.estimateSize();
        }

        @Override
        public Transactions transactions() {
            return delegate.transactions();
        }

        @Override
        public String description() {
            return delegate.description();
        }
    }
}
