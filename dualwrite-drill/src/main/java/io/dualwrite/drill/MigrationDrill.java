package io.dualwrite.drill;

import io.dualwrite.core.AutopilotOptions;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.GateOptions;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.backfill.InMemoryBackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.FieldDiffer;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcInstanceRegistry;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.InMemoryInstanceRegistry;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.phase.InstanceRegistry;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.core.verify.InMemoryVerificationStore;
import io.dualwrite.core.verify.VerificationStore;
import io.dualwrite.core.verify.VerifierOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a team's own {@link Migration} through every phase and back, in its own tests, and checks that nothing
 * acknowledged was lost: the phase-walk harness that dualwrite runs on itself, made for any migration.
 *
 * <pre>{@code
 * @Test
 * void theNameSplitSurvivesEveryMove() {
 *     MigrationDrill.walk(nameSplit, random -> new Customer(random.nextLong(1, 31), Names.random(random)));
 * }
 * }</pre>
 *
 * <p>First the {@link MappingCheck}s run on the generated values (and on NEW values, with {@link #newValues}).
 * Then each walk runs under a name of its own ({@link Migration#withName}: the migration's stores, mappings,
 * equivalence and failure policy, a fresh phase state) with three in-process {@link DualWrite} instances of
 * different refresh intervals; writes, deletes and callers' rolled-back writes go through either of them while the
 * walk moves the migration: the first walk tours every allowed move (each rollback, DROP_OLD -> READ_NEW with its
 * re-sync of OLD, a paused and resumed backfill), the others move at random, with outages of either side where
 * {@link #outages} can cut them. Each walk ends in READ_NEW, where both sides must hold exactly what was
 * acknowledged (a missing value is a lost write, a value where a delete was acknowledged a resurrected delete, any
 * other difference a divergence), and where divergences planted in NEW through its store must each be found by the
 * verifier.
 *
 * <p><b>The drill deletes every row of both stores before each walk</b>: point it at a test database. dualwrite's
 * own tables are created where missing ({@link DualWriteSchema}) in the stores' databases. Keys come from the
 * generator: draw them from a few dozen (such as {@code random.nextLong(1, 31)}) so that writes and deletes meet.
 *
 * <p>The drill overrides the gate settings that would make a walk wait (samples, shadow time, soaks; see
 * {@link DrillReport#overridden()}) and keeps the rest as configured ({@link #gates}). A failure names the seed:
 * {@code -Ddualwrite.seed=N} replays it (the tour and one random walk from that seed), {@code -Ddualwrite.walk.seeds=N}
 * sets how many walks run.
 *
 * @param <K> the key type
 * @param <O> the OLD representation
 * @param <N> the NEW representation
 */
public final class MigrationDrill<K, O, N> {

    /** The default number of walks, the first of them the tour. */
    public static final int DEFAULT_WALKS = 3;

    /** The default number of moves of a random walk. */
    public static final int DEFAULT_MOVES = 14;

    private static final Logger log = LoggerFactory.getLogger(MigrationDrill.class);
    private static final Duration HEARTBEAT = Duration.ofMillis(20);
    private static final Duration PILOT_SOAK = Duration.ofMillis(100);

    private final Migration<K, O, N> migration;
    private @Nullable Function<SplittableRandom, O> values;
    private @Nullable Function<SplittableRandom, N> newValues;
    private int mappingSamples = MappingCheck.DEFAULT_SAMPLES;
    private int walks = DEFAULT_WALKS;
    private int moves = DEFAULT_MOVES;
    private boolean tour = true;
    private @Nullable Long seed;
    private GateOptions gates = GateOptions.defaults();
    private @Nullable MigrationPhase autopilotUpTo;
    private @Nullable Outages outages;
    private @Nullable DataSource controlDatabase;
    private @Nullable Supplier<Map<K, O>> oldRows;
    private @Nullable Supplier<Map<K, N>> newRows;
    private @Nullable Equivalence<O> oldEquivalence;

    private MigrationDrill(Migration<K, O, N> migration) {
        this.migration = Objects.requireNonNull(migration, "migration");
    }

    /** Starts a drill of a migration (in a Spring test, its {@code Migration} bean). */
    public static <K, O, N> MigrationDrill<K, O, N> of(Migration<K, O, N> migration) {
        return new MigrationDrill<>(migration);
    }

    /**
     * Drills a migration with the defaults and throws an {@link AssertionError} naming the seed unless it passes.
     *
     * @param values how to make up OLD values, keys included (from a few dozen keys)
     * @return the report, when the drill passed
     */
    public static <K, O, N> DrillReport walk(Migration<K, O, N> migration, Function<SplittableRandom, O> values) {
        return of(migration).values(values).run().assertPasses();
    }

    /** How to make up OLD values, keys included: what the walk writes. Required. */
    public MigrationDrill<K, O, N> values(Function<SplittableRandom, O> generator) {
        this.values = Objects.requireNonNull(generator, "generator");
        return this;
    }

    /** How to make up NEW values for the mapping checks' NEW -> OLD -> NEW check (see {@link MappingCheck}). */
    public MigrationDrill<K, O, N> newValues(Function<SplittableRandom, N> generator) {
        this.newValues = Objects.requireNonNull(generator, "generator");
        return this;
    }

    /** How many values each mapping check makes up. Default {@value MappingCheck#DEFAULT_SAMPLES}. */
    public MigrationDrill<K, O, N> mappingSamples(int samples) {
        this.mappingSamples = atLeast(1, samples, "mappingSamples");
        return this;
    }

    /**
     * How many walks run, the first of them the tour. Default {@value #DEFAULT_WALKS}; {@code -Ddualwrite.walk.seeds}
     * overrides it.
     */
    public MigrationDrill<K, O, N> walks(int walks) {
        this.walks = atLeast(1, walks, "walks");
        return this;
    }

    /** How many moves each random walk tries. Default {@value #DEFAULT_MOVES}. */
    public MigrationDrill<K, O, N> moves(int moves) {
        this.moves = atLeast(1, moves, "moves");
        return this;
    }

    /** Whether the first walk tours every allowed move (default) or moves at random as the others do. */
    public MigrationDrill<K, O, N> tour(boolean tour) {
        this.tour = tour;
        return this;
    }

    /** The seed of the first walk; default {@code -Ddualwrite.seed}, else a fresh one (named in the report). */
    public MigrationDrill<K, O, N> seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * The gate settings the application runs with. Default {@link GateOptions#defaults()}. The drill keeps whether
     * gates are on and the mismatch rate, and sets the sample count, shadow time and soak to zero (listed in the
     * report).
     */
    public MigrationDrill<K, O, N> gates(GateOptions gates) {
        this.gates = Objects.requireNonNull(gates, "gates");
        return this;
    }

    /**
     * Lets the leader's autopilot drive the random walks too, up to {@code finalPhase}, racing the walk's own moves;
     * with DROP_OLD, each random walk ends by waiting for the autopilot to reach DROP_OLD. Default: no autopilot.
     */
    public MigrationDrill<K, O, N> autopilotUpTo(MigrationPhase finalPhase) {
        this.autopilotUpTo = Objects.requireNonNull(finalPhase, "finalPhase");
        return this;
    }

    /** How to cut either side off for a while (across two databases): random walks then run through outages. */
    public MigrationDrill<K, O, N> outages(Outages outages) {
        this.outages = Objects.requireNonNull(outages, "outages");
        return this;
    }

    /**
     * Where dualwrite's own tables (phase, instances, backfill, verification) live. Default: the NEW store's
     * database, or memory if the stores are not JDBC stores. Give one that {@link #outages} never cut.
     */
    public MigrationDrill<K, O, N> controlDatabase(DataSource dataSource) {
        this.controlDatabase = Objects.requireNonNull(dataSource, "dataSource");
        return this;
    }

    /**
     * Reads every OLD row for the comparison with what was acknowledged, such as with plain SQL, by key. Default:
     * through the OLD store ({@link MigrationStore#scan}).
     */
    public MigrationDrill<K, O, N> oldRows(Supplier<Map<K, O>> reader) {
        this.oldRows = Objects.requireNonNull(reader, "reader");
        return this;
    }

    /** Reads every NEW row, as {@link #oldRows} does for OLD. Default: through the NEW store. */
    public MigrationDrill<K, O, N> newRows(Supplier<Map<K, N>> reader) {
        this.newRows = Objects.requireNonNull(reader, "reader");
        return this;
    }

    /**
     * How to compare OLD values. Default: {@code equals}, else field by field for classes that do not override it
     * (JPA entities).
     */
    public MigrationDrill<K, O, N> oldEquivalence(Equivalence<O> equivalence) {
        this.oldEquivalence = Objects.requireNonNull(equivalence, "equivalence");
        return this;
    }

    /** Runs the mapping checks, then the walks; never throws for what it finds (see {@link DrillReport}). */
    public DrillReport run() {
        if (values == null) {
            throw new IllegalStateException("Migration '" + migration.name() + "': give values(...), a generator of"
                    + " OLD values: the drill writes them");
        }
        Long property = Long.getLong("dualwrite.seed");
        boolean replay = seed == null && property != null;
        long base = seed != null ? seed : property != null ? property : new SplittableRandom().nextLong();
        int runs = replay ? (tour ? 2 : 1) : Integer.getInteger("dualwrite.walk.seeds", walks);
        MappingCheck<K, O, N> checks = MappingCheck.of(migration)
                .oldValues(values)
                .samples(mappingSamples)
                .seed(base);
        if (newValues != null) {
            checks.newValues(newValues);
        }
        MappingReport mapping = checks.run();
        Plan<K, O, N> plan = new Plan<>(this);
        if (!mapping.passed()) {
            DrillReport report =
                    new DrillReport(migration.name(), base, 0, mapping, plan.overridden, plan.kept, "no walk", null);
            log.info("{}", report);
            return report;
        }
        Coverage coverage = new Coverage();
        AssertionError failure = null;
        int ran = 0;
        for (int i = 0; i < runs && failure == null; i++) {
            // A replay (-Ddualwrite.seed) runs the tour and a random walk from that seed: either may have failed.
            long walkSeed = replay ? base : base + i;
            boolean isTour = tour && i == 0;
            DrillWalk<K, O, N> walk = new DrillWalk<>(plan, walkSeed, isTour);
            long started = System.nanoTime();
            try {
                coverage.add(walk.run(), walk);
                ran++;
                log.debug(
                        "Drill of '{}': walk {} (seed {}{}) passed in {} ms: {}",
                        migration.name(),
                        i + 1,
                        walkSeed,
                        isTour ? ", the tour" : "",
                        (System.nanoTime() - started) / 1_000_000,
                        walk.trail());
            } catch (AssertionError | RuntimeException e) {
                ran++;
                failure = new AssertionError(
                        "Migration '" + migration.name() + "': drill walk " + (i + 1) + " of " + runs
                                + (isTour ? " (the tour of every move)" : "") + " failed; reproduce with"
                                + " -Ddualwrite.seed=" + walkSeed + "\n" + e.getMessage(),
                        e);
            }
        }
        if (failure == null && tour) {
            Set<PhaseTransition> missing = EnumSet.allOf(PhaseTransition.class);
            missing.removeAll(coverage.transitions);
            if (!missing.isEmpty()) {
                failure = new AssertionError("Migration '" + migration.name() + "': the drill's walks (seed " + base
                        + ") never made " + missing + ": the gates refused them (see the log);"
                        + " reproduce with -Ddualwrite.seed=" + base);
            }
        }
        DrillReport report = new DrillReport(
                migration.name(), base, ran, mapping, plan.overridden, plan.kept, coverage.text(), failure);
        log.info("{}", report);
        return report;
    }

    private static int atLeast(int min, int value, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", but was " + value);
        }
        return value;
    }

    /** What the walks of one run did, by their audit trails. */
    private static final class Coverage {
        private final Set<PhaseTransition> transitions = EnumSet.noneOf(PhaseTransition.class);
        private int moves;
        private int byAutopilot;
        private int resyncs;
        private int rollbacksAfterResync;
        private int pausedBackfills;
        private int planted;

        void add(List<String> walk, DrillWalk<?, ?, ?> done) {
            pausedBackfills += done.pausedBackfills;
            planted += done.planted;
            for (int i = 0; i < walk.size(); i++) {
                String move = walk.get(i);
                moves++;
                String[] phases = move.substring(0, move.indexOf(' ')).split("->");
                for (PhaseTransition t : PhaseTransition.values()) {
                    if (t.from().name().equals(phases[0]) && t.to().name().equals(phases[1])) {
                        transitions.add(t);
                    }
                }
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

        String text() {
            return moves + " moves committed (" + byAutopilot + " by the autopilot), " + transitions.size() + " of "
                    + PhaseTransition.values().length + " kinds of move, " + resyncs
                    + " DROP_OLD -> READ_NEW (re-sync), " + rollbacksAfterResync + " rollbacks from that READ_NEW, "
                    + pausedBackfills + " backfills paused and resumed, " + planted + " divergences planted and found";
        }
    }

    /** What every walk of one run shares: the migration, the settings the drill uses, dualwrite's own stores. */
    static final class Plan<K, O, N> {
        private final MigrationDrill<K, O, N> drill;
        private final GateOptions walkGates;
        private final List<String> overridden = new ArrayList<>();
        private final List<String> kept = new ArrayList<>();
        private final PhaseStore phaseStore;
        private final InstanceRegistry registry;
        private final BackfillStore backfillStore;
        private final VerificationStore verificationStore;
        private final String prefix;

        Plan(MigrationDrill<K, O, N> drill) {
            this.drill = drill;
            GateOptions configured = drill.gates;
            this.walkGates = GateOptions.from(configured)
                    .minShadowSamples(0)
                    .minShadowTime(Duration.ZERO)
                    .readNewSoak(Duration.ZERO)
                    .build();
            overridden.add("gates.minShadowSamples: " + configured.minShadowSamples() + " -> 0");
            overridden.add("gates.minShadowTime: " + configured.minShadowTime() + " -> PT0S");
            overridden.add("gates.readNewSoak: " + configured.readNewSoak() + " -> PT0S");
            if (drill.autopilotUpTo != null) {
                overridden.add("autopilot: soak " + AutopilotOptions.DEFAULT_SOAK + " -> "
                        + (drill.autopilotUpTo == MigrationPhase.DROP_OLD ? PILOT_SOAK : Duration.ZERO)
                        + ", minSamples " + AutopilotOptions.DEFAULT_MIN_SAMPLES + " -> 5, interval "
                        + DualWrite.DEFAULT_AUTOPILOT_INTERVAL + " -> PT0.05S");
            }
            overridden.add("refresh intervals: PT0S, PT0.04S and PT0.09S; heartbeat " + HEARTBEAT);
            overridden.add("backfill: chunks of 4 to 16 rows, retries every 20 to 100 ms, polled every 10 ms");
            overridden.add("verifier: chunks of 10 rows, recheck after 5 ms");
            kept.add("gates.enabled: " + configured.enabled());
            kept.add("gates.maxMismatchRate: " + configured.maxMismatchRate());
            Migration<K, O, N> m = drill.migration;
            kept.add("mappings, equivalence, stores, key codec and ledgers of migration '" + m.name() + "'");
            kept.add("failurePolicy: " + m.failurePolicy());
            JdbcTransactions control = null;
            if (drill.controlDatabase != null) {
                control = JdbcTransactions.of(drill.controlDatabase);
            } else if (m.newStore().transactions() instanceof JdbcTransactions jdbc) {
                control = jdbc;
            }
            for (Side side : Side.values()) {
                if (m.store(side).transactions() instanceof JdbcTransactions jdbc) {
                    DualWriteSchema.create(jdbc);
                }
            }
            if (control != null) {
                DualWriteSchema.create(control);
                phaseStore = new JdbcPhaseStore(control);
                registry = new JdbcInstanceRegistry(control);
                backfillStore = new JdbcBackfillStore(control);
                verificationStore = new JdbcVerificationStore(control);
            } else {
                phaseStore = new InMemoryPhaseStore();
                registry = new InMemoryInstanceRegistry();
                backfillStore = new InMemoryBackfillStore();
                verificationStore = new InMemoryVerificationStore();
            }
            String hex = Integer.toHexString(m.name().hashCode());
            this.prefix = "drill-" + hex + "-";
        }

        Migration<K, O, N> migration() {
            return drill.migration;
        }

        Function<SplittableRandom, O> values() {
            return Objects.requireNonNull(drill.values);
        }

        int moves() {
            return drill.moves;
        }

        @Nullable
        MigrationPhase autopilotUpTo() {
            return drill.autopilotUpTo;
        }

        @Nullable
        Outages outages() {
            return drill.outages;
        }

        String walkName() {
            return prefix + UUID.randomUUID();
        }

        boolean oldEquivalent(O expected, O actual) {
            if (drill.oldEquivalence != null) {
                return drill.oldEquivalence.equivalent(expected, actual);
            }
            return expected.equals(actual)
                    || FieldDiffer.differences(expected, actual).isEmpty();
        }

        Map<K, O> oldRows() {
            return drill.oldRows != null ? drill.oldRows.get() : all(drill.migration.oldStore());
        }

        Map<K, N> newRows() {
            return drill.newRows != null ? drill.newRows.get() : all(drill.migration.newStore());
        }

        /** Deletes every row of both stores, through them. */
        void clear() {
            for (Side side : Side.values()) {
                clear(drill.migration.store(side));
            }
        }

        private static <K, V> void clear(MigrationStore<K, V> store) {
            while (true) {
                List<V> chunk = store.scan(null, null, 500);
                if (chunk.isEmpty()) {
                    return;
                }
                store.transactions().inTransaction(() -> {
                    chunk.forEach(v -> store.delete(store.keyOf(v)));
                    return null;
                });
            }
        }

        private static <K, V> Map<K, V> all(MigrationStore<K, V> store) {
            Map<K, V> rows = new LinkedHashMap<>();
            K after = null;
            while (true) {
                List<V> chunk = store.scan(after, null, 500);
                for (V v : chunk) {
                    rows.put(store.keyOf(v), v);
                    after = store.keyOf(v);
                }
                if (chunk.size() < 500) {
                    return rows;
                }
            }
        }

        /** One of a walk's instances, with the drill's fast settings and the migration as it is. */
        DualWrite instance(
                Migration<K, O, N> walked, String id, Duration refresh, boolean copies, boolean withAutopilot) {
            return DualWrite.builder(phaseStore)
                    .migration(walked)
                    .instanceId(id + "-" + walked.name())
                    .refreshInterval(refresh)
                    .instanceRegistry(registry, HEARTBEAT, Duration.ofSeconds(2))
                    .backfillStore(backfillStore)
                    .backfillOptions(BackfillOptions.defaults()
                            .withChunkSizes(8, 4, 16)
                            // outages are short here: keep retrying quickly rather than back off for seconds
                            .withRetries(10_000, Duration.ofMillis(20), Duration.ofMillis(100))
                            .withPollInterval(Duration.ofMillis(10)))
                    .verificationStore(verificationStore)
                    .verifierOptions(new VerifierOptions(10, Duration.ofMillis(5), 0))
                    .gates(walkGates)
                    .copies(copies)
                    .autopilot(walked.name(), withAutopilot ? autopilot() : AutopilotOptions.off())
                    .autopilotInterval(Duration.ofMillis(50))
                    .build();
        }

        private AutopilotOptions autopilot() {
            MigrationPhase upTo = Objects.requireNonNull(drill.autopilotUpTo);
            return AutopilotOptions.upToReadNew()
                    .withFinalPhase(upTo)
                    .withSoak(upTo == MigrationPhase.DROP_OLD ? PILOT_SOAK : Duration.ZERO)
                    .withMinSamples(5);
        }
    }
}
