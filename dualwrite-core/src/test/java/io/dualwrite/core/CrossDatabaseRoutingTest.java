package io.dualwrite.core;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcDivergenceLedger;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.model.SecondaryWriteException;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.core.store.DivergenceLedger.DivergenceCause;
import io.dualwrite.testsupport.SwitchableDataSource;
import io.dualwrite.testsupport.TestDatabases;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing when OLD lives in MariaDB and NEW in PostgreSQL, with the NEW database cut off at will. */
class CrossDatabaseRoutingTest {

    private static final String PREFIX = "cross_routing";

    private DataSource mariadb;
    private DataSource postgres;
    private SwitchableDataSource newDatabase;
    private io.github.resilience4j.circuitbreaker.CircuitBreakerConfig breakerConfig;
    private java.time.Duration secondaryTimeout;
    private SwitchableDataSource oldDatabase;
    private JdbcTransactions oldTransactions;
    private JdbcTransactions newTransactions;

    @BeforeEach
    void setUp() {
        mariadb = TestDatabases.mariadb().dataSource();
        postgres = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(mariadb);
        DualWriteSchema.create(postgres);
        People.createTables(mariadb, PREFIX);
        People.createTables(postgres, PREFIX);
        oldDatabase = new SwitchableDataSource(mariadb);
        newDatabase = new SwitchableDataSource(postgres);
        oldTransactions = JdbcTransactions.of(oldDatabase);
        newTransactions = JdbcTransactions.of(newDatabase);
    }

    @AfterEach
    void restore() {
        // Null when the set-up was aborted (no database here).
        if (newDatabase != null) {
            newDatabase.restore();
        }
        if (oldDatabase != null) {
            oldDatabase.restore();
        }
    }

    @Test
    void dualWritesReachBothDatabases() {
        Fixture fixture = fixture(SecondaryFailurePolicy.FAIL, MigrationPhase.DUAL_WRITE);
        assertThat(fixture.migration.sidesShareTransactions()).isFalse();

        fixture.people.write(new Person(1, "Ada Lovelace"));
        fixture.people.write(new Person(2, "Alan Turing"));
        fixture.people.delete(2L);

        assertThat(People.rows(mariadb, PREFIX + "_old")).containsExactly(entry(1L, "Ada Lovelace"));
        assertThat(People.rows(postgres, PREFIX + "_new")).containsExactly(entry(1L, "Ada|Lovelace"));
        assertThat(fixture.people.read(1L)).contains(new PersonName(1, "Ada", "Lovelace"));
    }

    @Test
    void batchWritesAndDeletesReachBothDatabases() {
        Fixture fixture = fixture(SecondaryFailurePolicy.FAIL, MigrationPhase.DUAL_WRITE);

        fixture.people.writeAll(java.util.List.of(
                new Person(1, "Ada Lovelace"), new Person(2, "Alan Turing"), new Person(3, "Grace Hopper")));
        fixture.people.deleteAll(java.util.List.of(2L));

        assertThat(People.rows(mariadb, PREFIX + "_old"))
                .containsExactly(entry(1L, "Ada Lovelace"), entry(3L, "Grace Hopper"));
        assertThat(People.rows(postgres, PREFIX + "_new"))
                .containsExactly(entry(1L, "Ada|Lovelace"), entry(3L, "Grace|Hopper"));
        assertThat(ledgerIn(mariadb).size(fixture.migration.name())).isZero();
        assertThat(ledgerIn(postgres).size(fixture.migration.name())).isZero();
    }

    @Test
    void aValueOfTheNewModelNeedsTheReverseMappingAndIsRefusedWithoutIt() {
        Fixture fixture = fixture(SecondaryFailurePolicy.FAIL, MigrationPhase.DUAL_WRITE);

        assertThatThrownBy(() -> fixture.people.writeNew(new PersonName(1, "Ada", "Lovelace")))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("has no NEW -> OLD mapping")
                .hasMessageContaining("toOld(...)");
        assertThat(People.rows(mariadb, PREFIX + "_old")).isEmpty();
        assertThat(People.rows(postgres, PREFIX + "_new")).isEmpty();
        assertThat(ledgerIn(mariadb).size(fixture.migration.name())).isZero();
    }

    /*
     * A batch across two databases during an outage of the other one: under RECORD_FOR_REPAIR every key of the batch
     * is committed on the source of truth and waits in its ledger; the repair copies them all once it is back.
     */
    @Test
    void aBatchDuringAnOutageRecordsEveryKeyAndTheRepairCopiesThemAll() {
        Fixture fixture = fixture(SecondaryFailurePolicy.RECORD_FOR_REPAIR, MigrationPhase.DUAL_WRITE);
        newDatabase.cut();

        fixture.people.writeAll(java.util.List.of(new Person(1, "Ada Lovelace"), new Person(2, "Alan Turing")));

        assertThat(People.rows(mariadb, PREFIX + "_old")).hasSize(2);
        assertThat(People.rows(postgres, PREFIX + "_new")).isEmpty();
        assertThat(ledgerIn(mariadb).entries(fixture.migration.name(), 10))
                .extracting(DivergenceLedger.Entry::key, DivergenceLedger.Entry::cause)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("1", DivergenceCause.SECONDARY_WRITE_FAILED),
                        org.assertj.core.groups.Tuple.tuple("2", DivergenceCause.SECONDARY_WRITE_FAILED));

        newDatabase.restore();
        assertThat(fixture.dualWrite.repair(fixture.migration.name(), 10).repaired())
                .isEqualTo(2);
        assertThat(People.rows(postgres, PREFIX + "_new"))
                .containsExactly(entry(1L, "Ada|Lovelace"), entry(2L, "Alan|Turing"));
    }

    /*
     * FAIL cannot be all-or-nothing across two independent databases: the other side is written only after the
     * source of truth committed (so that a caller's rollback leaves no ghost row there). Under FAIL the caller hears
     * that the copy failed; the write stays committed on the source of truth and its key waits in the ledger.
     */
    @Test
    void failPolicyReportsAWriteThatCommittedButCouldNotReachTheOtherDatabase() {
        Fixture fixture = fixture(SecondaryFailurePolicy.FAIL, MigrationPhase.DUAL_WRITE);
        newDatabase.cut();

        assertThatThrownBy(() -> fixture.people.write(new Person(1, "Ada Lovelace")))
                .isInstanceOf(SecondaryWriteException.class)
                .hasMessageContaining(fixture.migration.name())
                .hasMessageContaining("committed on the OLD side")
                .hasMessageContaining("copy to the NEW side failed")
                .satisfies(e ->
                        assertThat(((SecondaryWriteException) e).committed()).isTrue());

        assertThat(People.rows(mariadb, PREFIX + "_old")).containsExactly(entry(1L, "Ada Lovelace"));
        assertThat(ledgerIn(mariadb).entries(fixture.migration.name(), 10))
                .extracting(DivergenceLedger.Entry::key, DivergenceLedger.Entry::ahead, DivergenceLedger.Entry::cause)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("1", Side.OLD, DivergenceCause.SECONDARY_WRITE_FAILED));

        newDatabase.restore();
        assertThat(fixture.dualWrite.repair(fixture.migration.name(), 10).repaired())
                .isEqualTo(1);
        assertThat(People.rows(postgres, PREFIX + "_new")).containsExactly(entry(1L, "Ada|Lovelace"));
    }

    @Test
    void failPolicyRefusesWritesBeforeWritingAnythingWhileTheOtherSidesBreakerIsOpen() {
        breakerConfig = io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.ofDefaults();
        Fixture fixture = fixture(SecondaryFailurePolicy.FAIL, MigrationPhase.DUAL_WRITE);
        fixture.dualWrite
                .managed(fixture.migration.name())
                .circuitBreakers()
                .get(Side.NEW)
                .transitionToOpenState();

        assertThatThrownBy(() -> fixture.people.write(new Person(1, "Ada Lovelace")))
                .isInstanceOf(SecondaryWriteException.class)
                .hasMessageContaining("the write was refused and nothing was written")
                .satisfies(e ->
                        assertThat(((SecondaryWriteException) e).committed()).isFalse());

        assertThat(People.rows(mariadb, PREFIX + "_old")).isEmpty();
        assertThat(ledgerIn(mariadb).size(fixture.migration.name())).isZero();
    }

    @Test
    void recordPolicyKeepsServingAndRecordsTheKeyInTheSourceOfTruthsDatabase() {
        Fixture fixture = fixture(SecondaryFailurePolicy.RECORD_FOR_REPAIR, MigrationPhase.DUAL_WRITE);
        newDatabase.cut();

        fixture.people.write(new Person(1, "Ada Lovelace"));
        fixture.people.write(new Person(2, "Alan Turing"));
        fixture.people.delete(2L);

        assertThat(People.rows(mariadb, PREFIX + "_old")).containsExactly(entry(1L, "Ada Lovelace"));
        assertThat(People.rows(postgres, PREFIX + "_new")).isEmpty();
        assertThat(ledgerIn(mariadb).entries(fixture.migration.name(), 10))
                .extracting(DivergenceLedger.Entry::key, DivergenceLedger.Entry::cause)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("1", DivergenceCause.SECONDARY_WRITE_FAILED),
                        org.assertj.core.groups.Tuple.tuple("2", DivergenceCause.SECONDARY_WRITE_FAILED));
        assertThat(ledgerIn(postgres).size(fixture.migration.name())).isZero();
    }

    @Test
    void keysRecordedDuringAnOutageAreRepairedAfterItAndVerifyClean() {
        Fixture fixture = fixture(SecondaryFailurePolicy.RECORD_FOR_REPAIR, MigrationPhase.DUAL_WRITE);
        for (long id = 1; id <= 20; id++) {
            fixture.people.write(new Person(id, "First" + id + " Last" + id));
        }
        newDatabase.cut();
        fixture.people.write(new Person(3, "Changed During Outage"));
        fixture.people.delete(4L);
        fixture.people.write(new Person(21, "Created During Outage"));
        newDatabase.restore();
        assertThat(fixture.dualWrite.ledgerSize(fixture.migration.name())).isEqualTo(3);

        io.dualwrite.core.verify.RepairReport report = fixture.dualWrite.repair(fixture.migration.name(), 100);

        assertThat(report.repaired()).isEqualTo(3);
        assertThat(fixture.dualWrite
                        .managed(fixture.migration.name())
                        .repairer()
                        .totals()
                        .repaired())
                .isEqualTo(3);
        assertThat(fixture.dualWrite.ledgerSize(fixture.migration.name())).isZero();
        assertThat(fixture.dualWrite.verify(fixture.migration.name()).divergences())
                .isZero();
        assertThat(People.rows(postgres, PREFIX + "_new"))
                .hasSize(20)
                .containsEntry(3L, "Changed|During Outage")
                .containsEntry(21L, "Created|During Outage")
                .doesNotContainKey(4L);
    }

    @Test
    void continuousRepairDrainsTheLedgerOnceTheOtherDatabaseIsBack() {
        Fixture fixture = fixture(
                SecondaryFailurePolicy.RECORD_FOR_REPAIR, MigrationPhase.DUAL_WRITE, java.time.Duration.ofMillis(100));
        try {
            newDatabase.cut();
            for (long id = 1; id <= 10; id++) {
                fixture.people.write(new Person(id, "First" + id + " Last" + id));
            }
            newDatabase.restore();
            assertThat(fixture.dualWrite.ledgerSize(fixture.migration.name())).isEqualTo(10);
            fixture.dualWrite.startBackgroundWork();

            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> fixture.dualWrite.ledgerSize(fixture.migration.name()) == 0);
            assertThat(People.rows(postgres, PREFIX + "_new")).hasSize(10);
            assertThat(fixture.dualWrite.verify(fixture.migration.name()).divergences())
                    .isZero();
        } finally {
            fixture.dualWrite.close();
        }
    }

    @Test
    void anOutageOpensTheBreakerWritesKeepSucceedingAndItClosesAfterRecovery() {
        breakerConfig = io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                .minimumNumberOfCalls(4)
                .slidingWindowSize(4)
                .failureRateThreshold(50)
                .waitDurationInOpenState(java.time.Duration.ofSeconds(2))
                .permittedNumberOfCallsInHalfOpenState(1)
                .build();
        Fixture fixture = fixture(SecondaryFailurePolicy.RECORD_FOR_REPAIR, MigrationPhase.DUAL_WRITE);
        var breaker = fixture.dualWrite
                .managed(fixture.migration.name())
                .circuitBreakers()
                .get(Side.NEW);
        newDatabase.cut();

        for (long id = 1; id <= 10; id++) {
            fixture.people.write(new Person(id, "First" + id + " Last" + id));
        }

        assertThat(breaker.getState()).isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN);
        assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(6);
        assertThat(People.rows(mariadb, PREFIX + "_old")).hasSize(10);
        newDatabase.restore();
        assertThat(fixture.dualWrite.ledgerSize(fixture.migration.name())).isEqualTo(10);

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> {
                    fixture.people.write(new Person(11, "After Recovery"));
                    assertThat(breaker.getState())
                            .isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
                });
        assertThat(People.rows(postgres, PREFIX + "_new")).containsKey(11L);
        // Writes of key 11 tried while the breaker was still open were recorded too.
        long recorded = fixture.dualWrite.ledgerSize(fixture.migration.name());
        assertThat(recorded).isBetween(10L, 11L);
        assertThat(fixture.dualWrite.repair(fixture.migration.name(), 100).repaired())
                .isEqualTo((int) recorded);
        assertThat(fixture.dualWrite.ledgerSize(fixture.migration.name())).isZero();
        assertThat(fixture.dualWrite.verify(fixture.migration.name()).divergences())
                .isZero();
    }

    @Test
    void aHangingDatabaseIsGivenUpAtTheTimeLimitAndTheAbandonedWriteNeverLands() {
        secondaryTimeout = java.time.Duration.ofMillis(300);
        Fixture fixture = fixture(SecondaryFailurePolicy.RECORD_FOR_REPAIR, MigrationPhase.DUAL_WRITE);
        newDatabase.stall();

        long started = System.nanoTime();
        fixture.people.write(new Person(1, "Ada Lovelace"));
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(waitedMillis).isLessThan(5_000);
        assertThat(People.rows(mariadb, PREFIX + "_old")).containsExactly(entry(1L, "Ada Lovelace"));
        assertThat(ledgerIn(mariadb).size(fixture.migration.name())).isEqualTo(1);
        newDatabase.restore();
        // The abandoned write now gets its connection, sees it was given up, and rolls back.
        org.awaitility.Awaitility.await()
                .during(java.time.Duration.ofMillis(500))
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> People.rows(postgres, PREFIX + "_new").isEmpty());
        fixture.dualWrite.repair(fixture.migration.name(), 10);
        assertThat(People.rows(postgres, PREFIX + "_new")).containsExactly(entry(1L, "Ada|Lovelace"));
        assertThat(fixture.dualWrite.verify(fixture.migration.name()).divergences())
                .isZero();
        fixture.dualWrite.close();
    }

    @Test
    void aHangingDatabaseUnderTheFailPolicyFailsTheCallAtTheTimeLimit() {
        secondaryTimeout = java.time.Duration.ofMillis(300);
        Fixture fixture = fixture(SecondaryFailurePolicy.FAIL, MigrationPhase.DUAL_WRITE);
        newDatabase.stall();

        assertThatThrownBy(() -> fixture.people.write(new Person(1, "Ada Lovelace")))
                .isInstanceOf(SecondaryWriteException.class)
                .hasRootCauseInstanceOf(java.util.concurrent.TimeoutException.class);

        // Committed on the source of truth (see failPolicyReportsAWriteThatCommittedButCouldNotReachTheOtherDatabase).
        assertThat(People.rows(mariadb, PREFIX + "_old")).containsExactly(entry(1L, "Ada Lovelace"));
        assertThat(ledgerIn(mariadb).size(fixture.migration.name())).isEqualTo(1);
        newDatabase.restore();
        fixture.dualWrite.close();
    }

    @Test
    void withTheTimeLimiterHealthyWritesStillReachBothDatabases() {
        secondaryTimeout = java.time.Duration.ofSeconds(5);
        Fixture fixture = fixture(SecondaryFailurePolicy.FAIL, MigrationPhase.DUAL_WRITE);
        for (long id = 1; id <= 20; id++) {
            fixture.people.write(new Person(id, "First" + id + " Last" + id));
        }
        fixture.people.delete(7L);
        assertThat(People.rows(postgres, PREFIX + "_new")).hasSize(19).containsEntry(3L, "First3|Last3");
        fixture.dualWrite.close();
    }

    @Test
    void shadowReadsGoThroughTheCandidatesBreakerAndAreSkippedWhileItIsOpen() {
        breakerConfig = io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.ofDefaults();
        Fixture fixture = fixture(SecondaryFailurePolicy.FAIL, MigrationPhase.DUAL_WRITE);
        fixture.people.write(new Person(1, "Ada Lovelace"));
        var shadow = fixture.dualWrite.managed(fixture.migration.name()).shadowReads();
        var breaker = fixture.dualWrite
                .managed(fixture.migration.name())
                .circuitBreakers()
                .get(Side.NEW);

        fixture.people.read(1L);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> shadow.stats().count(io.dualwrite.core.shadow.ShadowResult.MATCH) == 1);
        assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2); // the write and the read
        breaker.transitionToOpenState();
        assertThat(fixture.people.read(1L)).contains(new PersonName(1, "Ada", "Lovelace"));

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> shadow.stats().count(io.dualwrite.core.shadow.ShadowResult.SKIPPED) == 1);
        assertThat(shadow.stats().count(io.dualwrite.core.shadow.ShadowResult.CANDIDATE_ERROR))
                .isZero();
        assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(1);
        fixture.dualWrite.close();
    }

    @Test
    void inOneDatabaseThereIsNoBreaker() {
        breakerConfig = io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.ofDefaults();
        Migration<Long, Person, PersonName> local = Migration.builder(
                        "local-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(newTransactions, PREFIX),
                        People.newStore(newTransactions, PREFIX))
                .toNew(People::split)
                .build();
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(postgres))
                .singleInstance()
                .migration(local)
                .circuitBreakers(breakerConfig)
                .build();
        assertThat(dualWrite.managed(local.name()).circuitBreakers()).isEmpty();
    }

    @Test
    void inReadNewTheLedgerLivesWithTheNewSide() {
        Fixture fixture = fixture(SecondaryFailurePolicy.RECORD_FOR_REPAIR, MigrationPhase.READ_NEW);
        oldDatabase.cut();

        fixture.people.write(new Person(3, "Grace Hopper"));

        assertThat(People.rows(postgres, PREFIX + "_new")).containsExactly(entry(3L, "Grace|Hopper"));
        assertThat(ledgerIn(postgres).entries(fixture.migration.name(), 10))
                .extracting(DivergenceLedger.Entry::key)
                .containsExactly("3");
    }

    @Test
    void aRecordedKeyIsRolledBackWithTheWriteItBelongsTo() {
        Fixture fixture = fixture(SecondaryFailurePolicy.RECORD_FOR_REPAIR, MigrationPhase.DUAL_WRITE);
        newDatabase.cut();

        assertThatThrownBy(() -> oldTransactions.inTransaction(() -> {
                    fixture.people.write(new Person(1, "Ada Lovelace"));
                    throw new IllegalStateException("caller rolls back");
                }))
                .hasMessage("caller rolls back");

        assertThat(People.rows(mariadb, PREFIX + "_old")).isEmpty();
        assertThat(ledgerIn(mariadb).size(fixture.migration.name())).isZero();
    }

    @Test
    void recordPolicyAcrossDatabasesNeedsALedgerOnEachSide() {
        var custom = new io.dualwrite.core.store.MigrationStore<Long, PersonName>() {
            final io.dualwrite.core.store.MigrationStore<Long, PersonName> delegate =
                    People.newStore(newTransactions, PREFIX);

            @Override
            public Long keyOf(PersonName value) {
                return delegate.keyOf(value);
            }

            @Override
            public java.util.Optional<PersonName> read(Long key) {
                return delegate.read(key);
            }

            @Override
            public java.util.Optional<PersonName> readLocked(Long key) {
                return delegate.readLocked(key);
            }

            @Override
            public void upsert(PersonName value) {
                delegate.upsert(value);
            }

            @Override
            public void insertAbsent(java.util.List<PersonName> values) {
                delegate.insertAbsent(values);
            }

            @Override
            public void delete(Long key) {
                delegate.delete(key);
            }

            @Override
            public java.util.List<PersonName> scan(Long after, Long upTo, int limit) {
                return delegate.scan(after, upTo, limit);
            }

            @Override
            public java.util.List<PersonName> scanLocked(Long after, Long upTo, int limit) {
                return delegate.scanLocked(after, upTo, limit);
            }

            @Override
            public java.util.Optional<Long> maxKey() {
                return delegate.maxKey();
            }

            @Override
            public long estimateSize() {
                return delegate.estimateSize();
            }

            @Override
            public io.dualwrite.core.store.Transactions transactions() {
                return new io.dualwrite.core.store.Transactions() {
                    @Override
                    public <T> T inTransaction(java.util.function.Supplier<T> work) {
                        return work.get();
                    }

                    @Override
                    public <T> T inNewTransaction(java.util.function.Supplier<T> work) {
                        return work.get();
                    }

                    @Override
                    public boolean hasOpenTransaction() {
                        return false;
                    }

                    @Override
                    public void afterCommit(Runnable action) {
                        action.run();
                    }
                };
            }

            @Override
            public String description() {
                return "custom";
            }
        };
        assertThatThrownBy(() -> Migration.builder(
                                "custom-store", Long.class, People.oldStore(oldTransactions, PREFIX), custom)
                        .toNew(People::split)
                        .failurePolicy(SecondaryFailurePolicy.RECORD_FOR_REPAIR)
                        .build())
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("'custom-store'")
                .hasMessageContaining("no divergence ledger for NEW");
    }

    private DivergenceLedger ledgerIn(DataSource dataSource) {
        return new JdbcDivergenceLedger(JdbcTransactions.of(dataSource));
    }

    private Fixture fixture(SecondaryFailurePolicy policy, MigrationPhase phase) {
        return fixture(policy, phase, null);
    }

    private Fixture fixture(SecondaryFailurePolicy policy, MigrationPhase phase, java.time.Duration repairInterval) {
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "cross-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(oldTransactions, PREFIX),
                        People.newStore(newTransactions, PREFIX))
                .toNew(People::split)
                .failurePolicy(policy)
                .build();
        DualWriteBuilder builder = DualWrite.builder(new JdbcPhaseStore(postgres))
                .singleInstance()
                .migration(migration)
                .verificationStore(new io.dualwrite.core.jdbc.JdbcVerificationStore(postgres))
                .verifierOptions(new io.dualwrite.core.verify.VerifierOptions(8, java.time.Duration.ofMillis(20), 0));
        if (repairInterval != null) {
            builder.continuousRepair(repairInterval);
        }
        if (breakerConfig != null) {
            builder.circuitBreakers(breakerConfig);
        }
        builder.shadowReads(io.dualwrite.core.shadow.ShadowReadOptions.defaults()
                .withSampleRate(1)
                .withRecheckDelay(java.time.Duration.ofMillis(10)));
        if (secondaryTimeout != null) {
            builder.timeLimiter(
                    io.github.resilience4j.timelimiter.TimeLimiterConfig.custom()
                            .timeoutDuration(secondaryTimeout)
                            .build(),
                    4);
        }
        DualWrite dualWrite = builder.build();
        while (dualWrite.phase(migration.name()) != phase) {
            dualWrite.advance(migration.name(), TransitionRequest.by("test", "to " + phase));
        }
        return new Fixture(migration, dualWrite.repository(migration), dualWrite);
    }

    private record Fixture(
            Migration<Long, Person, PersonName> migration,
            DualRepository<Long, Person, PersonName> people,
            DualWrite dualWrite) {}
}
