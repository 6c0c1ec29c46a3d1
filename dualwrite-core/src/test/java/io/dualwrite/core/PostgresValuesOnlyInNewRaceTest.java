package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.testsupport.DualWriteTables;
import io.dualwrite.testsupport.TestDatabases;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Values only NEW holds, raced and misplaced, on PostgreSQL in one database: a write of one between a rollback's look
 * for them and its commit is kept out (NEW's fence), and such a value is never written under a key OLD holds, nor
 * produced by {@code toNew} of an OLD value.
 */
class PostgresValuesOnlyInNewRaceTest {

    private static final String PREFIX = "only_in_new_race";
    private DataSource dataSource;
    private Migration<Long, Person, PersonName> migration;
    private DualWrite dualWrite;
    private ManagedMigration<Long, Person, PersonName> managed;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicReference<Runnable> duringScan = new AtomicReference<>();

    @SuppressWarnings("unchecked")
    private void setUp() {
        dataSource = TestDatabases.postgres().dataSource();
        People.createTables(dataSource, PREFIX);
        DualWriteSchema.create(dataSource);
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        MigrationStore<Long, PersonName> real = People.newStore(transactions, PREFIX);
        MigrationStore<Long, PersonName> spied = (MigrationStore<Long, PersonName>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {MigrationStore.class}, (p, m, a) -> {
                    Object result;
                    try {
                        result = m.invoke(real, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (m.getName().equals("scan") && armed.compareAndSet(true, false)) {
                        Thread t = new Thread(duringScan.get());
                        t.start();
                        t.join();
                    }
                    return result;
                });
        migration = Migration.builder(
                        "only-in-new-race-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        spied)
                .toNew(People::split)
                .toOld(People::join)
                .onlyInNew(name -> name.id() >= 1000)
                .build();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(transactions))
                .migration(migration)
                .verificationStore(new JdbcVerificationStore(transactions))
                .singleInstance()
                .build();
        managed = dualWrite.managed(migration);
    }

    @AfterEach
    void tearDown() {
        if (dualWrite != null) {
            dualWrite.close();
        }
        if (migration != null) {
            DualWriteTables.forget(dataSource, migration.name());
        }
    }

    private void toReadNew() {
        while (managed.phase() != MigrationPhase.READ_NEW) {
            managed.transition(managed.phase().next().orElseThrow(), TransitionRequest.forcedBy("t", "fwd"));
        }
    }

    @Test
    void anOldValueIsNeverMappedToOneOnlyNewHoldsNorIsOneWrittenUnderAKeyOldHolds() {
        setUp();
        managed.advance(TransitionRequest.by("t", "dual write"));
        assertThatThrownBy(() -> managed.repository().write(new Person(1000, "Old Value")))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("maps an OLD value to one declared only in NEW (key 1000)");
        toReadNew();
        People.execute(dataSource, "INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (1000, 'Old Value')");

        assertThatThrownBy(() -> managed.repository().writeNew(new PersonName(1000, "New", "Value")))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("keys [1000] are declared values only NEW holds, but OLD holds them");
        assertThat(People.rows(dataSource, PREFIX + "_new")).isEmpty();
        assertThat(managed.ledgerSize()).isZero();
    }

    /*
     * One database: a rollback to BACKFILL looks in NEW for values only NEW holds; a writeNew of one, routed by
     * READ_NEW, comes in while it looks. NEW's fence (raised before the look) keeps that write out: it waits, then
     * fails with nothing written, and the rollback commits with NEW holding no such value.
     */
    @Test
    void aWriteOfAValueOnlyNewHoldsCannotSlipInWhileARollbackLooksForThem() {
        setUp();
        toReadNew();
        AtomicReference<Throwable> racing = new AtomicReference<>();
        duringScan.set(() -> {
            try {
                managed.repository().writeNew(new PersonName(1001, "Racing", "Write"));
            } catch (RuntimeException e) {
                racing.set(e);
            }
        });
        armed.set(true);

        managed.rollback(TransitionRequest.by("bob", "back"));

        assertThat(managed.phase()).isEqualTo(MigrationPhase.BACKFILL);
        assertThat(racing.get())
                .as("the racing write is kept out while the rollback looks")
                .isInstanceOf(io.dualwrite.core.model.DualWriteException.class)
                .hasMessageContaining("nothing was");
        assertThat(People.rows(dataSource, PREFIX + "_new")).doesNotContainKey(1001L);
    }
}
