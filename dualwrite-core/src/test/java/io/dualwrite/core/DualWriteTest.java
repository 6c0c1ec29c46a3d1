package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.ConcurrentTransitionException;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.IllegalPhaseTransitionException;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.model.StoreException;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.model.UnknownMigrationException;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registration, transitions, guards, the audit trail and phase caching, on the in-memory phase store. */
class DualWriteTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final InMemoryPhaseStore store = new InMemoryPhaseStore();
    private JdbcStore<Long, Person> oldStore;
    private JdbcStore<Long, PersonName> newStore;
    private Migration<Long, Person, PersonName> migration;

    @BeforeEach
    void setUp() {
        var dataSource = TestDatabases.h2().dataSource();
        io.dualwrite.core.jdbc.DualWriteSchema.create(dataSource);
        People.createTables(dataSource, "people");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        oldStore = People.oldStore(transactions, "people");
        newStore = People.newStore(transactions, "people");
        migration = Migration.builder("split-name", Long.class, oldStore, newStore)
                .toNew(People::split)
                .build();
    }

    @Test
    void aNewMigrationStartsInOldOnly() {
        DualWrite dualWrite = DualWrite.builder(store)
                .singleInstance()
                .migration(migration)
                .clock(clock)
                .build();

        assertThat(dualWrite.phase("split-name")).isEqualTo(MigrationPhase.OLD_ONLY);
        assertThat(store.find("split-name"))
                .contains(new PhaseState(
                        "split-name", MigrationPhase.OLD_ONLY, 0, clock.instant(), DualWrite.SYSTEM_ACTOR));
    }

    @Test
    void aStoredPhaseSurvivesARestart() {
        DualWrite first =
                DualWrite.builder(store).singleInstance().migration(migration).build();
        first.advance("split-name", TransitionRequest.by("alice", "go"));

        DualWrite restarted =
                DualWrite.builder(store).singleInstance().migration(migration).build();

        assertThat(restarted.phase("split-name")).isEqualTo(MigrationPhase.DUAL_WRITE);
    }

    @Test
    void unknownMigrationNamesAreRefusedWithTheKnownNames() {
        DualWrite dualWrite =
                DualWrite.builder(store).singleInstance().migration(migration).build();

        for (Runnable call : List.<Runnable>of(
                () -> dualWrite.repository("split-names"),
                () -> dualWrite.phase("split-names"),
                () -> dualWrite.advance("split-names", TransitionRequest.by("a", null)),
                () -> dualWrite.auditTrail("split-names", 5))) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(UnknownMigrationException.class)
                    .hasMessage("Unknown migration 'split-names'; registered migrations are [split-name]");
        }
        assertThat(store.find("split-names")).isEmpty();
    }

    @Test
    void aDuplicateNameIsRefused() {
        assertThatThrownBy(() -> DualWrite.builder(store)
                        .singleInstance()
                        .migration(migration)
                        .migration(migration))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("Two migrations are named 'split-name'");
    }

    @Test
    void definitionsMissingAPartNameThePartAndTheFix() {
        assertThatThrownBy(() ->
                        Migration.builder("m", Long.class, oldStore, newStore).build())
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessage("Migration 'm' has no OLD -> NEW mapping; declare it with toNew(...)");
        assertThatThrownBy(() -> Migration.<Long, Person, PersonName>builder("m", Long.class, null, newStore))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("Migration 'm' has no OLD store");
        assertThatThrownBy(() -> Migration.builder("bad name!", Long.class, oldStore, newStore))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("Migration name 'bad name!' is invalid");
    }

    @Test
    void aSqlMappingMustCoverExactlyTheNewColumns() {
        assertThatThrownBy(() -> Migration.builder("sql", Long.class, oldStore, newStore)
                        .toNew(People::split)
                        .sqlMapping(io.dualwrite.core.model.SqlMapping.builder()
                                .column("first_name", "full_name")
                                .build())
                        .build())
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("exactly the NEW columns [first_name, last_name], but gives [first_name]");
    }

    @Test
    void aSqlMappingNeedsBothSidesInOneDatabase() {
        var otherDatabase = JdbcTransactions.of(TestDatabases.h2().dataSource());
        assertThatThrownBy(
                        () -> Migration.builder("sql", Long.class, oldStore, People.newStore(otherDatabase, "people"))
                                .toNew(People::split)
                                .sqlMapping(io.dualwrite.core.model.SqlMapping.builder()
                                        .column("first_name", "full_name")
                                        .column("last_name", "full_name")
                                        .build())
                                .build())
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("works within one database only");
    }

    @Test
    void aKeyTypeWithoutCodecNeedsOne() {
        // Neither a built-in key type nor a record of them: no codec can be derived.
        record Key(java.time.LocalDate day) {}
        var keyed = new io.dualwrite.core.store.MigrationStore<Key, String>() {
            public Key keyOf(String v) {
                return new Key(java.time.LocalDate.EPOCH);
            }

            public Optional<String> read(Key k) {
                return Optional.empty();
            }

            public Optional<String> readLocked(Key k) {
                return Optional.empty();
            }

            public void upsert(String v) {}

            public void insertAbsent(List<String> v) {}

            public void delete(Key k) {}

            public List<String> scan(Key a, Key b, int l) {
                return List.of();
            }

            public List<String> scanLocked(Key a, Key b, int l) {
                return List.of();
            }

            public Optional<Key> maxKey() {
                return Optional.empty();
            }

            public long estimateSize() {
                return 0;
            }

            public io.dualwrite.core.store.Transactions transactions() {
                return oldStore.transactions();
            }

            public String description() {
                return "k";
            }
        };
        assertThatThrownBy(() -> Migration.builder("keyed", Key.class, keyed, keyed)
                        .toNew(s -> s)
                        .build())
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("Migration 'keyed'")
                .hasMessageContaining("declare one with keyCodec(...)");
    }

    @Test
    void anIllegalTransitionChangesNothing() {
        DualWrite dualWrite =
                DualWrite.builder(store).singleInstance().migration(migration).build();

        assertThatThrownBy(() -> dualWrite.transition(
                        "split-name", MigrationPhase.READ_NEW, TransitionRequest.by("alice", "hurry")))
                .isInstanceOf(IllegalPhaseTransitionException.class)
                .hasMessageContaining("'split-name' cannot move from OLD_ONLY to READ_NEW");
        assertThat(dualWrite.phase("split-name")).isEqualTo(MigrationPhase.OLD_ONLY);
        assertThat(dualWrite.auditTrail("split-name", 10)).isEmpty();
    }

    @Test
    void advancingPastTheLastPhaseAndRollingBackBeforeTheFirstAreRefused() {
        DualWrite dualWrite =
                DualWrite.builder(store).singleInstance().migration(migration).build();
        assertThatThrownBy(() -> dualWrite.rollback("split-name", TransitionRequest.by("a", null)))
                .isInstanceOf(IllegalPhaseTransitionException.class)
                .hasMessageContaining("already in its first phase, OLD_ONLY");
        for (int i = 0; i < 4; i++) {
            dualWrite.advance("split-name", TransitionRequest.by("a", null));
        }
        assertThatThrownBy(() -> dualWrite.advance("split-name", TransitionRequest.by("a", null)))
                .isInstanceOf(IllegalPhaseTransitionException.class)
                .hasMessageContaining("already in its last phase, DROP_OLD");
    }

    @Test
    void aFailingGateRefusesTheMoveListsEveryFailureAndIsAudited() {
        AtomicBoolean backfillDone = new AtomicBoolean(false);
        DualWrite dualWrite = DualWrite.builder(store)
                .singleInstance()
                .migration(migration)
                .clock(clock)
                .guard((m, t) -> List.of(GateResult.pass("always", "fine")))
                .guard((m, t) -> t == PhaseTransition.BACKFILL_TO_READ_NEW
                        ? List.of(
                                backfillDone.get()
                                        ? GateResult.pass("backfill", "completed")
                                        : GateResult.fail("backfill", "40% copied"),
                                GateResult.fail("ledger", "3 keys to repair"))
                        : List.of())
                .build();
        dualWrite.advance("split-name", TransitionRequest.by("alice", null));
        dualWrite.advance("split-name", TransitionRequest.by("alice", null));

        assertThatThrownBy(() -> dualWrite.advance("split-name", TransitionRequest.by("bob", "looks fine")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining("backfill (40% copied); ledger (3 keys to repair)")
                .satisfies(e -> assertThat(((TransitionRefusedException) e).failedGates())
                        .extracting(GateResult::name)
                        .containsExactly("backfill", "ledger"));

        assertThat(dualWrite.phase("split-name")).isEqualTo(MigrationPhase.BACKFILL);
        AuditEntry refused = dualWrite.auditTrail("split-name", 1).get(0);
        assertThat(refused.event()).isEqualTo(AuditEntry.Event.REFUSED);
        assertThat(refused.actor()).isEqualTo("bob");
        // First the handover rule (the source of truth moves, and no key is ahead on OLD), then the guards.
        assertThat(refused.evidence())
                .extracting(GateResult::name, GateResult::passed)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Handover.HANDOVER, true),
                        org.assertj.core.groups.Tuple.tuple("always", true),
                        org.assertj.core.groups.Tuple.tuple("backfill", false),
                        org.assertj.core.groups.Tuple.tuple("ledger", false));
    }

    @Test
    void aForcedMoveNeedsAReasonAndIsRecordedAsForced() {
        DualWrite dualWrite = DualWrite.builder(store)
                .singleInstance()
                .migration(migration)
                .guard((m, t) -> List.of(GateResult.fail("instances", "1 lagging")))
                .build();

        assertThatThrownBy(() -> TransitionRequest.forcedBy("carol", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a reason");
        dualWrite.advance("split-name", TransitionRequest.forcedBy("carol", "lagging instance is being drained"));

        assertThat(dualWrite.phase("split-name")).isEqualTo(MigrationPhase.DUAL_WRITE);
        AuditEntry forced = dualWrite.auditTrail("split-name", 1).get(0);
        assertThat(forced.event()).isEqualTo(AuditEntry.Event.FORCED);
        assertThat(forced.reason()).isEqualTo("lagging instance is being drained");
        assertThat(forced.evidence()).containsExactly(GateResult.fail("instances", "1 lagging"));
    }

    @Test
    void aGuardThatThrowsCountsAsAFailedGate() {
        DualWrite dualWrite = DualWrite.builder(store)
                .singleInstance()
                .migration(migration)
                .guard((m, t) -> {
                    throw new IllegalStateException("metrics unavailable");
                })
                .build();

        assertThatThrownBy(() -> dualWrite.advance("split-name", TransitionRequest.by("a", null)))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining("metrics unavailable");
    }

    @Test
    void aMoveThatChangesTheSourceOfTruthNeedsARegistryOrTheSingleInstanceDeclaration() {
        DualWrite dualWrite = DualWrite.builder(store).migration(migration).build();
        dualWrite.advance("split-name", TransitionRequest.by("a", null));
        dualWrite.advance("split-name", TransitionRequest.by("a", null));

        assertThatThrownBy(() -> dualWrite.advance("split-name", TransitionRequest.forcedBy("a", "no registry")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining(Handover.REGISTRY)
                .hasMessageContaining("declare singleInstance()");
        assertThat(dualWrite.phase("split-name")).isEqualTo(MigrationPhase.BACKFILL);

        DualWrite single =
                DualWrite.builder(store).migration(migration).singleInstance().build();
        single.advance("split-name", TransitionRequest.by("a", "the only instance"));
        assertThat(single.phase("split-name")).isEqualTo(MigrationPhase.READ_NEW);
    }

    @Test
    void rollbacksAreAuditedAsSuch() {
        DualWrite dualWrite =
                DualWrite.builder(store).singleInstance().migration(migration).build();
        dualWrite.advance("split-name", TransitionRequest.by("alice", "start"));
        dualWrite.rollback("split-name", TransitionRequest.by("alice", "new table has a bad index"));

        assertThat(dualWrite.auditTrail("split-name", 10))
                .extracting(AuditEntry::event, AuditEntry::from, AuditEntry::to)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                AuditEntry.Event.ROLLED_BACK, MigrationPhase.DUAL_WRITE, MigrationPhase.OLD_ONLY),
                        org.assertj.core.groups.Tuple.tuple(
                                AuditEntry.Event.ADVANCED, MigrationPhase.OLD_ONLY, MigrationPhase.DUAL_WRITE));
    }

    @Test
    void anotherInstanceAppliesATransitionOnlyAfterItsRefreshInterval() {
        DualWrite a = DualWrite.builder(store)
                .singleInstance()
                .migration(migration)
                .clock(clock)
                .refreshInterval(Duration.ofSeconds(2))
                .build();
        DualWrite b = DualWrite.builder(store)
                .singleInstance()
                .migration(migration)
                .clock(clock)
                .refreshInterval(Duration.ofSeconds(2))
                .build();
        assertThat(b.phase("split-name")).isEqualTo(MigrationPhase.OLD_ONLY);

        a.advance("split-name", TransitionRequest.by("alice", null));

        assertThat(a.phase("split-name")).isEqualTo(MigrationPhase.DUAL_WRITE);
        clock.advance(Duration.ofMillis(1999));
        assertThat(b.phase("split-name")).isEqualTo(MigrationPhase.OLD_ONLY);
        clock.advance(Duration.ofMillis(1));
        assertThat(b.phase("split-name")).isEqualTo(MigrationPhase.DUAL_WRITE);
    }

    @Test
    void anUnreachablePhaseStoreKeepsTheLastKnownPhase() {
        AtomicBoolean down = new AtomicBoolean(false);
        PhaseStore flaky = new DelegatingPhaseStore(store) {
            @Override
            public Optional<PhaseState> find(String name) {
                if (down.get()) {
                    throw new StoreException("connection refused", null);
                }
                return super.find(name);
            }
        };
        DualWrite dualWrite = DualWrite.builder(flaky)
                .singleInstance()
                .migration(migration)
                .clock(clock)
                .build();
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        down.set(true);
        clock.advance(Duration.ofMinutes(1));

        assertThat(dualWrite.phase("split-name")).isEqualTo(MigrationPhase.OLD_ONLY);
        people.write(new Person(1, "Ada Lovelace"));
        assertThat(oldStore.read(1L)).isPresent();
    }

    @Test
    void concurrentTransitionsFromTwoInstancesCannotBothWin() {
        DualWrite a =
                DualWrite.builder(store).singleInstance().migration(migration).build();
        PhaseState seenByB = store.find("split-name").orElseThrow();
        a.advance("split-name", TransitionRequest.by("alice", null));

        assertThatThrownBy(() -> store.transition(
                        seenByB,
                        new AuditEntry(
                                "split-name",
                                AuditEntry.Event.ADVANCED,
                                MigrationPhase.OLD_ONLY,
                                MigrationPhase.DUAL_WRITE,
                                1,
                                "bob",
                                null,
                                List.of(),
                                Instant.now())))
                .isInstanceOf(ConcurrentTransitionException.class);
        assertThat(store.auditTrail("split-name", 10)).hasSize(1);
    }

    /** Passes every call through; tests override what they break. */
    private static class DelegatingPhaseStore implements PhaseStore {
        private final PhaseStore delegate;

        DelegatingPhaseStore(PhaseStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public PhaseState initialize(String m, MigrationPhase p, String actor, Instant at) {
            return delegate.initialize(m, p, actor, at);
        }

        @Override
        public Optional<PhaseState> find(String m) {
            return delegate.find(m);
        }

        @Override
        public PhaseState transition(PhaseState expected, AuditEntry entry) {
            return delegate.transition(expected, entry);
        }

        @Override
        public void audit(AuditEntry entry) {
            delegate.audit(entry);
        }

        @Override
        public List<AuditEntry> auditTrail(String m, int limit) {
            return delegate.auditTrail(m, limit);
        }

        @Override
        public Optional<io.dualwrite.core.phase.Resync> findResync(String m) {
            return delegate.findResync(m);
        }

        @Override
        public void saveResync(io.dualwrite.core.phase.Resync resync) {
            delegate.saveResync(resync);
        }
    }
}
