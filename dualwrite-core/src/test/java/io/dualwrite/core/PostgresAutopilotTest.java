package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.verify.VerifierOptions;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The autopilot on PostgreSQL: a healthy migration walks from OLD_ONLY to READ_NEW by itself, verifying when the
 * copy is done; an injected divergence then makes it roll back one phase and stop, and the audit trail says why.
 */
class PostgresAutopilotTest {

    private static final String PREFIX = "autopilot";

    @Test
    void aHealthyMigrationWalksToReadNewAloneAndAnInjectedDivergenceRollsItBack() throws Exception {
        DataSource postgres = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(postgres);
        People.createTables(postgres, PREFIX);
        JdbcTransactions transactions = JdbcTransactions.of(postgres);
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "autopilot-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .build();
        String name = migration.name();
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(transactions))
                .singleInstance()
                .migration(migration)
                .refreshInterval(Duration.ZERO)
                .backfillStore(new JdbcBackfillStore(transactions))
                .backfillOptions(BackfillOptions.defaults().withPollInterval(Duration.ofMillis(20)))
                .verificationStore(new JdbcVerificationStore(transactions))
                .verifierOptions(new VerifierOptions(100, Duration.ofMillis(20), 0))
                .shadowReads(ShadowReadOptions.defaults().withSampleRate(1).withRecheckDelay(Duration.ofMillis(10)))
                .gates(GateOptions.defaults()
                        .withMaxMismatchRate(0)
                        .withMinShadowSamples(10)
                        .withMinShadowTime(Duration.ZERO))
                .autopilot(
                        name,
                        AutopilotOptions.upToReadNew()
                                .withSoak(Duration.ofMillis(300))
                                .withMinSamples(10)
                                .withRollbackMismatchRate(0.2))
                .autopilotInterval(Duration.ofMillis(100))
                .build();
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        for (long id = 1; id <= 200; id++) {
            people.write(new Person(id, "First" + id + " Last" + id));
        }
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            Random random = new Random(42);
            while (reading.get()) {
                people.read(1L + random.nextInt(200));
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            reader.start();
            assertThat(dualWrite.managed(name).autopilotActive()).isTrue();
            dualWrite.startBackgroundWork();

            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> dualWrite.phase(name) == MigrationPhase.READ_NEW);
            List<AuditEntry> forward = dualWrite.auditTrail(name, 10).stream()
                    .filter(e -> e.event() == AuditEntry.Event.ADVANCED)
                    .toList();
            assertThat(forward)
                    .extracting(AuditEntry::to)
                    .containsExactly(MigrationPhase.READ_NEW, MigrationPhase.BACKFILL, MigrationPhase.DUAL_WRITE);
            assertThat(forward).allSatisfy(e -> {
                assertThat(e.actor()).isEqualTo(AutopilotOptions.ACTOR);
                assertThat(e.reason()).startsWith("every gate held for PT0.3S");
                assertThat(e.evidence()).allMatch(GateResult::passed);
            });
            Thread.sleep(500);
            assertThat(dualWrite.phase(name)).isEqualTo(MigrationPhase.READ_NEW); // READ_NEW is the final phase

            People.execute(postgres, "UPDATE " + PREFIX + "_new SET last_name = 'Corrupted'");

            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> dualWrite.phase(name) == MigrationPhase.BACKFILL);
            AuditEntry rollback = dualWrite.auditTrail(name, 1).get(0);
            assertThat(rollback.event()).isEqualTo(AuditEntry.Event.ROLLED_BACK);
            assertThat(rollback.actor()).isEqualTo(AutopilotOptions.ACTOR);
            assertThat(rollback.reason())
                    .contains("shadow-read mismatch rate")
                    .contains("is above 0.2")
                    .contains("the autopilot stops here");
            assertThat(dualWrite.managed(name).autopilotActive()).isFalse();
            Thread.sleep(1_000);
            assertThat(dualWrite.phase(name)).isEqualTo(MigrationPhase.BACKFILL);
        } finally {
            reading.set(false);
            reader.join(5_000);
            dualWrite.close();
        }
    }
}
