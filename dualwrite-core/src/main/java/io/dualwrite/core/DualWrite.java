package io.dualwrite.core;

import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.CachedSupplier;
import io.dualwrite.core.internal.DaemonThreads;
import io.dualwrite.core.internal.runtime.InFlightWrites;
import io.dualwrite.core.internal.runtime.PhaseCache;
import io.dualwrite.core.jdbc.BypassCapture;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.SqlChunkCopier;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.UnknownMigrationException;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.PhaseNotifications;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.phase.Resync;
import io.dualwrite.core.shadow.ShadowReader;
import io.dualwrite.core.verify.RepairReport;
import io.dualwrite.core.verify.Repairer;
import io.dualwrite.core.verify.VerificationProgress;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application's migrations, their shared phases, and the moves between them. One instance per application
 * instance; every instance of the application that points at the same {@link PhaseStore} sees the same phases.
 *
 * <pre>{@code
 * DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
 *         .migration(splitName)
 *         .instanceRegistry(new JdbcInstanceRegistry(dataSource), Duration.ofSeconds(1), Duration.ofSeconds(10))
 *         .build();
 * ManagedMigration<Long, CustomerRow, NameRow> names = dualWrite.managed(splitName);
 * names.repository().write(row);
 * names.advance(TransitionRequest.by("alice", "start dual writes"));
 * }</pre>
 *
 * <p>Each registered migration is a {@link ManagedMigration}, looked up by name once; the name-taking methods here
 * are shortcuts to it. The parts this instance shares among its migrations each live in a class of their own: the
 * transition protocol ({@code Transitions}), the instance barrier ({@code InstanceBarrier}), what a move sets going
 * ({@code MoveEffects}) and the background work ({@code BackgroundWork}); this class wires them. It is the largest
 * class of the facade for that reason alone: it builds every part of every migration (executors, breakers, engines,
 * handles) and hands each part what it needs, so that no part looks another up.
 */
public final class DualWrite implements AutoCloseable {

    /** The default time after which an instance re-reads a migration's phase from the store. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(1);

    /** The default time a write waits for the second side (see {@link DualWriteBuilder#timeLimiter}). */
    public static final Duration DEFAULT_SECONDARY_WRITE_TIMEOUT = Duration.ofSeconds(1);

    /** The default size of the pool that runs time-limited second-side writes (see {@link DualWriteBuilder#timeLimiter}). */
    public static final int DEFAULT_SECONDARY_WRITE_THREADS = 16;

    /** The name of the gate that waits for every live instance to apply the current phase. */
    public static final String BARRIER_GATE = "all-instances-applied";

    /** The default time between two heartbeats of an instance in the {@link InstanceRegistry}. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

    /** The default time after its last heartbeat when an instance counts as gone. */
    public static final Duration DEFAULT_INSTANCE_TIMEOUT = Duration.ofSeconds(10);

    /** The default time between two looks of the autopilot at its migrations. */
    public static final Duration DEFAULT_AUTOPILOT_INTERVAL = Duration.ofSeconds(5);

    /** How often background work drains captured bypass writes by default. */
    public static final Duration DEFAULT_CAPTURE_DRAIN_INTERVAL = Duration.ofMillis(500);

    /** The actor recorded when a migration is first stored. */
    public static final String SYSTEM_ACTOR = "dualwrite";

    private static final Logger log = LoggerFactory.getLogger(DualWrite.class);

    private final Map<String, ManagedMigration<?, ?, ?>> migrations;
    private final PhaseCache phases;
    private final InstanceBarrier barrier;
    private final MoveEffects effects;
    private final BackgroundWork background;
    private final Map<String, BypassCapture<?, ?, ?>> captures = new LinkedHashMap<>();
    private final Map<String, io.dualwrite.core.jdbc.CaptureFeed> feeds = new LinkedHashMap<>();
    private final OldSideGates oldSide;
    private final @Nullable OldSideResync resync;
    private final boolean verifies;
    private final @Nullable PhaseNotifications notifications;
    private final ThreadPoolExecutor shadowExecutor;
    private final ScheduledExecutorService shadowScheduler;
    private final @Nullable ThreadPoolExecutor secondaryWriteExecutor;
    private final ExecutorService maintenance =
            Executors.newSingleThreadExecutor(DaemonThreads.named("dualwrite-maintenance-"));
    private boolean backgroundStarted;

    DualWrite(DualWriteBuilder builder) {
        PhaseStore store = builder.store;
        Clock clock = builder.clock;
        Map<String, ManagedMigration<?, ?, ?>> handles = new LinkedHashMap<>();
        this.migrations = Collections.unmodifiableMap(handles);
        this.phases = new PhaseCache(store, builder.refreshInterval, clock);
        WriteFence fence = builder.instanceRegistry != null && builder.fencing
                ? WriteFence.beforeTimeout(builder.heartbeatInterval, builder.instanceTimeout, clock)
                : WriteFence.none(clock);
        InFlightWrites inFlight = new InFlightWrites();
        this.barrier = new InstanceBarrier(
                builder.instanceRegistry,
                builder.instanceId,
                List.copyOf(builder.migrations.keySet()),
                phases,
                store,
                inFlight,
                fence,
                builder.heartbeatInterval,
                builder.instanceTimeout,
                clock);
        this.shadowExecutor =
                boundedPool(builder.shadowReadThreads, builder.shadowReadQueueCapacity, "dualwrite-shadow-read-");
        this.shadowScheduler =
                Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dualwrite-shadow-recheck-"));
        SecondaryWrites secondaryWrites;
        if (builder.timeLimiter != null) {
            this.secondaryWriteExecutor = boundedPool(
                    builder.secondaryWriteThreads, builder.secondaryWriteThreads, "dualwrite-secondary-write-");
            secondaryWrites = SecondaryWrites.timeLimited(builder.timeLimiter, secondaryWriteExecutor);
        } else {
            this.secondaryWriteExecutor = null;
            secondaryWrites = SecondaryWrites.onCallerThread();
        }
        this.verifies = builder.verificationStore != null;
        this.resync = !verifies
                ? null
                : new OldSideResync(
                        handles::get,
                        store,
                        Executors.newCachedThreadPool(DaemonThreads.named("dualwrite-resync-")),
                        clock);
        this.effects = new MoveEffects(
                store,
                name -> handles.get(name).hasBackfill() ? handles.get(name).backfill() : null,
                resync);
        Map<String, AutopilotOptions> piloted = new LinkedHashMap<>();
        builder.migrations.keySet().forEach(name -> {
            AutopilotOptions options = builder.settingsOf(name).autopilot();
            if (options != null && options.enabled()) {
                piloted.put(name, options);
            }
        });
        Autopilot autopilot = piloted.isEmpty() ? null : new Autopilot(handles::get, piloted, maintenance, clock);
        this.oldSide = new OldSideGates(
                name -> handles.get(name).migration(),
                this::bypassCapture,
                () -> jdbcStores(builder.migrations.values()),
                name -> copiedIntoOldTable(handles.get(name)),
                name -> handles.get(name).hasVerification()
                        ? Optional.of(handles.get(name).verification())
                        : Optional.empty(),
                builder.instanceId + "/" + UUID.randomUUID().toString().substring(0, 8),
                builder.instanceRegistry != null ? builder.heartbeatInterval : Duration.ZERO,
                clock);
        EvidenceGates evidence = new EvidenceGates(
                name -> builder.settingsOf(name).gates(),
                name -> handles.get(name).hasBackfill()
                        ? Optional.of(handles.get(name).backfill().progress())
                        : Optional.empty(),
                name -> handles.get(name).hasVerification()
                        ? Optional.of(handles.get(name).verification())
                        : Optional.empty(),
                name -> handles.get(name).ledgerSize(),
                (name, version) -> Optional.of(handles.get(name).shadowReads().phaseStats(version)),
                barrier::enteredEverywhereAt,
                oldSide,
                clock);
        Handover handover = new Handover(
                name -> handles.get(name).repairer(),
                store,
                builder.instanceRegistry != null || builder.singleInstance);
        Transitions transitions =
                new Transitions(store, phases, handover, evidence, builder.guards, barrier, effects, clock);
        ManagedMigration.Shared shared = new ManagedMigration.Shared(
                store,
                phases,
                transitions,
                barrier,
                builder.verificationStore,
                builder.verifierOptions,
                () -> autopilot,
                oldSide,
                clock);
        for (Migration<?, ?, ?> migration : builder.migrations.values()) {
            PhaseState state =
                    store.initialize(migration.name(), MigrationPhase.OLD_ONLY, SYSTEM_ACTOR, clock.instant());
            phases.accept(state);
            handles.put(migration.name(), manage(migration, builder, shared, secondaryWrites, inFlight, fence));
            HandoverFences.ensure(migration);
            log.info(
                    "Migration '{}' registered in phase {} (version {})",
                    migration.name(),
                    state.phase(),
                    state.version());
            store.finished(migration.name())
                    .ifPresent(finished -> log.warn(
                            "Migration '{}' was finished by {} at {}: it reads and writes NEW only and moves no more."
                                    + " Remove its bean and use the NEW store directly (docs/finishing.md)",
                            migration.name(),
                            finished.actor(),
                            finished.occurredAt()));
        }
        builder.captures.forEach((name, applyDdl) -> {
            BypassCapture<?, ?, ?> capture = capture(builder.migrations.get(name), clock);
            if (builder.captureFeeds.containsKey(name)) {
                capture.installForFeed();
                feeds.put(name, builder.captureFeeds.get(name));
            } else if (applyDdl) {
                capture.install();
            } else {
                capture.requireInstalled();
            }
            captures.put(name, capture);
        });
        this.background = new BackgroundWork(
                handles.values(),
                List.copyOf(captures.values()),
                builder.captureDrainInterval,
                store,
                builder.copies,
                builder.backfillOptions,
                builder.repairInterval,
                resync,
                autopilot,
                builder.autopilotInterval,
                clock);
        this.notifications = builder.notifications;
        oldSide.start(List.copyOf(builder.migrations.values()));
        barrier.listener(oldSide.barrierListener(name -> handles.get(name).migration()));
        barrier.start();
        if (notifications != null) {
            notifications.start(this::phaseChanged);
        }
    }

    /** Every JDBC store of the migrations, each once. */
    private static List<JdbcStore<?, ?>> jdbcStores(Collection<Migration<?, ?, ?>> migrations) {
        Set<JdbcStore<?, ?>> stores = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Migration<?, ?, ?> migration : migrations) {
            if (migration.oldStore() instanceof JdbcStore<?, ?> old) {
                stores.add(old);
            }
            if (migration.newStore() instanceof JdbcStore<?, ?> neu) {
                stores.add(neu);
            }
        }
        return List.copyOf(stores);
    }

    /** The rows the backfill copied so far when NEW lives in OLD's table (its copies write that table), else 0. */
    private static long copiedIntoOldTable(ManagedMigration<?, ?, ?> migration) {
        if (migration.migration().oldStore() instanceof JdbcStore<?, ?> old
                && migration.migration().newStore() instanceof JdbcStore<?, ?> neu
                && old.table().equalsIgnoreCase(neu.table())
                && old.transactions().dataSource() == neu.transactions().dataSource()
                && migration.hasBackfill()
                // The Java copier writes through the NEW store, whose writes are counted already (rowWrites); only
                // the in-database copier's rows are not, so only they are added here (not twice).
                && migration.backfill().copiesInTheDatabase()) {
            return migration.backfill().progress().rowsCopied();
        }
        return 0;
    }

    private <K, O, N> BypassCapture<K, O, N> capture(Migration<K, O, N> migration, Clock clock) {
        return new BypassCapture<>(
                migration, () -> phase(migration.name()), () -> oldSideCurrent(migration.name()), clock);
    }

    /**
     * Whether OLD is kept current in the migration's phase: not in a READ_NEW entered from DROP_OLD until its
     * re-sync completed (OLD still holds values NEW replaced in DROP_OLD, so nothing may be copied from it to NEW).
     */
    private boolean oldSideCurrent(String name) {
        ManagedMigration<?, ?, ?> migration = managed(name);
        PhaseState state = migration.state();
        if (state.phase() != MigrationPhase.READ_NEW) {
            return true;
        }
        Optional<Resync> resync = migration.resync();
        if (resync.isPresent() && resync.get().phaseVersion() == state.version()) {
            return resync.get().state() == Resync.State.COMPLETED;
        }
        // No re-sync of this version (yet): OLD is current unless READ_NEW was entered from DROP_OLD.
        return migration.auditTrail(50).stream()
                .filter(e -> e.version() == state.version() && e.event().movesPhase())
                .findFirst()
                .map(e -> e.from() != MigrationPhase.DROP_OLD)
                .orElse(false);
    }

    /**
     * The feed from the database's log that records the migration's bypass writes
     * ({@link DualWriteBuilder#captureBypassWrites(String, io.dualwrite.core.jdbc.CaptureFeed)}); empty for a
     * migration captured by triggers or not captured.
     *
     * @throws UnknownMigrationException if it is not registered here
     */
    public Optional<io.dualwrite.core.jdbc.CaptureFeed> captureFeed(String name) {
        migration(name);
        return Optional.ofNullable(feeds.get(name));
    }

    /** The capture of a migration's bypass writes, if it is opted in ({@link DualWriteBuilder#captureBypassWrites}). */
    public Optional<BypassCapture<?, ?, ?>> bypassCapture(String name) {
        migration(name);
        return Optional.ofNullable(captures.get(name));
    }

    /** Builds one migration's run-time handle and the engines it owns. */
    private <K, O, N> ManagedMigration<K, O, N> manage(
            Migration<K, O, N> migration,
            DualWriteBuilder builder,
            ManagedMigration.Shared shared,
            SecondaryWrites secondaryWrites,
            InFlightWrites inFlight,
            WriteFence fence) {
        MigrationSettings settings = builder.settingsOf(migration.name());
        Clock clock = builder.clock;
        Backfill<K, O, N> backfill = builder.backfillStore == null
                ? null
                : new Backfill<>(
                        migration,
                        builder.backfillStore,
                        settings.backfill(),
                        builder.instanceId,
                        clock,
                        () -> SqlChunkCopier.forMigration(migration).orElse(null));
        Supplier<Optional<BackfillProgress>> progress = backfill == null
                ? Optional::empty
                : new CachedSupplier<>(() -> Optional.of(backfill.progress()), Duration.ofSeconds(1), clock);
        Map<Side, CircuitBreaker> breakers = breakersFor(migration, builder.circuitBreakers);
        ShadowReader<K, O, N> shadow = new ShadowReader<>(
                migration, settings.shadowReads(), shadowExecutor, shadowScheduler, progress, breakers, clock);
        Repairer<K, O, N> repairer = new Repairer<>(migration, () -> phase(migration.name()));
        DualRepository<K, O, N> repository =
                new DualRepository<>(migration, phases, shadow, breakers, secondaryWrites, inFlight, repairer, fence);
        return new ManagedMigration<>(migration, repository, backfill, shadow, repairer, breakers, shared);
    }

    /** Starts building an instance on the given phase store. */
    public static DualWriteBuilder builder(PhaseStore store) {
        return new DualWriteBuilder(store);
    }

    /** The registered migrations' run-time handles, in registration order. */
    public List<ManagedMigration<?, ?, ?>> managedMigrations() {
        return List.copyOf(migrations.values());
    }

    /**
     * The run-time handle of the registered migration with this name.
     *
     * @throws UnknownMigrationException if there is none
     */
    public ManagedMigration<?, ?, ?> managed(String name) {
        ManagedMigration<?, ?, ?> migration = migrations.get(name);
        if (migration == null) {
            throw new UnknownMigrationException(name, migrations.keySet());
        }
        return migration;
    }

    /**
     * The run-time handle of a registered migration, typed as its definition.
     *
     * @throws UnknownMigrationException if it is not registered here
     */
    @SuppressWarnings("unchecked")
    public <K, O, N> ManagedMigration<K, O, N> managed(Migration<K, O, N> migration) {
        ManagedMigration<?, ?, ?> registered = migrations.get(migration.name());
        // The registered one may be a copy with an overridden failure policy (see Migration#withFailurePolicy).
        if (registered == null
                || registered.migration().oldStore() != migration.oldStore()
                || registered.migration().newStore() != migration.newStore()) {
            throw new UnknownMigrationException(migration.name(), migrations.keySet());
        }
        return (ManagedMigration<K, O, N>) registered;
    }

    /** The registered migrations, in registration order. */
    public List<Migration<?, ?, ?>> migrations() {
        return migrations.values().stream()
                .<Migration<?, ?, ?>>map(ManagedMigration::migration)
                .toList();
    }

    /** As {@link ManagedMigration#migration()}. */
    public Migration<?, ?, ?> migration(String name) {
        return managed(name).migration();
    }

    /** As {@link ManagedMigration#repository()}. */
    public <K, O, N> DualRepository<K, O, N> repository(Migration<K, O, N> migration) {
        return managed(migration).repository();
    }

    /** As {@link ManagedMigration#repository()}. */
    public DualRepository<?, ?, ?> repository(String name) {
        return managed(name).repository();
    }

    /** As {@link ManagedMigration#phase()}. */
    public MigrationPhase phase(String name) {
        return managed(name).phase();
    }

    /** As {@link ManagedMigration#state()}. */
    public PhaseState state(String name) {
        return managed(name).state();
    }

    /** As {@link ManagedMigration#gates(MigrationPhase)}. */
    public List<GateResult> gates(String name, MigrationPhase target) {
        return managed(name).gates(target);
    }

    /** As {@link ManagedMigration#advance(TransitionRequest)}. */
    public PhaseState advance(String name, TransitionRequest request) {
        return managed(name).advance(request);
    }

    /** As {@link ManagedMigration#rollback(TransitionRequest)}. */
    public PhaseState rollback(String name, TransitionRequest request) {
        return managed(name).rollback(request);
    }

    /** As {@link ManagedMigration#transition(MigrationPhase, TransitionRequest)}. */
    public PhaseState transition(String name, MigrationPhase target, TransitionRequest request) {
        return managed(name).transition(target, request);
    }

    /** As {@link ManagedMigration#backfill()}. */
    public Backfill<?, ?, ?> backfill(String name) {
        return managed(name).backfill();
    }

    /** As {@link ManagedMigration#verify()}. */
    public VerificationProgress verify(String name) {
        return managed(name).verify();
    }

    /** Whether this instance can verify (it was built with a verification store). */
    public boolean hasVerification() {
        return verifies;
    }

    /** As {@link ManagedMigration#verification()}. */
    public VerificationProgress verification(String name) {
        return managed(name).verification();
    }

    /** As {@link ManagedMigration#repair(int)}. */
    public RepairReport repair(String name, int limit) {
        return managed(name).repair(limit);
    }

    /** As {@link ManagedMigration#ledgerSize()}. */
    public long ledgerSize(String name) {
        return managed(name).ledgerSize();
    }

    /** As {@link ManagedMigration#auditTrail(int)}. */
    public List<AuditEntry> auditTrail(String name, int limit) {
        return managed(name).auditTrail(limit);
    }

    /** This instance's identity, as recorded in leases and the instance registry. */
    public String instanceId() {
        return barrier.instanceId();
    }

    /**
     * Starts this instance's background work: copying rows for every migration in BACKFILL, continuous repair,
     * owed re-syncs, the autopilot, capture feeds ({@link DualWriteBuilder#captureBypassWrites(String,
     * io.dualwrite.core.jdbc.CaptureFeed)}). Idempotent.
     */
    public synchronized DualWrite startBackgroundWork() {
        background.start();
        if (!backgroundStarted) {
            feeds.forEach((name, feed) -> feed.start(captures.get(name)));
        }
        backgroundStarted = true;
        return this;
    }

    /** Whether {@link #startBackgroundWork()} was called (and the instance is not closed). */
    public synchronized boolean backgroundWorkStarted() {
        return backgroundStarted;
    }

    /** Stops the background work and leaves the instance registry; copying resumes on another instance. */
    @Override
    public synchronized void close() {
        feeds.forEach((name, feed) -> {
            try {
                feed.close();
            } catch (RuntimeException e) {
                log.warn("Migration '{}': closing its capture feed failed: {}", name, e.toString());
            }
        });
        background.close();
        backgroundStarted = false;
        shadowScheduler.shutdownNow();
        shadowExecutor.shutdownNow();
        maintenance.shutdownNow();
        oldSide.close();
        effects.close();
        if (notifications != null) {
            notifications.close();
        }
        if (resync != null) {
            resync.close();
        }
        barrier.close();
        if (secondaryWriteExecutor != null) {
            secondaryWriteExecutor.shutdown();
        }
    }

    /** Applies a transition committed elsewhere at once (null: re-read every migration). */
    private void phaseChanged(@Nullable String name) {
        try {
            if (name == null) {
                migrations.keySet().forEach(phases::refresh);
            } else if (migrations.containsKey(name)) {
                phases.refresh(name);
            } else {
                return;
            }
            barrier.heartbeat();
        } catch (RuntimeException e) {
            log.warn("Applying a phase change notification for '{}' failed: {}", name, e.toString());
        }
    }

    /** One breaker per side when the sides live in two databases; none in one database (one transaction). */
    private static Map<Side, CircuitBreaker> breakersFor(
            Migration<?, ?, ?> migration, @Nullable CircuitBreakerRegistry registry) {
        if (registry == null || migration.sidesShareTransactions()) {
            return Map.of();
        }
        Map<Side, CircuitBreaker> sides = new EnumMap<>(Side.class);
        for (Side side : Side.values()) {
            sides.put(
                    side,
                    registry.circuitBreaker(
                            "dualwrite-" + migration.name() + "-" + side.name().toLowerCase(Locale.ROOT)));
        }
        return sides;
    }

    private static ThreadPoolExecutor boundedPool(int threads, int queueCapacity, String prefix) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads,
                threads,
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity),
                DaemonThreads.named(prefix),
                new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
