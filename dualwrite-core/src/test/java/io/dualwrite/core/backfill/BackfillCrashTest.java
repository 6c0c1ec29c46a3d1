package io.dualwrite.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A backfill in another JVM is killed with SIGKILL mid-run; a restarted one finishes with exactly the right rows. */
class BackfillCrashTest {

    private static final String PREFIX = "bf_crash";
    private static final int ROWS = 20_000;

    @Test
    void aKilledBackfillIsResumedByANewProcessAndCompletesExactly() throws Exception {
        TestDatabase database = TestDatabases.postgres();
        DualWriteSchema.create(database.dataSource());
        People.createTables(database.dataSource(), PREFIX);
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (?, ?)")) {
            for (long id = 1; id <= ROWS; id++) {
                insert.setLong(1, id * 3);
                insert.setString(2, "First" + id + " Last" + id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        String migration = "crash-" + UUID.randomUUID();
        JdbcBackfillStore store = new JdbcBackfillStore(database.dataSource());

        Process first = start(database, migration, "first");
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> store.find(migration)
                                    .map(BackfillProgress::rowsCopied)
                                    .orElse(0L)
                            > 2_000);
            first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } finally {
            first.destroyForcibly();
        }
        BackfillProgress afterCrash = store.find(migration).orElseThrow();
        assertThat(afterCrash.state()).isEqualTo(BackfillState.RUNNING);
        assertThat(afterCrash.leaseOwner()).isEqualTo("first");
        assertThat(afterCrash.rowsCopied()).isBetween(2_000L, (long) ROWS - 1);

        Process second = start(database, migration, "second");
        try {
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue())
                    .as(new String(second.getInputStream().readAllBytes()))
                    .isZero();
        } finally {
            second.destroyForcibly();
        }

        BackfillProgress done = store.find(migration).orElseThrow();
        assertThat(done.state()).isEqualTo(BackfillState.COMPLETED);
        assertThat(done.rowsCopied()).isGreaterThanOrEqualTo(ROWS);
        Map<Long, String> expected = new TreeMap<>();
        People.rows(database.dataSource(), PREFIX + "_old").forEach((id, full) -> {
            PersonName name = People.split(new Person(id, full));
            expected.put(id, name.firstName() + "|" + name.lastName());
        });
        assertThat(People.rows(database.dataSource(), PREFIX + "_new"))
                .hasSize(ROWS)
                .isEqualTo(expected);
    }

    /**
     * Two instances copy a partitioned backfill at once, two workers each; one is killed with SIGKILL mid-run. The
     * other takes the dead one's ranges over once their leases expired, each from its own checkpoint, and completes
     * with exactly the right rows: a range is never copied twice but for the chunk in flight at the kill.
     */
    @Test
    void aKilledInstanceOfAPartitionedBackfillLeavesItsRangesToTheOther() throws Exception {
        TestDatabase database = TestDatabases.postgres();
        DualWriteSchema.create(database.dataSource());
        People.createTables(database.dataSource(), PREFIX);
        seed(database);
        String migration = "crash-part-" + UUID.randomUUID();
        JdbcBackfillStore store = new JdbcBackfillStore(database.dataSource());

        Process doomed = start(database, migration, "doomed", "8", "2");
        Process survivor = null;
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !store.partitions(migration).isEmpty());
            survivor = start(database, migration, "survivor", "8", "2");
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> store.partitions(migration).stream()
                                    .anyMatch(p -> p.leaseOwner() != null
                                            && p.leaseOwner().startsWith("survivor"))
                            && store.partitions(migration).stream()
                                    .anyMatch(p -> p.leaseOwner() != null
                                            && p.leaseOwner().startsWith("doomed")
                                            && p.rowsCopied() > 0));
            doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            List<BackfillPartition> atKill = store.partitions(migration);
            long orphaned = atKill.stream()
                    .filter(p -> !p.completed()
                            && p.leaseOwner() != null
                            && p.leaseOwner().startsWith("doomed"))
                    .count();
            assertThat(orphaned)
                    .as("ranges the killed instance held: %s", atKill)
                    .isPositive();

            assertThat(survivor.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(survivor.exitValue())
                    .as(new String(survivor.getInputStream().readAllBytes()))
                    .isZero();
            BackfillProgress done = store.find(migration).orElseThrow();
            assertThat(done.state()).isEqualTo(BackfillState.COMPLETED);
            assertThat(store.partitions(migration)).hasSize(8).allMatch(BackfillPartition::completed);
            // Resumed from checkpoints: at most the chunk in flight (500 rows at most) of each range held at the kill
            // is copied twice.
            assertThat(done.rowsCopied()).isBetween((long) ROWS, ROWS + orphaned * 500);
        } finally {
            doomed.destroyForcibly();
            if (survivor != null) {
                survivor.destroyForcibly();
            }
        }
        assertCopiedExactly(database);
    }

    private static void seed(TestDatabase database) throws Exception {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (?, ?)")) {
            for (long id = 1; id <= ROWS; id++) {
                insert.setLong(1, id * 3);
                insert.setString(2, "First" + id + " Last" + id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void assertCopiedExactly(TestDatabase database) throws Exception {
        Map<Long, String> expected = new TreeMap<>();
        People.rows(database.dataSource(), PREFIX + "_old").forEach((id, full) -> {
            PersonName name = People.split(new Person(id, full));
            expected.put(id, name.firstName() + "|" + name.lastName());
        });
        assertThat(People.rows(database.dataSource(), PREFIX + "_new"))
                .hasSize(ROWS)
                .isEqualTo(expected);
    }

    private static Process start(TestDatabase database, String migration, String instance, String... partitioning)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                BackfillProcess.class.getName(),
                database.jdbcUrl(),
                database.user(),
                PREFIX,
                migration,
                instance));
        command.addAll(List.of(partitioning));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(new File("target/backfill-process-" + instance + ".log")))
                .start();
    }
}
