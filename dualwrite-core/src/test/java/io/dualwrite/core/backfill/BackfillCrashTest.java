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

    private static Process start(TestDatabase database, String migration, String instance) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        BackfillProcess.class.getName(),
                        database.jdbcUrl(),
                        database.user(),
                        PREFIX,
                        migration,
                        instance))
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(new File("target/backfill-process-" + instance + ".log")))
                .start();
    }
}
