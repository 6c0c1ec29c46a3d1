package io.dualwrite.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The full verifier and the repairer on a real database; one subclass per database. */
abstract class AbstractVerificationTest {

    private DataSource dataSource;
    private Migration<Long, Person, PersonName> migration;
    private DualWrite dualWrite;

    protected abstract DataSource database();

    /** How many threads the verification walks each side with. */
    protected int verifierWorkers() {
        return 1;
    }

    protected abstract String prefix();

    /** The People split written in this database's SQL. */
    protected abstract io.dualwrite.core.model.SqlMapping sqlMapping();

    @BeforeEach
    void setUp() {
        dataSource = database();
        DualWriteSchema.create(dataSource);
        People.createTables(dataSource, prefix());
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        migration = Migration.builder(
                        "verify-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, prefix()),
                        People.newStore(transactions, prefix()))
                .toNew(People::split)
                .toOld(People::join)
                .build();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .verificationStore(new JdbcVerificationStore(dataSource))
                .verifierOptions(VerifierOptions.from(new VerifierOptions(7, Duration.ofMillis(50), 0))
                        .workers(verifierWorkers())
                        .build())
                .build();
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "dual writes"));
    }

    @Test
    void agreeingSidesVerifyClean() {
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        for (long id = 1; id <= 40; id++) {
            people.write(new Person(id, "First" + id + " Last" + id));
        }

        VerificationProgress progress = dualWrite.verify(migration.name());

        assertThat(progress.state()).isEqualTo(VerificationState.COMPLETED);
        assertThat(progress.rowsChecked()).isEqualTo(40);
        assertThat(progress.divergences()).isZero();
        assertThat(dualWrite.ledgerSize(migration.name())).isZero();
    }

    @Test
    void everyKindOfInjectedDivergenceIsFoundAndRepaired() {
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        for (long id = 1; id <= 30; id++) {
            people.write(new Person(id, id == 5 ? "Ada" : "First" + id + " Last" + id));
        }
        String newTable = prefix() + "_new";
        People.execute(
                dataSource,
                "UPDATE " + newTable + " SET last_name = 'Changed' WHERE id = 3",
                "DELETE FROM " + newTable + " WHERE id = 4",
                "INSERT INTO " + newTable + " (id, first_name, last_name) VALUES (31, 'Extra', 'Row')",
                "UPDATE " + newTable + " SET last_name = NULL WHERE id = 5",
                "UPDATE " + newTable + " SET first_name = 'First6 ' WHERE id = 6",
                "DELETE FROM " + newTable + " WHERE id = 30");
        Verifier<Long, Person, PersonName> verifier =
                dualWrite.managed(migration).verifier();

        VerificationProgress found = verifier.verify(() -> true);

        assertThat(found.divergences()).isEqualTo(6);
        assertThat(verifier.reported())
                .extracting(Divergence::key, Divergence::kind)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(3L, Divergence.Kind.DIFFERENT),
                        org.assertj.core.groups.Tuple.tuple(4L, Divergence.Kind.MISSING_IN_NEW),
                        org.assertj.core.groups.Tuple.tuple(5L, Divergence.Kind.DIFFERENT),
                        org.assertj.core.groups.Tuple.tuple(6L, Divergence.Kind.DIFFERENT),
                        org.assertj.core.groups.Tuple.tuple(30L, Divergence.Kind.MISSING_IN_NEW),
                        org.assertj.core.groups.Tuple.tuple(31L, Divergence.Kind.EXTRA_IN_NEW));
        assertThat(dualWrite.ledgerSize(migration.name())).isEqualTo(6);

        RepairReport repair = dualWrite.repair(migration.name(), 100);

        assertThat(repair).isEqualTo(new RepairReport(6, 6, 0, 0));
        assertThat(dualWrite.ledgerSize(migration.name())).isZero();
        assertThat(dualWrite.verify(migration.name()).divergences()).isZero();
        assertThat(People.rows(dataSource, newTable))
                .hasSize(30)
                .containsEntry(5L, "Ada|")
                .containsEntry(6L, "First6|Last6");
    }

    @Test
    void withASqlMappingOnlyChunksWhoseChecksumsDifferAreFetched() {
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        Migration<Long, Person, PersonName> sqlMapped = Migration.builder(
                        "verify-sql-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, prefix()),
                        People.newStore(transactions, prefix()))
                .toNew(People::split)
                .sqlMapping(sqlMapping())
                .build();
        DualWrite checked = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(sqlMapped)
                .verificationStore(new JdbcVerificationStore(dataSource))
                .verifierOptions(VerifierOptions.from(new VerifierOptions(10, Duration.ofMillis(20), 0))
                        .workers(verifierWorkers())
                        .build())
                .build();
        checked.advance(sqlMapped.name(), TransitionRequest.by("test", null));
        DualRepository<Long, Person, PersonName> people = checked.repository(sqlMapped);
        for (long id = 1; id <= 100; id++) {
            people.write(new Person(id, "First" + id + " Last" + id));
        }
        String newTable = prefix() + "_new";
        People.execute(
                dataSource,
                "UPDATE " + newTable + " SET last_name = 'Changed' WHERE id = 23",
                "DELETE FROM " + newTable + " WHERE id = 77",
                "INSERT INTO " + newTable + " (id, first_name, last_name) VALUES (101, 'Extra', 'Row')");
        Verifier<Long, Person, PersonName> verifier = checked.managed(sqlMapped).verifier();

        VerificationProgress progress = verifier.verify(() -> true);

        assertThat(verifier.comparesChecksumsInTheDatabase()).isTrue();
        assertThat(verifier.reported())
                .extracting(Divergence::key, Divergence::kind)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(23L, Divergence.Kind.DIFFERENT),
                        org.assertj.core.groups.Tuple.tuple(77L, Divergence.Kind.MISSING_IN_NEW),
                        org.assertj.core.groups.Tuple.tuple(101L, Divergence.Kind.EXTRA_IN_NEW));
        if (verifierWorkers() == 1) {
            assertThat(verifier.chunksMatchedByChecksum()).isEqualTo(8);
            assertThat(verifier.chunksComparedByRow()).isEqualTo(3);
        } else {
            // Ranges end at their own boundaries, so chunks are cut otherwise; still only differing ones by row.
            assertThat(verifier.chunksComparedByRow()).isBetween(3L, 6L);
            assertThat(verifier.chunksMatchedByChecksum()).isGreaterThanOrEqualTo(5);
        }
        assertThat(progress.divergences()).isEqualTo(3);
        assertThat(progress.state()).isEqualTo(VerificationState.COMPLETED);
    }

    @Test
    void inReadNewTheOldSideIsRepairedFromTheNewOne() {
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        for (long id = 1; id <= 10; id++) {
            people.write(new Person(id, "First" + id + " Last" + id));
        }
        dualWrite.advance(migration.name(), TransitionRequest.by("test", null));
        dualWrite.advance(migration.name(), TransitionRequest.by("test", null));
        People.execute(
                dataSource,
                "UPDATE " + prefix() + "_old SET full_name = 'Stale Value' WHERE id = 2",
                "DELETE FROM " + prefix() + "_new WHERE id = 9");

        assertThat(dualWrite.verify(migration.name()).divergences()).isEqualTo(2);
        assertThat(dualWrite.repair(migration.name(), 100).repaired()).isEqualTo(2);

        assertThat(People.rows(dataSource, prefix() + "_old"))
                .containsEntry(2L, "First2 Last2")
                .doesNotContainKey(9L);
        assertThat(dualWrite.verify(migration.name()).divergences()).isZero();
    }

    @Test
    void anInterruptedVerificationResumesFromItsCheckpoint() {
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        for (long id = 1; id <= 50; id++) {
            people.write(new Person(id, "First" + id + " Last" + id));
        }
        Verifier<Long, Person, PersonName> verifier =
                dualWrite.managed(migration).verifier();
        int[] chunks = {0};

        VerificationProgress partial = verifier.verify(() -> chunks[0]++ < 3);
        assertThat(partial.state()).isEqualTo(VerificationState.RUNNING);
        if (verifierWorkers() == 1) {
            assertThat(partial.rowsChecked()).isEqualTo(21);
            assertThat(partial.lastKey()).isEqualTo("21");
        } else {
            // Three chunks spread over the threads' ranges: what the first range walked is stored, no more.
            assertThat(partial.rowsChecked()).isBetween(0L, 21L);
        }

        VerificationProgress done = dualWrite.verify(migration.name());
        assertThat(done.state()).isEqualTo(VerificationState.COMPLETED);
        assertThat(done.rowsChecked()).isEqualTo(50);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("io.dualwrite.core.backfill.Seeds#seeds")
    void concurrentDualWritesCauseNoFalseReports(long seed) throws Exception {
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        Random random = new Random(seed);
        for (long id = 1; id <= 300; id++) {
            people.write(new Person(id, "First" + id + " Last" + id));
        }
        AtomicBoolean verifying = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                long writerSeed = random.nextLong();
                writers.add(pool.submit(() -> {
                    Random r = new Random(writerSeed);
                    while (verifying.get()) {
                        long key = 1 + r.nextInt(350);
                        if (r.nextInt(4) == 0) {
                            people.delete(key);
                        } else {
                            people.write(new Person(key, "W" + r.nextInt(1000) + " X" + r.nextInt(1000)));
                        }
                    }
                    return null;
                }));
            }
            Verifier<Long, Person, PersonName> verifier =
                    dualWrite.managed(migration).verifier();
            VerificationProgress progress = verifier.verify(() -> true);
            verifying.set(false);
            for (Future<?> writer : writers) {
                writer.get(1, TimeUnit.MINUTES);
            }
            assertThat(progress.state()).isEqualTo(VerificationState.COMPLETED);
            assertThat(verifier.reported())
                    .as("seed " + seed + " (-Ddualwrite.seed=" + seed + ")")
                    .isEmpty();
            assertThat(dualWrite.ledgerSize(migration.name())).isZero();
        } finally {
            verifying.set(false);
            pool.shutdownNow();
        }
    }
}
