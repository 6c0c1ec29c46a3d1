package io.dualwrite.core.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.FaultyStore;
import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.InMemoryBackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.MigrationPhase;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shadow reads: classification, re-checks, samples, and a candidate that fails or hangs; one subclass per database. */
abstract class AbstractShadowReadTest {

    private static final String PREFIX = "shadow";

    protected abstract DataSource database();

    private DataSource dataSource;
    private FaultyStore<Long, PersonName> newStore;
    private Migration<Long, Person, PersonName> migration;
    private DualWrite dualWrite;
    private DualRepository<Long, Person, PersonName> people;

    @BeforeEach
    void setUp() {
        setUp(ShadowReadOptions.defaults().withSampleRate(1).withRecheckDelay(Duration.ofMillis(100)), 2, 256);
    }

    private void setUp(ShadowReadOptions options, int threads, int queue) {
        if (dualWrite != null) {
            dualWrite.close();
        }
        dataSource = database();
        DualWriteSchema.create(dataSource);
        People.createTables(dataSource, PREFIX);
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        newStore = new FaultyStore<>(People.newStore(transactions, PREFIX));
        migration = Migration.builder(
                        "shadow-" + UUID.randomUUID(), Long.class, People.oldStore(transactions, PREFIX), newStore)
                .toNew(People::split)
                .toOld(People::join)
                .build();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .backfillStore(new InMemoryBackfillStore())
                .shadowReads(options)
                .shadowReadExecutor(threads, queue)
                .build();
        people = dualWrite.repository(migration);
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "dual writes"));
    }

    @AfterEach
    void close() {
        // Null when the set-up was aborted (no database here).
        if (newStore != null) {
            newStore.mode(FaultyStore.Mode.NORMAL);
        }
        if (dualWrite != null) {
            dualWrite.close();
        }
    }

    @Test
    void agreeingReadsCountAsMatches() {
        for (long id = 1; id <= 20; id++) {
            people.write(new Person(id, "First" + id + " Last" + id));
        }
        for (long id = 1; id <= 25; id++) {
            people.read(id);
        }
        awaitCount(ShadowResult.MATCH, 25);
        assertThat(stats().mismatchRate()).isZero();
        assertThat(stats().primaryReads()).isEqualTo(25);
    }

    @Test
    void aStableMismatchIsCountedWithItsFieldDifferences() {
        people.write(new Person(1, "Ada Lovelace"));
        People.execute(dataSource, "UPDATE " + PREFIX + "_new SET last_name = 'Changed' WHERE id = 1");

        assertThat(people.read(1L)).contains(new PersonName(1, "Ada", "Lovelace"));

        awaitCount(ShadowResult.MISMATCH, 1);
        MismatchSample sample = shadow().recentMismatches().get(0);
        assertThat(sample.key()).isEqualTo("1");
        assertThat(sample.differences())
                .containsExactly(new MismatchSample.FieldDifference("lastName", "Lovelace", "Changed"));
        assertThat(stats().mismatchRate()).isEqualTo(1.0);
    }

    @Test
    void redactedSamplesKeepOnlyFieldNames() {
        setUp(
                ShadowReadOptions.defaults()
                        .withSampleRate(1)
                        .withRecheckDelay(Duration.ofMillis(10))
                        .withRedactedValues(true),
                2,
                256);
        people.write(new Person(1, "Ada Lovelace"));
        People.execute(dataSource, "UPDATE " + PREFIX + "_new SET first_name = 'Eve' WHERE id = 1");

        people.read(1L);

        awaitCount(ShadowResult.MISMATCH, 1);
        assertThat(shadow().recentMismatches().get(0).differences())
                .containsExactly(new MismatchSample.FieldDifference("firstName", "<redacted>", "<redacted>"));
    }

    @Test
    void aMismatchThatHealsBeforeTheRecheckIsAWriteInFlight() throws Exception {
        people.write(new Person(1, "Ada Lovelace"));
        setUpSlowRecheck();
        People.execute(dataSource, "UPDATE " + PREFIX + "_new SET last_name = 'Stale' WHERE id = 1");

        people.read(1L);
        People.execute(dataSource, "UPDATE " + PREFIX + "_new SET last_name = 'Lovelace' WHERE id = 1");

        awaitCount(ShadowResult.MATCH, 1);
        assertThat(stats().count(ShadowResult.MISMATCH)).isZero();
    }

    @Test
    void keysTheBackfillHasNotReachedAreNotDivergence() {
        People.execute(dataSource, "INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (7, 'Grace Hopper')");

        assertThat(people.read(7L)).contains(new PersonName(7, "Grace", "Hopper"));

        awaitCount(ShadowResult.NOT_YET_BACKFILLED, 1);
        assertThat(stats().mismatchRate()).isZero();
    }

    @Test
    void afterTheBackfillAMissingKeyIsMissing() {
        People.execute(dataSource, "INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (7, 'Grace Hopper')");
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "backfill"));
        dualWrite.backfill(migration.name()).run(() -> true);
        People.execute(dataSource, "DELETE FROM " + PREFIX + "_new WHERE id = 7");

        people.read(7L);

        awaitCount(ShadowResult.MISSING_IN_CANDIDATE, 1);
    }

    @Test
    void aKeyOnlyTheCandidateHasIsUnexpected() {
        People.execute(
                dataSource, "INSERT INTO " + PREFIX + "_new (id, first_name, last_name) VALUES (8, 'Ghost', '')");

        assertThat(people.read(8L)).isEmpty();

        awaitCount(ShadowResult.UNEXPECTED_IN_CANDIDATE, 1);
    }

    @Test
    void inReadNewTheOldSideIsTheCandidate() {
        people.write(new Person(1, "Ada Lovelace"));
        dualWrite.advance(migration.name(), TransitionRequest.by("test", null));
        dualWrite.advance(migration.name(), TransitionRequest.forcedBy("test", "no backfill needed here"));
        assertThat(dualWrite.phase(migration.name())).isEqualTo(MigrationPhase.READ_NEW);
        People.execute(dataSource, "UPDATE " + PREFIX + "_old SET full_name = 'Ada King' WHERE id = 1");

        assertThat(people.read(1L)).contains(new PersonName(1, "Ada", "Lovelace"));

        awaitCount(ShadowResult.MISMATCH, 1);
        assertThat(shadow().recentMismatches().get(0).differences())
                .containsExactly(new MismatchSample.FieldDifference("lastName", "Lovelace", "King"));
    }

    @Test
    void aFailingCandidateNeverFailsTheRead() {
        people.write(new Person(1, "Ada Lovelace"));
        newStore.mode(FaultyStore.Mode.THROW);

        assertThat(people.read(1L)).contains(new PersonName(1, "Ada", "Lovelace"));

        awaitCount(ShadowResult.CANDIDATE_ERROR, 1);
    }

    @Test
    void aHangingCandidateNeitherDelaysTheReadNorPilesUp() {
        setUp(ShadowReadOptions.defaults().withSampleRate(1).withTimeout(Duration.ofMillis(100)), 1, 2);
        people.write(new Person(1, "Ada Lovelace"));
        newStore.mode(FaultyStore.Mode.HANG);

        long slowest = 0;
        for (int i = 0; i < 20; i++) {
            long started = System.nanoTime();
            assertThat(people.read(1L)).contains(new PersonName(1, "Ada", "Lovelace"));
            slowest = Math.max(slowest, System.nanoTime() - started);
        }

        // The candidate hangs for 5 s; the read takes what the OLD read takes, far below that.
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(1));
        awaitCount(ShadowResult.CANDIDATE_ERROR, 3);
        assertThat(stats().count(ShadowResult.SKIPPED)).isGreaterThanOrEqualTo(17);
    }

    @Test
    void readsBeyondTheComparisonBudgetAreSkipped() {
        setUp(ShadowReadOptions.defaults().withSampleRate(1).withMaxComparisonsPerSecond(1), 2, 256);
        people.write(new Person(1, "Ada Lovelace"));

        for (int i = 0; i < 50; i++) {
            people.read(1L);
        }

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(stats().count(ShadowResult.MATCH) + stats().count(ShadowResult.SKIPPED))
                        .isEqualTo(50));
        assertThat(stats().count(ShadowResult.MATCH)).isBetween(1L, 3L);
    }

    private void setUpSlowRecheck() {
        // Re-create with a recheck delay long enough for the test to heal the row in between.
        setUp(ShadowReadOptions.defaults().withSampleRate(1).withRecheckDelay(Duration.ofMillis(600)), 2, 256);
        people.write(new Person(1, "Ada Lovelace"));
    }

    private ShadowReader<?, ?, ?> shadow() {
        return dualWrite.managed(migration.name()).shadowReads();
    }

    private ShadowReadStats stats() {
        return shadow().stats();
    }

    private void awaitCount(ShadowResult result, long count) {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() ->
                        assertThat(stats().count(result)).as(stats().toString()).isEqualTo(count));
    }
}
