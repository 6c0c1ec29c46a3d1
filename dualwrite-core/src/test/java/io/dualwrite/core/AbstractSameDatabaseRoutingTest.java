package io.dualwrite.core;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.StoreException;
import io.dualwrite.testsupport.TestDatabase;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Routing of reads and writes when both sides live in one database; one subclass per database. */
abstract class AbstractSameDatabaseRoutingTest {

    private static final String PREFIX = "routing";

    private DataSource dataSource;
    private JdbcTransactions transactions;
    private Migration<Long, Person, PersonName> migration;
    private DualWrite dualWrite;
    private DualRepository<Long, Person, PersonName> people;

    protected abstract TestDatabase database();

    @BeforeEach
    void setUp() {
        dataSource = database().dataSource();
        DualWriteSchema.create(dataSource);
        People.createTables(dataSource, PREFIX);
        transactions = JdbcTransactions.of(dataSource);
        migration = Migration.builder(
                        "people-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .toOld(People::join)
                .build();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .build();
        people = dualWrite.repository(migration);
    }

    @Test
    void bothSidesShareOneTransaction() {
        assertThat(migration.sidesShareTransactions()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void writesReachExactlyTheSidesOfThePhase(MigrationPhase phase) {
        moveTo(phase);

        people.write(new Person(1, "Ada Lovelace"));

        assertThat(oldRows())
                .isEqualTo(phase.writes(Side.OLD) ? java.util.Map.of(1L, "Ada Lovelace") : java.util.Map.of());
        assertThat(newRows())
                .isEqualTo(phase.writes(Side.NEW) ? java.util.Map.of(1L, "Ada|Lovelace") : java.util.Map.of());
    }

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void readsComeFromTheSourceOfTruth(MigrationPhase phase) {
        People.execute(
                dataSource,
                "INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (1, 'Old Side')",
                "INSERT INTO " + PREFIX + "_new (id, first_name, last_name) VALUES (1, 'New', 'Side')");
        moveTo(phase);

        PersonName expected =
                phase.sourceOfTruth() == Side.OLD ? new PersonName(1, "Old", "Side") : new PersonName(1, "New", "Side");
        assertThat(people.read(1L)).contains(expected);
        assertThat(people.read(2L)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void deletesReachExactlyTheSidesOfThePhase(MigrationPhase phase) {
        People.execute(
                dataSource,
                "INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (1, 'Old Side')",
                "INSERT INTO " + PREFIX + "_new (id, first_name, last_name) VALUES (1, 'New', 'Side')");
        moveTo(phase);

        people.delete(1L);

        assertThat(oldRows()).hasSize(phase.writes(Side.OLD) ? 0 : 1);
        assertThat(newRows()).hasSize(phase.writes(Side.NEW) ? 0 : 1);
    }

    @ParameterizedTest
    @EnumSource(
            value = MigrationPhase.class,
            names = {"DUAL_WRITE", "BACKFILL", "READ_NEW"})
    void aFailingSideRollsBackTheOtherSide(MigrationPhase phase) {
        moveTo(phase);
        people.write(new Person(1, "Ada Lovelace"));

        // An empty full name maps to a NULL first_name, which the NEW table refuses.
        assertThatThrownBy(() -> people.write(new Person(1, ""))).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> people.write(new Person(2, ""))).isInstanceOf(StoreException.class);

        assertThat(oldRows()).containsExactly(entry(1L, "Ada Lovelace"));
        assertThat(newRows()).containsExactly(entry(1L, "Ada|Lovelace"));
    }

    @Test
    void dualWritesJoinTheCallersTransaction() {
        moveTo(MigrationPhase.DUAL_WRITE);

        assertThatThrownBy(() -> transactions.inTransaction(() -> {
                    people.write(new Person(1, "Ada Lovelace"));
                    people.write(new Person(2, "Alan Turing"));
                    throw new IllegalStateException("caller changed its mind");
                }))
                .hasMessage("caller changed its mind");
        assertThat(oldRows()).isEmpty();
        assertThat(newRows()).isEmpty();

        transactions.inTransaction(() -> {
            people.write(new Person(1, "Ada Lovelace"));
            people.write(new Person(2, "Alan Turing"));
        });
        assertThat(oldRows()).hasSize(2);
        assertThat(newRows()).hasSize(2);
    }

    @Test
    void aMappingThatChangesTheKeyIsRefusedAndWritesNothing() {
        Migration<Long, Person, PersonName> shifty = Migration.builder(
                        "shifty-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(p -> new PersonName(p.id() + 1, "x", "y"))
                .build();
        DualRepository<Long, Person, PersonName> repository = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(shifty)
                .build()
                .repository(shifty);

        assertThatThrownBy(() -> repository.write(new Person(1, "Ada Lovelace")))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining(shifty.name())
                .hasMessageContaining("changed key 1 into 2");
        assertThat(oldRows()).isEmpty();
        assertThat(newRows()).isEmpty();
    }

    @Test
    void aTransitionIsAppliedByAnotherInstanceWithinTheRefreshInterval() {
        DualWrite otherInstance = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .refreshInterval(Duration.ofMillis(200))
                .build();
        assertThat(otherInstance.phase(migration.name())).isEqualTo(MigrationPhase.OLD_ONLY);

        long committedAt = System.nanoTime();
        dualWrite.advance(migration.name(), TransitionRequest.by("alice", "start dual writes"));

        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> otherInstance.phase(migration.name()) == MigrationPhase.DUAL_WRITE);
        assertThat(Duration.ofNanos(System.nanoTime() - committedAt)).isLessThan(Duration.ofSeconds(2));
        otherInstance.repository(migration).write(new Person(9, "Edsger Dijkstra"));
        assertThat(newRows()).containsKey(9L);
    }

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void batchWritesAndDeletesReachExactlyTheSidesOfThePhase(MigrationPhase phase) {
        People.execute(
                dataSource,
                "INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (1, 'Old One')",
                "INSERT INTO " + PREFIX + "_new (id, first_name, last_name) VALUES (1, 'Old', 'One')");
        moveTo(phase);

        people.writeAll(java.util.List.of(
                new Person(1, "Ada Lovelace"), new Person(2, "Alan Turing"), new Person(3, "Grace Hopper")));
        people.deleteAll(java.util.List.of(2L));

        assertThat(oldRows())
                .isEqualTo(
                        phase.writes(Side.OLD)
                                ? java.util.Map.of(1L, "Ada Lovelace", 3L, "Grace Hopper")
                                : java.util.Map.of(1L, "Old One"));
        assertThat(newRows())
                .isEqualTo(
                        phase.writes(Side.NEW)
                                ? java.util.Map.of(1L, "Ada|Lovelace", 3L, "Grace|Hopper")
                                : java.util.Map.of(1L, "Old|One"));
        for (Side side : phase.writeOrder()) {
            assertThat(people.writes(side, true))
                    .as("values written on " + side)
                    .isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void valuesOfTheNewModelReachTheSidesOfThePhaseOldThroughTheReverseMapping(MigrationPhase phase) {
        moveTo(phase);

        people.writeNew(new PersonName(1, "Ada", "Lovelace"));
        people.writeNewAll(
                java.util.List.of(new PersonName(2, "Alan", "Turing"), new PersonName(3, "Grace", "Hopper")));

        assertThat(oldRows())
                .isEqualTo(
                        phase.writes(Side.OLD)
                                ? java.util.Map.of(1L, "Ada Lovelace", 2L, "Alan Turing", 3L, "Grace Hopper")
                                : java.util.Map.of());
        assertThat(newRows())
                .isEqualTo(
                        phase.writes(Side.NEW)
                                ? java.util.Map.of(1L, "Ada|Lovelace", 2L, "Alan|Turing", 3L, "Grace|Hopper")
                                : java.util.Map.of());
        assertThat(people.read(2L)).contains(new PersonName(2, "Alan", "Turing"));
    }

    @Test
    void aBatchWithAKeyTwiceIsRefusedAndWritesNothing() {
        moveTo(MigrationPhase.DUAL_WRITE);

        assertThatThrownBy(
                        () -> people.writeAll(java.util.List.of(new Person(1, "Ada Lovelace"), new Person(1, "Ada"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 1 twice");
        assertThat(oldRows()).isEmpty();
        assertThat(newRows()).isEmpty();
    }

    @Test
    void aBatchThatFailsOnTheSecondSideRollsBackTheFirstInOneDatabase() {
        moveTo(MigrationPhase.DUAL_WRITE);
        People.execute(dataSource, "INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (7, 'Kept As Is')");

        // An empty name maps to a NULL first_name, which NEW refuses (NOT NULL): the batch rolls back on both sides.
        assertThatThrownBy(() -> people.writeAll(java.util.List.of(new Person(7, "Changed Name"), new Person(8, ""))))
                .isInstanceOf(RuntimeException.class);
        assertThat(oldRows()).isEqualTo(java.util.Map.of(7L, "Kept As Is"));
        assertThat(newRows()).isEmpty();
    }

    private void moveTo(MigrationPhase target) {
        while (dualWrite.phase(migration.name()) != target) {
            dualWrite.advance(migration.name(), TransitionRequest.by("test", "move to " + target));
        }
    }

    private java.util.Map<Long, String> oldRows() {
        return People.rows(dataSource, PREFIX + "_old");
    }

    private java.util.Map<Long, String> newRows() {
        return People.rows(dataSource, PREFIX + "_new");
    }
}
