package io.dualwrite.spring.boot.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.spring.boot.jpa.people.JpaTestApplication;
import io.dualwrite.spring.boot.jpa.people.PersonEntity;
import io.dualwrite.spring.boot.jpa.people.PersonNameEntity;
import io.dualwrite.spring.boot.jpa.people.PersonRepository;
import io.dualwrite.testsupport.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A migration between two Spring Data JPA entities in one database, declared as an application declares it, run
 * through its phases on a real database: dual writes join the caller's transaction, the backfill copies entities
 * while writers change them, and the verifier and repair agree with plain SQL.
 */
abstract class AbstractJpaMigrationTest {

    protected abstract TestDatabase database();

    private ApplicationContextRunner runner;

    @BeforeEach
    void forgetEarlierRuns() {
        TestDatabase db = database();
        io.dualwrite.testsupport.DualWriteTables.forget(db.dataSource(), JpaTestApplication.MIGRATION);
        runner = JpaTestContexts.runner(
                db,
                JpaTestApplication.class,
                "dualwrite.refresh-interval=0s",
                "dualwrite.backfill.initial-chunk-size=50",
                "dualwrite.backfill.min-chunk-size=10",
                "dualwrite.backfill.max-chunk-size=200",
                "dualwrite.backfill.poll-interval=50ms",
                "dualwrite.gates.min-shadow-samples=0",
                "dualwrite.gates.min-shadow-time=0s");
    }

    @Test
    void dualWritesJoinTheCallersTransaction() {
        runner.run(context -> {
            DualRepository<Long, PersonEntity, PersonNameEntity> people = repository(context);
            dualWrite(context).advance(JpaTestApplication.MIGRATION, TransitionRequest.by("test", "dual writes"));
            TransactionTemplate transaction =
                    new TransactionTemplate(context.getBean(PlatformTransactionManager.class));

            transaction.executeWithoutResult(status -> {
                people.write(new PersonEntity(1, "Ada King Lovelace"));
                status.setRollbackOnly();
            });
            assertThat(count(context, "jpa_person")).isZero();
            assertThat(count(context, "jpa_person_name")).isZero();

            transaction.executeWithoutResult(status -> people.write(new PersonEntity(1, "Ada King Lovelace")));
            assertThat(jdbc(context)
                            .queryForMap("SELECT first_name, last_name FROM jpa_person_name WHERE id = 1")
                            .values())
                    .containsExactly("Ada King", "Lovelace");
            assertThat(people.read(1L))
                    .map(PersonNameEntity::content)
                    .contains(java.util.List.of(1L, "Ada King", "Lovelace"));

            people.delete(1L);
            assertThat(count(context, "jpa_person")).isZero();
            assertThat(count(context, "jpa_person_name")).isZero();
        });
    }

    @Test
    void theBackfillCopiesEntitiesWhileWritersChangeThemAndTheSidesAgree() {
        long seed = Long.getLong("dualwrite.seed", System.nanoTime());
        runner.run(context -> {
            try {
                migrateUnderLoad(context, new Random(seed));
            } catch (TestAbortedException skipped) {
                throw skipped;
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("JPA backfill under load failed; reproduce with -Ddualwrite.seed=" + seed, e);
            }
        });
    }

    private void migrateUnderLoad(ApplicationContext context, Random random) throws InterruptedException {
        DualWrite dualWrite = dualWrite(context);
        DualRepository<Long, PersonEntity, PersonNameEntity> people = repository(context);
        PersonRepository oldEntities = context.getBean(PersonRepository.class);
        int rows = 1_000;
        for (long id = 1; id <= rows; id++) {
            oldEntities.save(new PersonEntity(id, "First" + id + " Last" + id));
        }
        String name = JpaTestApplication.MIGRATION;
        dualWrite.advance(name, TransitionRequest.by("test", "dual writes"));

        Map<Long, String> expected = new ConcurrentHashMap<>();
        jdbc(context).query("SELECT id, full_name FROM jpa_person", rs -> {
            expected.put(rs.getLong(1), rs.getString(2));
        });
        AtomicBoolean writing = new AtomicBoolean(true);
        long writerSeed = random.nextLong();
        Thread writer = new Thread(() -> {
            Random writes = new Random(writerSeed);
            int n = 0;
            while (writing.get() || n < 200) {
                long id = 1 + writes.nextInt(rows + 100);
                if (writes.nextInt(5) == 0) {
                    people.delete(id);
                    expected.remove(id);
                } else {
                    String full = "Changed" + n + " Name" + id;
                    people.write(new PersonEntity(id, full));
                    expected.put(id, full);
                }
                n++;
            }
        });
        writer.start();
        dualWrite.advance(name, TransitionRequest.by("test", "backfill"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> dualWrite.backfill(name).progress().state() == BackfillState.COMPLETED);
        writing.set(false);
        writer.join();

        Map<Long, String> oldRows = new TreeMap<>();
        jdbc(context).query("SELECT id, full_name FROM jpa_person", rs -> {
            oldRows.put(rs.getLong(1), rs.getString(2));
        });
        Map<Long, String> newRows = new TreeMap<>();
        jdbc(context).query("SELECT id, first_name, last_name FROM jpa_person_name", rs -> {
            newRows.put(rs.getLong(1), rs.getString(2) + " " + rs.getString(3));
        });
        assertThat(oldRows).isEqualTo(new TreeMap<>(expected));
        assertThat(newRows).isEqualTo(oldRows);
        assertThat(dualWrite.verify(name).divergences()).isZero();

        jdbc(context)
                .update(
                        "UPDATE jpa_person_name SET last_name = 'Corrupted' WHERE id = ?",
                        oldRows.keySet().iterator().next());
        assertThat(dualWrite.verify(name).divergences()).isEqualTo(1);
        assertThat(dualWrite.repair(name, 10).repaired()).isEqualTo(1);
        assertThat(dualWrite.verify(name).divergences()).isZero();

        dualWrite.advance(name, TransitionRequest.by("test", "read new"));
        assertThat(dualWrite.phase(name)).isEqualTo(MigrationPhase.READ_NEW);
        Long someKey = oldRows.keySet().iterator().next();
        assertThat(people.read(someKey).map(PersonNameEntity::content).orElseThrow())
                .element(1)
                .isEqualTo(
                        oldRows.get(someKey).substring(0, oldRows.get(someKey).lastIndexOf(' ')));
    }

    @SuppressWarnings("unchecked")
    private static DualRepository<Long, PersonEntity, PersonNameEntity> repository(ApplicationContext context) {
        return context.getBean("jpaNamesDualRepository", DualRepository.class);
    }

    private static DualWrite dualWrite(ApplicationContext context) {
        return context.getBean(DualWrite.class);
    }

    private static JdbcTemplate jdbc(ApplicationContext context) {
        return new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
    }

    private static int count(ApplicationContext context, String table) {
        return jdbc(context).queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
    }
}
