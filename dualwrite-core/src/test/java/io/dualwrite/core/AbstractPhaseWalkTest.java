package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcInstanceRegistry;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.store.Transactions;
import io.dualwrite.core.verify.VerifierOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Randomized, seed-reproducible walks over every allowed move, forward and back, on real databases: three in-process
 * instances with different refresh intervals (two lag behind every move), writes and deletes through either,
 * callers that roll back after the write, and, across two databases, outages of either side. A model records every
 * acknowledged write and delete; after each walk the migration is brought to READ_NEW and both sides must equal the
 * model, compared with plain SQL. Then divergences are planted behind the library's back and the verifier must find
 * each one.
 *
 * <p>Where the setup says so, the leader's autopilot drives the migration too, racing the walk's own moves. Up to
 * DROP_OLD, each walk ends by letting the autopilot reach DROP_OLD; the leader is then replaced by one without an
 * autopilot, which moves back to READ_NEW and waits for the re-sync of the old side before the sides are compared.
 *
 * <p>The tables are keyed by {@code K}: Long, String keys that Java orders otherwise than the database (mixed case,
 * accents, trailing spaces), UUIDs, or composite keys {@code (tenant, seq)} whose tenants Java orders otherwise than
 * the database, as each subclass says. {@code -Ddualwrite.seed=N} replays one walk;
 * {@code -Ddualwrite.walk.seeds=N} sets how many walks each subclass runs (the long form).
 *
 * @param <K> the key type of the walk's tables
 */
abstract class AbstractPhaseWalkTest<K> {

    /** The old representation. */
    record Row<K>(K id, String fullName) {}

    /** The new representation. */
    record Name<K>(K id, String firstName, String lastName) {}

    private static final int KEYS = 30;
    private static final int MOVES = 14;
    private static final Duration HEARTBEAT = Duration.ofMillis(20);
    /** How long every gate must hold before an autopilot that goes up to DROP_OLD advances: the walk acts meanwhile. */
    private static final Duration PILOT_SOAK = Duration.ofMillis(100);

    private final WalkSetup<K> setup;

    AbstractPhaseWalkTest(WalkSetup<K> setup) {
        this.setup = setup;
    }

    private DataSource oldDatabase() {
        return setup.oldDatabase().get().dataSource();
    }

    private DataSource newDatabase() {
        return setup.newDatabase().get().dataSource();
    }

    private boolean twoDatabases() {
        return setup.twoDatabases();
    }

    private String prefix() {
        return setup.prefix();
    }

    private Class<K> keyType() {
        return setup.keyType();
    }

    private K key(int i) {
        return setup.keys().apply(i);
    }

    /** The key as the walk's model and {@link #rows} name it. */
    private String text(K key) {
        return setup.key().text(key);
    }

    @Test
    void randomWalksOverEveryMoveLoseNoAcknowledgedWrite() {
        Long fixed = Long.getLong("dualwrite.seed");
        int walks = fixed != null ? 1 : Integer.getInteger("dualwrite.walk.seeds", setup.walks());
        long base = fixed != null ? fixed : new Random().nextLong();
        Coverage coverage = new Coverage();
        for (int i = 0; i < walks; i++) {
            long seed = base + i;
            try {
                coverage.add(new Walk(seed).run());
            } catch (TestAbortedException skipped) {
                throw skipped;
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        getClass().getSimpleName() + " walk failed; reproduce with -Ddualwrite.seed=" + seed, e);
            }
        }
        System.out.println(getClass().getSimpleName() + ", " + walks + " walks from seed " + base + ": " + coverage);
    }

    /** What the walks of one run did, by their audit trails: printed, so that a run that covers little shows. */
    private static final class Coverage {
        private int moves;
        private int byAutopilot;
        private int resyncs;
        private int rollbacksAfterResync;

        /** Adds one walk's committed moves, oldest first, as {@code FROM->TO vN by ACTOR}. */
        void add(List<String> walk) {
            for (int i = 0; i < walk.size(); i++) {
                String move = walk.get(i);
                moves++;
                if (move.endsWith(" by " + AutopilotOptions.ACTOR)) {
                    byAutopilot++;
                }
                if (move.startsWith("DROP_OLD->READ_NEW")) {
                    resyncs++;
                    if (i + 1 < walk.size() && walk.get(i + 1).matches("READ_NEW->(BACKFILL|DUAL_WRITE) .*")) {
                        rollbacksAfterResync++;
                    }
                }
            }
        }

        @Override
        public String toString() {
            return moves + " moves committed (" + byAutopilot + " by the autopilot), " + resyncs
                    + " DROP_OLD -> READ_NEW (re-sync), " + rollbacksAfterResync + " rollbacks from that READ_NEW";
        }
    }

    /** One walk: its databases, instances, model and random choices. */
    private final class Walk {
        private final Random random;
        private final String name = "walk-" + UUID.randomUUID();
        private final SwitchableDataSource oldSwitch = new SwitchableDataSource(oldDatabase());
        private final SwitchableDataSource newSwitch = new SwitchableDataSource(newDatabase());
        private final Map<String, String> model = new TreeMap<>();
        private final List<String> trail = new ArrayList<>();
        private DualWrite leader;
        private DualWrite lagging;
        private DualWrite slow;
        private JdbcTransactions oldTransactions;
        private JdbcTransactions newTransactions;
        private int written;
        private boolean outage;

        Walk(long seed) {
            this.random = new Random(seed);
        }

        /** Runs the walk; returns its committed moves. */
        List<String> run() {
            DualWriteSchema.create(oldDatabase());
            DualWriteSchema.create(newDatabase());
            createTables(oldDatabase(), Side.OLD);
            createTables(twoDatabases() ? newDatabase() : oldDatabase(), Side.NEW);
            oldTransactions = JdbcTransactions.of(oldSwitch);
            newTransactions = twoDatabases() ? JdbcTransactions.of(newSwitch) : oldTransactions;
            leader = instance("leader", Duration.ZERO, true, autopilot());
            lagging = instance("lagging", Duration.ofMillis(40), false, AutopilotOptions.off());
            slow = instance("slow", Duration.ofMillis(90), false, AutopilotOptions.off());
            try {
                leader.startBackgroundWork();
                for (int i = 0; i < KEYS / 2; i++) {
                    write(leader, key(1 + random.nextInt(KEYS)));
                }
                for (int move = 0; move < MOVES; move++) {
                    outage = twoDatabases() && random.nextInt(4) == 0;
                    SwitchableDataSource cut = random.nextBoolean() ? oldSwitch : newSwitch;
                    if (outage) {
                        cut.cut();
                        trail.add("cut " + (cut == oldSwitch ? "OLD" : "NEW"));
                    }
                    operations(3 + random.nextInt(8));
                    randomMove();
                    if (setup.autopilotUpTo() == MigrationPhase.DROP_OLD && random.nextInt(3) == 0) {
                        pause(random.nextInt(400)); // time for the autopilot to move (its soak is PILOT_SOAK)
                    }
                    operations(random.nextInt(4));
                    if (outage) {
                        cut.restore();
                        outage = false;
                        trail.add("restore");
                    }
                }
                autopilotReachesDropOld();
                settleInReadNew();
                assertSidesEqualTheModel();
                plantedDivergencesAreAllFound();
                return moves();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("walk trail: " + trail + "\nmoves: " + moves(), e);
            } finally {
                oldSwitch.restore();
                newSwitch.restore();
                slow.close();
                lagging.close();
                leader.close();
            }
        }

        private DualWrite instance(String id, Duration refresh, boolean copies, AutopilotOptions pilot) {
            JdbcTransactions tables = JdbcTransactions.of(newDatabase());
            Migration<K, Row<K>, Name<K>> migration = Migration.builder(
                            name, keyType(), oldStore(oldTransactions), newStore(newTransactions))
                    .toNew(AbstractPhaseWalkTest::split)
                    .toOld(AbstractPhaseWalkTest::join)
                    .failurePolicy(SecondaryFailurePolicy.RECORD_FOR_REPAIR)
                    .build();
            return DualWrite.builder(new JdbcPhaseStore(tables))
                    .migration(migration)
                    .instanceId(id + "-" + name)
                    .refreshInterval(refresh)
                    .instanceRegistry(new JdbcInstanceRegistry(tables), HEARTBEAT, Duration.ofSeconds(2))
                    .backfillStore(new JdbcBackfillStore(tables))
                    .backfillOptions(BackfillOptions.defaults()
                            .withChunkSizes(8, 4, 16)
                            // outages are short here: keep retrying quickly rather than back off for seconds
                            .withRetries(10_000, Duration.ofMillis(20), Duration.ofMillis(100))
                            .withPollInterval(Duration.ofMillis(10)))
                    .verificationStore(new JdbcVerificationStore(tables))
                    .verifierOptions(new VerifierOptions(10, Duration.ofMillis(5), 0))
                    .gates(GateOptions.defaults()
                            .withMaxMismatchRate(1)
                            .withMinShadowSamples(0)
                            .withMinShadowTime(Duration.ZERO)
                            .withReadNewSoak(Duration.ZERO))
                    .copies(copies)
                    .autopilot(name, pilot)
                    .autopilotInterval(Duration.ofMillis(50))
                    .build();
        }

        /** The leader's autopilot: off, or up to the setup's final phase. */
        private AutopilotOptions autopilot() {
            MigrationPhase upTo = setup.autopilotUpTo();
            if (upTo == null) {
                return AutopilotOptions.off();
            }
            return AutopilotOptions.upToReadNew()
                    .withFinalPhase(upTo)
                    .withSoak(upTo == MigrationPhase.DROP_OLD ? PILOT_SOAK : Duration.ZERO)
                    .withMinSamples(5);
        }

        /**
         * Up to DROP_OLD: once the walk stops moving, the autopilot must bring the migration to DROP_OLD on its own.
         * Then the leader is replaced by one without an autopilot (which would move forward again), to settle.
         */
        private void autopilotReachesDropOld() {
            if (setup.autopilotUpTo() != MigrationPhase.DROP_OLD) {
                return;
            }
            awaitQuietly(() -> leader.state(name).phase() == MigrationPhase.DROP_OLD
                    || !leader.managed(name).autopilotActive());
            assertThat(leader.state(name).phase())
                    .as("where the autopilot drove the migration once the walk stopped moving")
                    .isEqualTo(MigrationPhase.DROP_OLD);
            trail.add("autopilot reached DROP_OLD");
            leader.close();
            leader = instance("settler", Duration.ZERO, true, AutopilotOptions.off());
            leader.startBackgroundWork();
        }

        /** The committed moves, oldest first, with who made them (the autopilot's moves show only here). */
        private List<String> moves() {
            List<String> moves = new ArrayList<>();
            try {
                List<AuditEntry> entries = new ArrayList<>(leader.auditTrail(name, 500));
                java.util.Collections.reverse(entries);
                for (AuditEntry e : entries) {
                    if (e.event().movesPhase()) {
                        moves.add(e.from() + "->" + e.to() + " v" + e.version() + " by " + e.actor());
                    }
                }
            } catch (RuntimeException e) {
                moves.add("audit trail unreadable: " + e);
            }
            return moves;
        }

        private void operations(int count) {
            for (int i = 0; i < count; i++) {
                int pick = random.nextInt(3);
                DualWrite through = pick == 0 ? leader : pick == 1 ? lagging : slow;
                K key = key(1 + random.nextInt(KEYS));
                int kind = random.nextInt(10);
                if (kind < 2) {
                    delete(through, key);
                } else if (kind < 3) {
                    rolledBack(key);
                } else {
                    write(through, key);
                }
            }
        }

        @SuppressWarnings("unchecked")
        private DualRepository<K, Row<K>, Name<K>> people(DualWrite through) {
            return (DualRepository<K, Row<K>, Name<K>>) through.repository(name);
        }

        private void write(DualWrite through, K key) {
            String full = "First W" + written++;
            try {
                people(through).write(new Row<>(key, full));
                model.put(text(key), full);
            } catch (DualWriteException e) {
                trail.add("write " + key + " failed: " + e.getClass().getSimpleName());
            }
        }

        private void delete(DualWrite through, K key) {
            try {
                people(through).delete(key);
                model.remove(text(key));
            } catch (DualWriteException e) {
                trail.add("delete " + key + " failed: " + e.getClass().getSimpleName());
            }
        }

        /** A caller's transaction on the leader's source of truth that writes, then throws: nothing may remain. */
        private void rolledBack(K key) {
            Side truth = leader.phase(name).sourceOfTruth();
            Transactions callers = truth == Side.OLD ? oldTransactions : newTransactions;
            try {
                callers.inTransaction(() -> {
                    people(leader).write(new Row<>(key, "Rolled Back" + written++));
                    throw new CallerRollback();
                });
            } catch (CallerRollback expected) {
                trail.add("rolled back " + key);
            } catch (DualWriteException e) {
                trail.add("rolled back " + key + " failed: " + e.getClass().getSimpleName());
            }
        }

        private void randomMove() {
            MigrationPhase from = leader.state(name).phase();
            List<PhaseTransition> moves = new ArrayList<>();
            for (PhaseTransition t : PhaseTransition.values()) {
                if (t.from() == from) {
                    moves.add(t);
                }
            }
            move(moves.get(random.nextInt(moves.size())).to());
        }

        /** Tries a move, waiting a little for the barrier and for what the gates wait for; refusals are fine. */
        private boolean move(MigrationPhase target) {
            MigrationPhase from = leader.state(name).phase();
            if (from == MigrationPhase.BACKFILL && target == MigrationPhase.READ_NEW && !outage) {
                awaitQuietly(() -> backfillDone());
                verifyAndRepair();
            }
            for (int attempt = 0; attempt < 60; attempt++) {
                try {
                    leader.transition(name, target, TransitionRequest.by("walk", "to " + target));
                    trail.add(from + "->" + target);
                    return true;
                } catch (TransitionRefusedException refused) {
                    boolean waitable = refused.failedGates().stream()
                            .allMatch(g -> g.name().equals(DualWrite.BARRIER_GATE)
                                    || g.name().equals(Handover.RESYNCED));
                    if (!waitable) {
                        trail.add(from + "->" + target + " refused: "
                                + refused.failedGates().stream()
                                        .map(GateResult::name)
                                        .toList());
                        return false;
                    }
                    pause(25);
                } catch (DualWriteException e) {
                    trail.add(from + "->" + target + " failed: " + e.getClass().getSimpleName());
                    return false;
                }
            }
            trail.add(from + "->" + target + " gave up waiting");
            return false;
        }

        private boolean backfillDone() {
            return leader.backfill(name).progress().state() == BackfillState.COMPLETED;
        }

        private void verifyAndRepair() {
            for (int round = 0; round < 5; round++) {
                try {
                    if (leader.ledgerSize(name) > 0) {
                        leader.repair(name, 10_000);
                    }
                    var verification = leader.verify(name);
                    if (verification.divergences() == 0 && leader.ledgerSize(name) == 0) {
                        return;
                    }
                } catch (DualWriteException | IllegalStateException e) {
                    trail.add("verify/repair failed: " + e.getClass().getSimpleName());
                    return;
                }
            }
        }

        /** Every side up, the migration walked to READ_NEW by the way the gates ask, every ledger drained. */
        private void settleInReadNew() {
            oldSwitch.restore();
            newSwitch.restore();
            outage = false;
            trail.add("settle");
            for (int step = 0; step < 12 && leader.state(name).phase() != MigrationPhase.READ_NEW; step++) {
                MigrationPhase phase = leader.state(name).phase();
                MigrationPhase target = phase == MigrationPhase.DROP_OLD
                        ? MigrationPhase.READ_NEW
                        : phase.next().orElseThrow();
                if (phase.writeOrder().size() == 2 && leader.ledgerSize(name) > 0) {
                    leader.repair(name, 10_000);
                }
                move(target);
            }
            assertThat(leader.state(name).phase()).as("settled phase").isEqualTo(MigrationPhase.READ_NEW);
            // READ_NEW entered from DROP_OLD: the re-sync must have completed (the gate of every move back says so).
            awaitQuietly(() -> leader.gates(name, MigrationPhase.BACKFILL).stream()
                    .filter(g -> g.name().equals(Handover.RESYNCED))
                    .allMatch(GateResult::passed));
            verifyAndRepair();
            assertThat(leader.ledgerSize(name)).as("ledger after settling").isZero();
        }

        private void assertSidesEqualTheModel() {
            assertThat(rows(oldDatabase(), prefix() + "_old"))
                    .as("OLD, by plain SQL")
                    .isEqualTo(model);
            Map<String, String> split = new TreeMap<>();
            model.forEach((id, full) -> {
                Name<String> name = split(new Row<>(id, full));
                split.put(id, name.firstName() + "|" + name.lastName());
            });
            assertThat(rows(newSideDatabase(), prefix() + "_new"))
                    .as("NEW, by plain SQL")
                    .isEqualTo(split);
        }

        /** Changes, deletes and extra rows planted in NEW with plain SQL: the verifier must report each of them. */
        private void plantedDivergencesAreAllFound() {
            List<String> present = new ArrayList<>(model.keySet());
            int planted = 0;
            if (present.size() >= 2) {
                String changed = present.get(random.nextInt(present.size()));
                execute(
                        newSideDatabase(),
                        "UPDATE " + prefix() + "_new SET last_name = 'Planted' WHERE "
                                + setup.key().equalTo(),
                        values(keyOf(changed)));
                planted++;
                String removed = present.stream()
                        .filter(k -> !k.equals(changed))
                        .findFirst()
                        .orElseThrow();
                execute(
                        newSideDatabase(),
                        "DELETE FROM " + prefix() + "_new WHERE " + setup.key().equalTo(),
                        values(keyOf(removed)));
                planted++;
            }
            execute(
                    newSideDatabase(),
                    "INSERT INTO " + prefix() + "_new ("
                            + String.join(", ", setup.key().columns())
                            + ", first_name, last_name) VALUES ("
                            + String.join(
                                    ", ",
                                    java.util.Collections.nCopies(
                                            setup.key().columns().size(), "?"))
                            + ", 'Extra', 'Row')",
                    values(key(KEYS + 1)));
            planted++;
            var verification = leader.verify(name);
            assertThat(verification.divergences())
                    .as("planted divergences found")
                    .isEqualTo(planted);
            assertThat(verification.rowsChecked()).isGreaterThanOrEqualTo(model.size());
        }

        /** The key whose text form is {@code text}, among the walk's keys. */
        private K keyOf(String text) {
            for (int i = 1; i <= KEYS; i++) {
                if (text(key(i)).equals(text)) {
                    return key(i);
                }
            }
            throw new IllegalArgumentException("no key " + text);
        }

        private void awaitQuietly(BooleanSupplier condition) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    trail.add("condition not met in 20 s");
                    return;
                }
                pause(10);
            }
        }
    }

    private Object[] values(K key) {
        return setup.key().values().apply(key).toArray();
    }

    private DataSource newSideDatabase() {
        return twoDatabases() ? newDatabase() : oldDatabase();
    }

    private void createTables(DataSource database, Side side) {
        String table = prefix() + (side == Side.OLD ? "_old" : "_new");
        execute(database, "DROP TABLE IF EXISTS " + table);
        StringBuilder keyColumns = new StringBuilder();
        for (int i = 0; i < setup.key().columns().size(); i++) {
            keyColumns
                    .append(setup.key().columns().get(i))
                    .append(' ')
                    .append(setup.key().types().get(i))
                    .append(" NOT NULL, ");
        }
        execute(
                database,
                "CREATE TABLE " + table + " (" + keyColumns
                        + (side == Side.OLD
                                ? "full_name VARCHAR(200)"
                                : "first_name VARCHAR(100) NOT NULL, last_name VARCHAR(100)")
                        + ", PRIMARY KEY (" + String.join(", ", setup.key().columns()) + "))");
    }

    @SuppressWarnings("unchecked")
    private JdbcStore<K, Row<K>> oldStore(JdbcTransactions transactions) {
        JdbcStore.Builder<K, Row<K>> builder = JdbcStore.builder(
                        transactions, keyType(), (Class<Row<K>>) (Class<?>) Row.class)
                .table(prefix() + "_old");
        declareKey(builder, Row::id);
        return builder.columns("full_name")
                .mapper(rs -> new Row<>(readKey(rs), rs.getString("full_name")))
                .binder((row, values) -> values.set("full_name", row.fullName()))
                .build();
    }

    @SuppressWarnings("unchecked")
    private JdbcStore<K, Name<K>> newStore(JdbcTransactions transactions) {
        JdbcStore.Builder<K, Name<K>> builder = JdbcStore.builder(
                        transactions, keyType(), (Class<Name<K>>) (Class<?>) Name.class)
                .table(prefix() + "_new");
        declareKey(builder, Name::id);
        return builder.columns("first_name", "last_name")
                .mapper(rs -> new Name<>(readKey(rs), rs.getString("first_name"), rs.getString("last_name")))
                .binder((name, values) ->
                        values.set("first_name", name.firstName()).set("last_name", name.lastName()))
                .build();
    }

    /** {@code key("id", ...)}, or for a composite key {@code compositeKey(columns, ...)} over the key record. */
    private <V> void declareKey(JdbcStore.Builder<K, V> builder, java.util.function.Function<V, K> keyOf) {
        if (setup.key().composite()) {
            builder.compositeKey(setup.key().columns(), keyOf);
        } else {
            builder.key("id", keyOf);
        }
    }

    /** The key in a row, read with plain JDBC. */
    private K readKey(java.sql.ResultSet rs) throws java.sql.SQLException {
        return setup.key().reader().map(rs);
    }

    static <K> Name<K> split(Row<K> row) {
        String full = row.fullName();
        int space = full.indexOf(' ');
        return space < 0
                ? new Name<>(row.id(), full, "")
                : new Name<>(row.id(), full.substring(0, space), full.substring(space + 1));
    }

    static <K> Row<K> join(Name<K> name) {
        return new Row<>(
                name.id(), name.lastName().isEmpty() ? name.firstName() : name.firstName() + " " + name.lastName());
    }

    /**
     * Every row of a table as key text (the key columns' values joined by '/') -> column values joined by '|', read
     * with plain SQL, not through a store.
     */
    private Map<String, String> rows(DataSource dataSource, String table) {
        Map<String, String> rows = new TreeMap<>();
        int keyColumns = setup.key().columns().size();
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder key = new StringBuilder();
                for (int i = 1; i <= keyColumns; i++) {
                    key.append(i > 1 ? "/" : "").append(rs.getString(i));
                }
                StringBuilder value = new StringBuilder();
                for (int i = keyColumns + 1; i <= columns; i++) {
                    value.append(i > keyColumns + 1 ? "|" : "").append(rs.getString(i));
                }
                rows.put(key.toString(), value.toString());
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static void execute(DataSource dataSource, String sql, Object... parameters) {
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What a caller throws to roll its transaction back. */
    private static final class CallerRollback extends RuntimeException {
        CallerRollback() {
            super("the caller rolls back", null, false, false);
        }
    }
}
