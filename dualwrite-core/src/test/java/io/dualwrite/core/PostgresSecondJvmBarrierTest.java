package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcInstanceRegistry;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The barrier across JVMs on PostgreSQL: an instance in a second JVM that polls slowly holds every forward move
 * until it applies the current phase; a failing gate refuses the move until its evidence is there; and once the
 * second JVM is killed with SIGKILL, the barrier stops waiting for it after the instance timeout.
 */
class PostgresSecondJvmBarrierTest {

    private static final String PREFIX = "second_jvm";

    @Test
    void aLaggingOrFailingSecondJvmHoldsTheMoveUntilItCatchesUpOrTimesOut() throws Exception {
        TestDatabase database = TestDatabases.postgres();
        DualWriteSchema.create(database.dataSource());
        People.createTables(database.dataSource(), PREFIX);
        People.execute(
                database.dataSource(), "INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (1, 'Ada Lovelace')");
        JdbcTransactions transactions = JdbcTransactions.of(database.dataSource());
        String name = "second-jvm-" + UUID.randomUUID();
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        name, Long.class, People.oldStore(transactions, PREFIX), People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .build();
        DualWrite here = DualWrite.builder(new JdbcPhaseStore(transactions))
                .migration(migration)
                .instanceId("here")
                .refreshInterval(Duration.ZERO)
                .instanceRegistry(
                        new JdbcInstanceRegistry(transactions), InstanceProcess.HEARTBEAT, InstanceProcess.TIMEOUT)
                .backfillStore(new JdbcBackfillStore(transactions))
                .verificationStore(new JdbcVerificationStore(transactions))
                .gates(GateOptions.defaults()
                        .withMinShadowSamples(0)
                        .withMinShadowTime(Duration.ZERO)
                        .withReadNewSoak(Duration.ZERO))
                .build();
        Process other = start(database, name, "other-jvm", 3_000);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> here.managed(name).liveInstances().stream()
                    .anyMatch(i -> i.instanceId().equals("other-jvm")));

            here.advance(name, TransitionRequest.by("alice", "dual writes"));
            assertThatThrownBy(() -> here.advance(name, TransitionRequest.by("alice", "backfill")))
                    .isInstanceOf(TransitionRefusedException.class)
                    .hasMessageContaining("other-jvm (applies OLD_ONLY");
            awaitAdvance(here, name, MigrationPhase.BACKFILL); // once the other JVM polled

            here.startBackgroundWork();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> here.backfill(name).progress().state() == BackfillState.COMPLETED);
            awaitOtherApplies(here, name, MigrationPhase.BACKFILL);
            assertThatThrownBy(() -> here.advance(name, TransitionRequest.by("alice", "read new")))
                    .isInstanceOf(TransitionRefusedException.class)
                    .hasMessageContaining(EvidenceGates.VERIFIED);
            assertThat(here.verify(name).divergences()).isZero();
            here.advance(name, TransitionRequest.by("alice", "the evidence is there"));

            other.destroyForcibly().waitFor();
            assertThatThrownBy(() -> here.advance(name, TransitionRequest.by("alice", "drop old")))
                    .isInstanceOf(TransitionRefusedException.class)
                    .hasMessageContaining("other-jvm (applies BACKFILL");
            awaitAdvance(here, name, MigrationPhase.DROP_OLD); // once its heartbeat is older than the timeout
            assertThat(here.managed(name).liveInstances())
                    .extracting(io.dualwrite.core.phase.InstanceState::instanceId)
                    .containsExactly("here");
        } finally {
            other.destroyForcibly();
            here.close();
        }
    }

    private static void awaitOtherApplies(DualWrite here, String name, MigrationPhase phase) {
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> here.managed(name).liveInstances().stream()
                .allMatch(i -> i.phase() == phase));
    }

    private static void awaitAdvance(DualWrite here, String name, MigrationPhase target) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .ignoreException(TransitionRefusedException.class)
                .until(() -> here.transition(name, target, TransitionRequest.by("alice", "to " + target))
                                .phase()
                        == target);
    }

    private static Process start(TestDatabase database, String migration, String instance, long refreshMillis)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        InstanceProcess.class.getName(),
                        database.jdbcUrl(),
                        database.user(),
                        PREFIX,
                        migration,
                        instance,
                        Long.toString(refreshMillis)))
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(new File("target/instance-process-" + instance + ".log")))
                .start();
    }
}
