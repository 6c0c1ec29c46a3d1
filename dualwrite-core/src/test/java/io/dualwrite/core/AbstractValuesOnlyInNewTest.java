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
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.shadow.ShadowResult;
import io.dualwrite.testsupport.DualWriteTables;
import io.dualwrite.testsupport.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Values only NEW holds by design (keys from 1000 up here, like the sample's second subscriptions): written once NEW
 * is the source of truth, to NEW only; not divergences for the verifier or the shadow reads; and, while NEW holds
 * any, no move makes OLD the source of truth again unless the request accepts the loss. Compared with plain SQL.
 */
abstract class AbstractValuesOnlyInNewTest {

    private static final String PREFIX = "only_in_new";
    private static final long FIRST_NEW_ONLY = 1000;

    protected abstract TestDatabase database();

    private DataSource dataSource;
    private Migration<Long, Person, PersonName> migration;
    private DualWrite dualWrite;
    private ManagedMigration<Long, Person, PersonName> managed;

    @BeforeEach
    void setUp() {
        dataSource = database().dataSource();
        People.createTables(dataSource, PREFIX);
        DualWriteSchema.create(dataSource);
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        migration = Migration.builder(
                        "only-in-new-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .toOld(People::join)
                .onlyInNew(name -> name.id() >= FIRST_NEW_ONLY)
                .build();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(transactions))
                .migration(migration)
                .verificationStore(new JdbcVerificationStore(transactions))
                .shadowReads(ShadowReadOptions.defaults().withSampleRate(1.0))
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

    @Test
    void aValueOnlyNewHoldsWaitsUntilNewIsTheSourceOfTruth() {
        managed.advance(TransitionRequest.by("test", "dual write"));

        assertThatThrownBy(() -> managed.repository()
                        .writeNewAll(
                                List.of(new PersonName(1, "Ada", "Lovelace"), new PersonName(1000, "Second", "One"))))
                .isInstanceOf(DualWriteException.class)
                .hasMessageContaining("keys [1000]")
                .hasMessageContaining("once NEW is the source of truth (READ_NEW), not in DUAL_WRITE")
                .hasMessageContaining("nothing was written");
        assertThat(People.rows(dataSource, PREFIX + "_old")).isEmpty();
        assertThat(People.rows(dataSource, PREFIX + "_new")).isEmpty();
    }

    @Test
    void inReadNewItGoesToNewOnlyAndIsNoDivergenceWhilePlantedOnesAreStillFound() {
        managed.advance(TransitionRequest.by("test", "dual write"));
        managed.repository().write(new Person(1, "Ada Lovelace"));
        toReadNew();

        managed.repository()
                .writeNewAll(List.of(new PersonName(2, "Alan", "Turing"), new PersonName(1000, "Second", "One")));
        managed.repository().writeNew(new PersonName(1001, "Third", "One"));

        assertThat(People.rows(dataSource, PREFIX + "_old"))
                .containsExactly(Map.entry(1L, "Ada Lovelace"), Map.entry(2L, "Alan Turing"));
        assertThat(People.rows(dataSource, PREFIX + "_new")).containsOnlyKeys(1L, 2L, 1000L, 1001L);
        assertThat(managed.repository().read(1000L)).contains(new PersonName(1000, "Second", "One"));
        Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> managed.shadowReads().stats().count(ShadowResult.MATCH) >= 1);
        assertThat(managed.shadowReads().stats().mismatchRate()).isZero();

        assertThat(managed.verify().divergences())
                .as("values only NEW holds are no divergence")
                .isZero();

        People.execute(dataSource, "UPDATE " + PREFIX + "_old SET full_name = 'Alan Changed' WHERE id = 2");
        assertThat(managed.verify().divergences())
                .as("a divergence planted behind the library's back")
                .isEqualTo(1);
    }

    @Test
    void noMoveMakesOldTheSourceOfTruthWhileNewHoldsValuesOldCannotHold() {
        toReadNew();
        managed.repository().writeNew(new PersonName(1000, "Second", "One"));

        assertThatThrownBy(() -> managed.rollback(TransitionRequest.forcedBy("bob", "back to the old model")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining("values-only-in-new")
                .hasMessageContaining("keys [1000]");
        assertThat(managed.phase()).isEqualTo(MigrationPhase.READ_NEW);

        managed.repository().delete(1000L);
        assertThat(managed.rollback(TransitionRequest.by("bob", "back, nothing only NEW holds"))
                        .phase())
                .isEqualTo(MigrationPhase.BACKFILL);
    }

    @Test
    void onlyARequestThatAcceptsTheLossMovesBackWhileNewHoldsThem() {
        toReadNew();
        managed.repository().writeNew(new PersonName(1000, "Second", "One"));

        assertThat(managed.transition(
                                MigrationPhase.BACKFILL,
                                TransitionRequest.acceptingDataLoss("bob", "the second subscriptions are test data"))
                        .phase())
                .isEqualTo(MigrationPhase.BACKFILL);
        assertThat(managed.auditTrail(1).get(0).evidence())
                .anySatisfy(g -> assertThat(g.name()).isEqualTo("values-only-in-new"));
    }

    private void toReadNew() {
        while (managed.phase() != MigrationPhase.READ_NEW) {
            managed.transition(managed.phase().next().orElseThrow(), TransitionRequest.forcedBy("test", "to READ_NEW"));
        }
    }
}
