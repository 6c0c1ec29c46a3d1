package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.Resync;
import io.dualwrite.core.verify.VerifierOptions;
import io.dualwrite.testsupport.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A migration that moves some columns of OLD's rows and keeps the others ({@code JdbcStore.Builder.keptColumns}):
 * the customer's email stays in the OLD row and is written in every phase, DROP_OLD included, while the name moves;
 * the application's delete deletes the row whole; the backfill, the verifier and the re-sync see and write the name
 * only, so a rollback from DROP_OLD never clears an email written meanwhile. Both tables are read with plain SQL.
 * One subclass per database pair.
 */
abstract class AbstractKeptColumnsTest {

    /** The OLD representation: the name in one column, with the email the migration does not move. */
    record Customer(long id, String fullName, String email) {}

    private static final String PREFIX = "kept";

    private DataSource oldDatabase;
    private DataSource newDatabase;
    private Migration<Long, Customer, PersonName> migration;
    private DualWrite dualWrite;
    private DualRepository<Long, Customer, PersonName> customers;
    /** Runs each time OLD's binder takes a value apart: lets a test hold a write at that point. */
    private volatile java.util.function.Consumer<Customer> onBind = c -> {};

    protected abstract TestDatabase oldDatabase();

    /** NEW's database: OLD's unless a subclass says otherwise. */
    protected TestDatabase newDatabase() {
        return null;
    }

    @BeforeEach
    void setUp() {
        oldDatabase = oldDatabase().dataSource();
        newDatabase = newDatabase() == null ? oldDatabase : newDatabase().dataSource();
        DualWriteSchema.create(oldDatabase);
        DualWriteSchema.create(newDatabase);
        People.execute(
                oldDatabase,
                "DROP TABLE IF EXISTS " + PREFIX + "_old",
                "CREATE TABLE " + PREFIX + "_old (id BIGINT PRIMARY KEY, full_name VARCHAR(200),"
                        + " email VARCHAR(200) NOT NULL)");
        People.execute(
                newDatabase,
                "DROP TABLE IF EXISTS " + PREFIX + "_new",
                "CREATE TABLE " + PREFIX + "_new (id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                        + " last_name VARCHAR(100))");
        JdbcTransactions oldTransactions = JdbcTransactions.of(oldDatabase);
        JdbcTransactions newTransactions =
                oldDatabase == newDatabase ? oldTransactions : JdbcTransactions.of(newDatabase);
        JdbcStore<Long, Customer> old = JdbcStore.builder(oldTransactions, Long.class, Customer.class)
                .table(PREFIX + "_old")
                .key("id", Customer::id)
                .columns("full_name")
                .keptColumns("email")
                .mapper(rs -> new Customer(rs.getLong("id"), rs.getString("full_name"), rs.getString("email")))
                .binder((c, row) -> {
                    onBind.accept(c);
                    row.set("full_name", c.fullName()).set("email", c.email());
                })
                .build();
        migration = Migration.builder(
                        "kept-" + UUID.randomUUID(), Long.class, old, People.newStore(newTransactions, PREFIX))
                .toNew(c -> People.split(new People.Person(c.id(), c.fullName())))
                .toOld(n -> new Customer(n.id(), People.join(n).fullName(), null))
                .build();
        JdbcTransactions phases = JdbcTransactions.of(newDatabase);
        dualWrite = DualWrite.builder(new JdbcPhaseStore(phases))
                .singleInstance()
                .migration(migration)
                .refreshInterval(Duration.ZERO)
                .backfillStore(new JdbcBackfillStore(phases))
                .backfillOptions(
                        BackfillOptions.defaults().withChunkSizes(50, 10, 200).withPollInterval(Duration.ofMillis(20)))
                .verificationStore(new JdbcVerificationStore(phases))
                .verifierOptions(new VerifierOptions(50, Duration.ofMillis(10), 0))
                .build();
        customers = dualWrite.repository(migration);
    }

    @AfterEach
    void close() {
        if (dualWrite != null) {
            dualWrite.close();
        }
    }

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void theKeptColumnIsWrittenInEveryPhaseAndTheMigratedOnesOnlyWhereThePhaseWritesOld(MigrationPhase phase) {
        People.execute(
                oldDatabase, "INSERT INTO " + PREFIX + "_old (id, full_name, email) VALUES (1, 'Old Name', 'o@x')");
        moveTo(phase);

        customers.write(new Customer(1, "Ada Lovelace", "ada@x"));
        customers.writeAll(List.of(new Customer(2, "Alan Turing", "alan@x"), new Customer(3, "Grace Hopper", "g@x")));

        // Where OLD is not written, the rows of customers 2 and 3 are created with their email only.
        boolean writesOld = phase.writes(Side.OLD);
        assertThat(oldRows())
                .isEqualTo(Map.of(
                        1L, (writesOld ? "Ada Lovelace" : "Old Name") + "|ada@x",
                        2L, (writesOld ? "Alan Turing" : "null") + "|alan@x",
                        3L, (writesOld ? "Grace Hopper" : "null") + "|g@x"));
        assertThat(newRows())
                .isEqualTo(
                        phase.writes(Side.NEW)
                                ? Map.of(1L, "Ada|Lovelace", 2L, "Alan|Turing", 3L, "Grace|Hopper")
                                : Map.of());
    }

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void theApplicationsDeleteDeletesTheRowWholeInEveryPhase(MigrationPhase phase) {
        moveTo(MigrationPhase.DUAL_WRITE);
        customers.writeAll(List.of(
                new Customer(1, "Ada Lovelace", "ada@x"),
                new Customer(2, "Alan Turing", "alan@x"),
                new Customer(3, "Grace Hopper", "g@x")));
        moveTo(phase);

        customers.delete(1L);
        customers.deleteAll(List.of(2L));

        assertThat(oldRows()).containsOnlyKeys(3L);
        if (phase.writes(Side.NEW)) {
            assertThat(newRows()).containsOnlyKeys(3L);
        } else {
            assertThat(newRows()).containsOnlyKeys(1L, 2L, 3L);
        }
    }

    /*
     * Interleaving (one instance):
     *   1. BACKFILL copies 100 customers' names; READ_NEW; DROP_OLD.
     *   2. DROP_OLD: customers 1..20 get a new name and a new email; customer 150 is created (its OLD row gets the
     *      email only); customer 30 is deleted.
     *   3. DROP_OLD -> READ_NEW: the re-sync copies NEW's names into OLD.
     * The re-sync writes values mapped back from NEW, which carry no email: it must write the name only, or the
     * emails of step 2 (and every other) would be lost.
     */
    @Test
    void aRollbackFromDropOldBringsTheNamesBackAndKeepsEveryEmail() {
        Map<Long, String> expectedOld = new TreeMap<>();
        for (long id = 1; id <= 100; id++) {
            customers.write(new Customer(id, "First" + id + " Last" + id, "c" + id + "@x"));
            expectedOld.put(id, "First" + id + " Last" + id + "|c" + id + "@x");
        }
        dualWrite.startBackgroundWork();
        moveTo(MigrationPhase.BACKFILL);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> dualWrite.backfill(migration.name()).progress().state() == BackfillState.COMPLETED);
        moveTo(MigrationPhase.DROP_OLD);
        for (long id = 1; id <= 20; id++) {
            customers.write(new Customer(id, "Changed" + id + " InDropOld", "new" + id + "@x"));
            expectedOld.put(id, "Changed" + id + " InDropOld|new" + id + "@x");
        }
        customers.write(new Customer(150, "Created InDropOld", "c150@x"));
        expectedOld.put(150L, "Created InDropOld|c150@x");
        customers.delete(30L);
        expectedOld.remove(30L);
        assertThat(oldRows()).containsEntry(150L, "null|c150@x").containsEntry(1L, "First1 Last1|new1@x");

        dualWrite.transition(migration.name(), MigrationPhase.READ_NEW, TransitionRequest.by("test", "roll back"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> dualWrite
                                .managed(migration.name())
                                .resync()
                                .map(Resync::state)
                                .orElse(null)
                        == Resync.State.COMPLETED);

        assertThat(oldRows()).isEqualTo(expectedOld);
        assertThat(newRows())
                .hasSize(100)
                .containsEntry(150L, "Created|InDropOld")
                .doesNotContainKey(30L);
    }

    /*
     * Interleaving (READ_NEW or DROP_OLD, NEW written first):
     *   1. W1 writes customer 1 as (Ann First, a@x): NEW commits Ann; W1 is about to write the email in OLD.
     *   2. W2 writes customer 1 as (Bob Second, b@x): NEW commits Bob after W1, OLD gets b@x.
     *   3. W1 goes on and writes a@x in OLD.
     * NEW holds W2's name (the last write), so OLD must hold W2's email too: a row that mixes two writes is what
     * neither wrote, and nothing repairs a kept column afterwards (the verifier and repairs see the name only).
     * In one database both writes are one transaction each and W2 waits for W1's row; across two databases the
     * email is written after NEW's commit, in no order with the other writes of the key.
     */
    @ParameterizedTest
    @EnumSource(
            value = MigrationPhase.class,
            names = {"READ_NEW", "DROP_OLD"})
    void twoWritesOfOneKeyLeaveTheEmailOfTheWriteThatCommittedLastOnNew(MigrationPhase phase) throws Exception {
        customers.write(new Customer(1, "Old Name", "o@x"));
        moveTo(phase);
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        onBind = c -> {
            if ("a@x".equals(c.email()) && once.compareAndSet(false, true)) {
                holding.countDown();
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<?> first =
                    pool.submit(() -> customers.write(new Customer(1, "Ann First", "a@x")));
            assertThat(holding.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.Future<?> second =
                    pool.submit(() -> customers.write(new Customer(1, "Bob Second", "b@x")));
            try {
                second.get(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException waits) {
                // one database: the second write waits for the first's row lock
            }
            release.countDown();
            first.get(30, java.util.concurrent.TimeUnit.SECONDS);
            second.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }

        String lastOnNew = newRows().get(1L);
        String email = oldRows().get(1L).split("\\|")[1];
        assertThat(lastOnNew + " / " + email).isIn("Bob|Second / b@x", "Ann|First / a@x");
    }

    /*
     * A value in the NEW representation carries no email: a customer created from it in DROP_OLD would have no OLD
     * row a rollback's re-sync could complete (its email is NOT NULL), and an update could not keep the email. It
     * is refused in every phase, before anything is written.
     */
    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void aWriteInTheNewRepresentationIsRefusedAndWritesNothing(MigrationPhase phase) {
        moveTo(phase);

        assertThatThrownBy(() -> customers.writeNew(new PersonName(200, "Created", "AsNew")))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("keeps columns")
                .hasMessageContaining("write(...)")
                .hasMessageContaining("nothing was written");
        assertThat(oldRows()).doesNotContainKey(200L);
        assertThat(newRows()).doesNotContainKey(200L);
    }

    private void moveTo(MigrationPhase target) {
        while (dualWrite.phase(migration.name()) != target) {
            MigrationPhase current = dualWrite.phase(migration.name());
            MigrationPhase step =
                    (target.ordinal() > current.ordinal() ? current.next() : current.previous()).orElseThrow();
            dualWrite.transition(migration.name(), step, TransitionRequest.forcedBy("test", "move to " + target));
        }
    }

    private Map<Long, String> oldRows() {
        return People.rows(oldDatabase, PREFIX + "_old");
    }

    private Map<Long, String> newRows() {
        return People.rows(newDatabase, PREFIX + "_new");
    }
}
