package io.dualwrite.core;

import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.backfill.BackfillWorker;
import io.dualwrite.core.internal.CachedSupplier;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.InFlightWrites;
import io.dualwrite.core.phase.InstanceRegistry;
import io.dualwrite.core.phase.InstanceState;
import io.dualwrite.core.phase.PhaseCache;
import io.dualwrite.core.phase.PhaseNotifications;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.phase.Resync;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.shadow.ShadowReader;
import io.dualwrite.core.verify.RepairReport;
import io.dualwrite.core.verify.RepairWorker;
import io.dualwrite.core.verify.Repairer;
import io.dualwrite.core.verify.VerificationProgress;
import io.dualwrite.core.verify.VerificationStore;
import io.dualwrite.core.verify.Verifier;
import io.dualwrite.core.verify.VerifierOptions;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * DualRepository<Long, CustomerRow, NameRow> names = dualWrite.repository(splitName);
 * dualWrite.advance("split-full-name", TransitionRequest.by("alice", "start dual writes"));
 * }</pre>
 */
public final class DualWrite implements AutoCloseable {

    /** The default time after which an instance re-reads a migration's phase from the store. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(1);

    /** The default time a write waits for the second side (see {@link Builder#timeLimiter}). */
    public static final Duration DEFAULT_SECONDARY_WRITE_TIMEOUT = Duration.ofSeconds(1);

    /** The default size of the pool that runs time-limited second-side writes (see {@link Builder#timeLimiter}). */
    public static final int DEFAULT_SECONDARY_WRITE_THREADS = 16;

    /** The name of the gate that waits for every live instance to apply the current phase. */
    public static final String BARRIER_GATE = "all-instances-applied";

    /** The default time between two heartbeats of an instance in the {@link InstanceRegistry}. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

    /** The default time after its last heartbeat when an instance counts as gone. */
    public static final Duration DEFAULT_INSTANCE_TIMEOUT = Duration.ofSeconds(10);

    /** The default time between two looks of the autopilot at its migrations. */
    public static final Duration DEFAULT_AUTOPILOT_INTERVAL = Duration.ofSeconds(5);

    /** The actor recorded when a migration is first stored. */
    public static final String SYSTEM_ACTOR = "dualwrite";

    private static final Logger log = LoggerFactory.getLogger(DualWrite.class);

    private final Map<String, Migration<?, ?, ?>> migrations;
    private final Map<String, DualRepository<?, ?, ?>> repositories = new LinkedHashMap<>();
    private final PhaseStore store;
    private final PhaseCache phases;
    private final List<TransitionGuard> guards;
    private final Clock clock;
    private final String instanceId;
    private final BackfillOptions backfillOptions;
    private final Map<String, Backfill<?, ?, ?>> backfills = new LinkedHashMap<>();
    private BackfillWorker backfillWorker;
    private RepairWorker repairWorker;
    private final Duration repairInterval;
    private final VerificationStore verificationStore;
    private final VerifierOptions verifierOptions;
    private final Map<String, ShadowReader<?, ?, ?>> shadowReaders = new LinkedHashMap<>();
    private final Map<String, Repairer<?, ?, ?>> repairers = new LinkedHashMap<>();
    private final Map<String, Map<Side, CircuitBreaker>> breakers = new LinkedHashMap<>();
    private final ThreadPoolExecutor shadowExecutor;
    private final @Nullable ThreadPoolExecutor secondaryWriteExecutor;
    private final @Nullable InstanceRegistry instanceRegistry;
    private final InFlightWrites inFlight = new InFlightWrites();
    private final Map<String, PhaseState> awaitingCompletion = new java.util.concurrent.ConcurrentHashMap<>();
    private final EvidenceGates evidence;
    private final ExecutorService maintenance;
    private final ExecutorService sideEffectRetries = Executors.newCachedThreadPool(daemon("dualwrite-move-effects-"));
    private final boolean copies;
    private final @Nullable PhaseNotifications notifications;
    private final @Nullable Autopilot autopilot;
    private final Duration autopilotInterval;
    private @Nullable ScheduledExecutorService autopilotScheduler;
    private final Duration heartbeatInterval;
    private final Duration instanceTimeout;
    private final @Nullable ScheduledExecutorService heartbeats;
    private final SecondaryWrites secondaryWrites;
    private final ScheduledExecutorService shadowScheduler;
    private final Handover handover;
    private final Map<String, Object> verifying = new java.util.concurrent.ConcurrentHashMap<>();
    private final WriteFence fence;
    private final HandoverFences.Abandoned abandonedFences;
    private final OldSideResync resync;
    private @Nullable ScheduledExecutorService resyncChecks;

    private DualWrite(Builder builder) {
        this.migrations = Collections.unmodifiableMap(new LinkedHashMap<>(builder.migrations));
        this.store = builder.store;
        this.clock = builder.clock;
        this.phases = new PhaseCache(store, builder.refreshInterval, clock);
        this.abandonedFences = new HandoverFences.Abandoned(clock);
        this.fence = builder.instanceRegistry != null && builder.fencing
                ? WriteFence.beforeTimeout(builder.heartbeatInterval, builder.instanceTimeout, clock)
                : WriteFence.none(clock);
        this.guards = List.copyOf(builder.guards);
        this.instanceId = builder.instanceId;
        this.backfillOptions = builder.backfillOptions;
        this.verificationStore = builder.verificationStore;
        this.verifierOptions = builder.verifierOptions;
        this.repairInterval = builder.repairInterval;
        this.shadowExecutor = new ThreadPoolExecutor(
                builder.shadowReadThreads,
                builder.shadowReadThreads,
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(builder.shadowReadQueueCapacity),
                daemon("dualwrite-shadow-read-"),
                new ThreadPoolExecutor.AbortPolicy());
        this.shadowExecutor.allowCoreThreadTimeOut(true);
        this.shadowScheduler = Executors.newSingleThreadScheduledExecutor(daemon("dualwrite-shadow-recheck-"));
        if (builder.timeLimiter != null) {
            this.secondaryWriteExecutor = new ThreadPoolExecutor(
                    builder.secondaryWriteThreads,
                    builder.secondaryWriteThreads,
                    60,
                    TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(builder.secondaryWriteThreads),
                    daemon("dualwrite-secondary-write-"),
                    new ThreadPoolExecutor.AbortPolicy());
            this.secondaryWriteExecutor.allowCoreThreadTimeOut(true);
            this.secondaryWrites = SecondaryWrites.timeLimited(builder.timeLimiter, secondaryWriteExecutor);
        } else {
            this.secondaryWriteExecutor = null;
            this.secondaryWrites = SecondaryWrites.onCallerThread();
        }
        for (Migration<?, ?, ?> migration : migrations.values()) {
            PhaseState state =
                    store.initialize(migration.name(), MigrationPhase.OLD_ONLY, SYSTEM_ACTOR, clock.instant());
            phases.accept(state);
            if (builder.backfillStore != null) {
                backfills.put(
                        migration.name(),
                        newBackfill(
                                migration,
                                builder.backfillStore,
                                builder.migrationBackfillOptions.getOrDefault(migration.name(), backfillOptions)));
            }
            ShadowReadOptions shadowOptions =
                    builder.shadowReadOptions.getOrDefault(migration.name(), builder.defaultShadowReadOptions);
            breakers.put(migration.name(), breakersFor(migration, builder.circuitBreakers));
            repairers.put(migration.name(), newRepairer(migration));
            repositories.put(migration.name(), newRepository(migration, shadowOptions));
            HandoverFences.ensure(migration);
            log.info(
                    "Migration '{}' registered in phase {} (version {})",
                    migration.name(),
                    state.phase(),
                    state.version());
        }
        GateOptions defaultGates = builder.gateOptions;
        Map<String, GateOptions> migrationGates = Map.copyOf(builder.migrationGateOptions);
        this.evidence = new EvidenceGates(
                name -> migrationGates.getOrDefault(name, defaultGates),
                name -> backfills.containsKey(name)
                        ? Optional.of(backfills.get(name).progress())
                        : Optional.empty(),
                name -> verificationStore != null ? Optional.of(verification(name)) : Optional.empty(),
                this::ledgerSize,
                (name, version) -> Optional.of(shadowReaders.get(name).phaseStats(version)),
                this::enteredEverywhereAt,
                clock);
        this.maintenance = Executors.newSingleThreadExecutor(daemon("dualwrite-maintenance-"));
        this.handover = new Handover(repairers::get, store, builder.instanceRegistry != null || builder.singleInstance);
        this.resync = new OldSideResync(this, store, Executors.newCachedThreadPool(daemon("dualwrite-resync-")), clock);
        Map<String, AutopilotOptions> piloted = new LinkedHashMap<>();
        builder.autopilots.forEach((name, options) -> {
            if (options.enabled()) {
                piloted.put(name, options);
            }
        });
        this.autopilot = piloted.isEmpty() ? null : new Autopilot(this, piloted, maintenance, clock);
        this.autopilotInterval = builder.autopilotInterval;
        this.copies = builder.copies;
        this.notifications = builder.notifications;
        this.instanceRegistry = builder.instanceRegistry;
        this.heartbeatInterval = builder.heartbeatInterval;
        this.instanceTimeout = builder.instanceTimeout;
        if (instanceRegistry != null) {
            heartbeat();
            this.heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("dualwrite-heartbeat-"));
            heartbeats.scheduleWithFixedDelay(
                    this::heartbeat, heartbeatInterval.toMillis(), heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            this.heartbeats = null;
        }
        if (notifications != null) {
            notifications.start(this::phaseChanged);
        }
    }

    /** Starts building an instance on the given phase store. */
    public static Builder builder(PhaseStore store) {
        return new Builder(store);
    }

    /** The registered migrations, in registration order. */
    public List<Migration<?, ?, ?>> migrations() {
        return List.copyOf(migrations.values());
    }

    /**
     * The registered migration with this name.
     *
     * @throws UnknownMigrationException if there is none
     */
    public Migration<?, ?, ?> migration(String name) {
        Migration<?, ?, ?> migration = migrations.get(name);
        if (migration == null) {
            throw new UnknownMigrationException(name, migrations.keySet());
        }
        return migration;
    }

    /** The entry point for a registered migration's reads and writes. */
    @SuppressWarnings("unchecked")
    public <K extends Comparable<? super K>, O, N> DualRepository<K, O, N> repository(Migration<K, O, N> migration) {
        Migration<?, ?, ?> registered = migrations.get(migration.name());
        // The registered one may be a copy with an overridden failure policy (see Migration#withFailurePolicy).
        if (registered == null
                || registered.oldStore() != migration.oldStore()
                || registered.newStore() != migration.newStore()) {
            throw new UnknownMigrationException(migration.name(), migrations.keySet());
        }
        return (DualRepository<K, O, N>) repositories.get(migration.name());
    }

    /** The entry point for the registered migration with this name. */
    public DualRepository<?, ?, ?> repository(String name) {
        migration(name);
        return repositories.get(name);
    }

    /** The phase this instance currently applies to a migration (at most one refresh interval old). */
    public MigrationPhase phase(String name) {
        migration(name);
        return phases.current(name).phase();
    }

    /** The stored state of a migration, read from the store now. */
    public PhaseState state(String name) {
        migration(name);
        return phases.refresh(name);
    }

    /**
     * What every gate says now about moving the migration to {@code target}: the handover rules (see
     * {@link TransitionRequest}), then the evidence gates and guards. A preview: nothing is drained or changed.
     */
    public List<GateResult> gates(String name, MigrationPhase target) {
        Migration<?, ?, ?> migration = migration(name);
        PhaseState current = state(name);
        PhaseTransition transition = PhaseTransition.between(name, current.phase(), target);
        List<GateResult> gates = new ArrayList<>(handover.evaluate(migration, transition, false));
        gates.addAll(evaluate(migration, transition, current));
        return gates;
    }

    /**
     * Moves a migration to the next phase forward.
     *
     * @see #transition(String, MigrationPhase, TransitionRequest)
     */
    public PhaseState advance(String name, TransitionRequest request) {
        MigrationPhase current = state(name).phase();
        MigrationPhase target = current.next()
                .orElseThrow(() -> new IllegalPhaseTransitionException(
                        name, current, current, "Migration '" + name + "' is already in its last phase, " + current));
        return transition(name, target, request);
    }

    /**
     * Moves a migration one phase back.
     *
     * @see #transition(String, MigrationPhase, TransitionRequest)
     */
    public PhaseState rollback(String name, TransitionRequest request) {
        MigrationPhase current = state(name).phase();
        MigrationPhase target = current.previous()
                .orElseThrow(() -> new IllegalPhaseTransitionException(
                        name, current, current, "Migration '" + name + "' is already in its first phase, " + current));
        return transition(name, target, request);
    }

    /**
     * Moves a migration to {@code target} if the move is allowed and every gate passes, and records it in the audit
     * trail. A refused move is recorded too, and changes nothing. A move that hands the source of truth to the other
     * side first copies to it every key whose acknowledged write only the side being left holds.
     *
     * <p>A forced request overrides failing evidence gates and guards; failing handover rules only yield to a
     * request that {@link TransitionRequest#acceptingDataLoss accepts data loss}, and the keys given up are audited.
     *
     * @return the new state
     * @throws UnknownMigrationException if no migration has this name
     * @throws IllegalPhaseTransitionException if the phase model does not allow the move
     * @throws TransitionRefusedException if a gate failed and the request did not override it
     * @throws ConcurrentTransitionException if another transition committed meanwhile
     */
    public PhaseState transition(String name, MigrationPhase target, TransitionRequest request) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(request, "request");
        Migration<?, ?, ?> migration = migration(name);
        PhaseState current = state(name);
        PhaseTransition transition = PhaseTransition.between(name, current.phase(), target);
        // Evidence first, so that a move its gates refuse does not fence anything (the ledger is drained below).
        List<GateResult> preview = evaluate(migration, transition, current);
        boolean previewFails =
                preview.stream().anyMatch(g -> !g.passed() && !g.name().equals(EvidenceGates.LEDGER_EMPTY));
        if (previewFails && !request.force()) {
            List<GateResult> evidence = new ArrayList<>(handover.evaluate(migration, transition, false));
            evidence.addAll(preview);
            throw refusal(current, target, transition, request, evidence);
        }
        HandoverFences fences = HandoverFences.raise(migration, transition, current);
        try {
            List<GateResult> rules = new ArrayList<>(fences.evidence());
            rules.addAll(handover.evaluate(migration, transition, true));
            List<GateResult> evidence = new ArrayList<>(rules);
            evidence.addAll(evaluate(migration, transition, current));
            boolean rulesFail = rules.stream().anyMatch(g -> !g.passed());
            boolean gatesFail = evidence.stream().anyMatch(g -> !g.passed());
            if (rulesFail ? !request.acceptDataLoss() : gatesFail && !request.force()) {
                lowerUnlessMovedMeanwhile(fences, current);
                throw refusal(current, target, transition, request, evidence);
            }
            if (rulesFail) {
                evidence.add(handover.giveUp(migration, transition));
                log.warn(
                        "Migration '{}': {} accepted data loss: {}",
                        name,
                        request.actor(),
                        evidence.get(evidence.size() - 1).detail());
            }
            return commit(migration, current, target, transition, request, evidence, fences);
        } catch (ConcurrentTransitionException e) {
            // Another move committed from the same version and needs the fences this one raised: keep them.
            throw e;
        } catch (RuntimeException e) {
            lowerUnlessMovedMeanwhile(fences, current); // a no-op once the move committed
            throw e;
        }
    }

    /** Lowers a refused move's fences, unless another move committed meanwhile and needs them. */
    private void lowerUnlessMovedMeanwhile(HandoverFences fences, PhaseState current) {
        if (store.find(current.migration()).map(PhaseState::version).orElse(-1L) == current.version()) {
            fences.lower();
        }
    }

    /** Audits a refused move and returns the exception that says why. */
    private TransitionRefusedException refusal(
            PhaseState current,
            MigrationPhase target,
            PhaseTransition transition,
            TransitionRequest request,
            List<GateResult> evidence) {
        store.audit(entry(current, target, AuditEntry.Event.REFUSED, current.version(), request, evidence));
        return new TransitionRefusedException(
                current.migration(),
                transition,
                evidence.stream().filter(g -> !g.passed()).toList());
    }

    private PhaseState commit(
            Migration<?, ?, ?> migration,
            PhaseState current,
            MigrationPhase target,
            PhaseTransition transition,
            TransitionRequest request,
            List<GateResult> evidence,
            HandoverFences fences) {
        String name = migration.name();
        AuditEntry.Event event = request.force()
                ? AuditEntry.Event.FORCED
                : transition.isRollback() ? AuditEntry.Event.ROLLED_BACK : AuditEntry.Event.ADVANCED;
        PhaseState next =
                store.transition(current, entry(current, target, event, current.version() + 1, request, evidence));
        fences.committed(next.version()); // they stay raised: writes of the previous phase must not commit any more
        phases.accept(next);
        if (instanceRegistry != null) {
            awaitingCompletion.put(name, next);
        }
        heartbeat();
        applySideEffects(migration, transition, next);
        log.info(
                "Migration '{}' moved from {} to {} by {} ({}): {}",
                name,
                current.phase(),
                target,
                request.actor(),
                event,
                request.reason());
        return next;
    }

    /** Audits a move that a component decided not to make, with its reason, and changes nothing. */
    void refuse(String name, MigrationPhase target, TransitionRequest request, List<GateResult> evidence) {
        PhaseState current = state(name);
        store.audit(entry(current, target, AuditEntry.Event.REFUSED, current.version(), request, evidence));
    }

    /**
     * Sets going what the committed move implies; when that fails (the copy cannot read a database that is down,
     * say), it is retried in the background every second while the phase stays as the move left it, so that the
     * move, which has committed, is never reported as failed and its effects are never lost.
     */
    private void applySideEffects(Migration<?, ?, ?> migration, PhaseTransition transition, PhaseState next) {
        try {
            afterTransition(migration, transition, next);
        } catch (RuntimeException e) {
            log.warn(
                    "Migration '{}': {} committed, but what it sets going failed; retrying in the background: {}",
                    migration.name(),
                    transition,
                    e.toString());
            retrySideEffects(migration, transition, next);
        }
    }

    private void retrySideEffects(Migration<?, ?, ?> migration, PhaseTransition transition, PhaseState next) {
        sideEffectRetries.execute(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1_000);
                    if (store.find(migration.name()).map(PhaseState::version).orElse(-1L) != next.version()) {
                        return; // moved on: the next move sets its own effects going
                    }
                    afterTransition(migration, transition, next);
                    log.info("Migration '{}': what {} sets going is done", migration.name(), transition);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.debug("Migration '{}': retrying what {} sets going: {}", migration.name(), transition, e);
                }
            }
        });
    }

    /** What a move sets going: the copy, its pause or staleness, the re-sync of the old side. */
    private void afterTransition(Migration<?, ?, ?> migration, PhaseTransition transition, PhaseState next) {
        String name = migration.name();
        Backfill<?, ?, ?> backfill = backfills.get(name);
        switch (transition) {
            case DUAL_WRITE_TO_BACKFILL, READ_NEW_TO_BACKFILL -> {
                if (backfill != null) {
                    BackfillState state = backfill.progress().state();
                    if (state == BackfillState.CANCELLED) {
                        backfill.restart();
                    } else if (state == BackfillState.PAUSED) {
                        backfill.resume();
                    } else {
                        backfill.start();
                    }
                }
            }
            case BACKFILL_TO_DUAL_WRITE -> {
                if (backfill != null) {
                    backfill.pause();
                }
            }
            case DUAL_WRITE_TO_OLD_ONLY -> {
                if (backfill != null && backfill.markStale()) {
                    log.info(
                            "Migration '{}': the new side is stale from now on; the next BACKFILL copies afresh", name);
                }
            }
            case DROP_OLD_TO_READ_NEW -> {
                if (verificationStore == null) {
                    log.warn(
                            "Migration '{}': no verification store, so the old side cannot be re-synced and no move"
                                    + " back from READ_NEW will be allowed; build DualWrite with verificationStore(...)",
                            name);
                } else {
                    resync.start(name, next);
                }
            }
            default -> {}
        }
    }

    /**
     * The latest re-sync of the old side after DROP_OLD -> READ_NEW, if one ever started: no move back from that
     * READ_NEW is allowed until it is COMPLETED.
     */
    public Optional<Resync> resync(String name) {
        migration(name);
        return store.findResync(name);
    }

    /** Whether every live instance applies the migration's current phase version (always, without a registry). */
    boolean barrierPasses(String name) {
        return instanceRegistry == null || barrier(name).passed();
    }

    /** When every live instance applied the current phase (its COMPLETED audit entry), else when it was entered. */
    private java.time.Instant enteredEverywhereAt(PhaseState current) {
        if (instanceRegistry == null || current.version() == 0) {
            return current.changedAt(); // no registry, or no move yet: nothing to wait for
        }
        return store.auditTrail(current.migration(), 200).stream()
                .filter(e -> e.event() == AuditEntry.Event.COMPLETED && e.version() == current.version())
                .map(AuditEntry::occurredAt)
                .findFirst()
                .orElse(java.time.Instant.MAX);
    }

    /**
     * The backfill of a migration.
     *
     * @throws DualWriteException if this instance was built without a backfill store
     */
    public Backfill<?, ?, ?> backfill(String name) {
        migration(name);
        Backfill<?, ?, ?> backfill = backfills.get(name);
        if (backfill == null) {
            throw new DualWriteException("No backfill store is configured; build DualWrite with backfillStore(...)");
        }
        return backfill;
    }

    /**
     * Runs a full verification of a migration to its end (resuming one that was interrupted), recording divergent
     * keys in the divergence ledger.
     *
     * @throws DualWriteException if this instance was built without a verification store
     */
    public VerificationProgress verify(String name) {
        Migration<?, ?, ?> migration = migration(name);
        awaitEveryInstanceApplies(name);
        // One run at a time per migration in this JVM (an operator's and the re-sync's, say): the second waits, then
        // runs its own, rather than supersede the first halfway.
        synchronized (verifying.computeIfAbsent(name, n -> new Object())) {
            return verifier(migration).verify(() -> true);
        }
    }

    /**
     * Waits, with an instance registry, until the current phase is recorded as applied by every live instance (its
     * COMPLETED audit entry), for at most the instance timeout and two heartbeats: a verification started earlier
     * is no evidence for the gates (see {@link GateOptions}), so one started now would be wasted.
     */
    private void awaitEveryInstanceApplies(String name) {
        if (instanceRegistry == null) {
            return;
        }
        long deadline = System.nanoTime()
                + instanceTimeout.plus(heartbeatInterval.multipliedBy(2)).toNanos();
        while (enteredEverywhereAt(phases.refresh(name)).equals(java.time.Instant.MAX)
                && System.nanoTime() < deadline) {
            heartbeat();
            try {
                Thread.sleep(Math.max(10, heartbeatInterval.toMillis() / 4));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Cancels a running verification of a migration: it stops after its current chunk and counts as evidence for
     * nothing; the next verification starts from the first key.
     *
     * @return whether a verification was running
     */
    public boolean cancelVerification(String name, String reason) {
        migration(name);
        if (verificationStore == null) {
            throw new DualWriteException(
                    "No verification store is configured; build DualWrite with verificationStore(...)");
        }
        return verificationStore.cancel(name, reason, clock.instant());
    }

    /** Whether this instance can verify (it was built with a verification store). */
    public boolean hasVerification() {
        return verificationStore != null;
    }

    /** The progress of a migration's latest full verification. */
    public VerificationProgress verification(String name) {
        return verifier(migration(name)).progress();
    }

    /** A verifier of a migration, to run with a stop condition or to read the divergences it reports. */
    public <K extends Comparable<? super K>, O, N> Verifier<K, O, N> verifier(Migration<K, O, N> migration) {
        migration(migration.name());
        if (verificationStore == null) {
            throw new DualWriteException(
                    "No verification store is configured; build DualWrite with verificationStore(...)");
        }
        return new Verifier<>(
                migration, verificationStore, verifierOptions, () -> phases.current(migration.name()), clock);
    }

    /** Repairs up to {@code limit} keys of each of the migration's divergence ledgers (see {@link Repairer}). */
    public RepairReport repair(String name, int limit) {
        return repairer(migration(name)).repair(limit);
    }

    /** How many keys of a migration wait in its divergence ledgers. */
    public long ledgerSize(String name) {
        return repairer(migration(name)).ledgerSize();
    }

    /** The repairer of a migration: its passes, and the totals of every pass since this instance started. */
    public Repairer<?, ?, ?> repairer(String name) {
        migration(name);
        return repairers.get(name);
    }

    private Repairer<?, ?, ?> repairer(Migration<?, ?, ?> migration) {
        return repairers.get(migration.name());
    }

    private <K extends Comparable<? super K>, O, N> Repairer<K, O, N> newRepairer(Migration<K, O, N> migration) {
        return new Repairer<>(migration, () -> phase(migration.name()));
    }

    /** The shadow reads of a migration: counts per result, latencies, and recent mismatches. */
    public ShadowReader<?, ?, ?> shadowReads(String name) {
        migration(name);
        return shadowReaders.get(name);
    }

    /** Whether this instance runs backfills (it was built with a backfill store). */
    public boolean hasBackfill(String name) {
        migration(name);
        return backfills.containsKey(name);
    }

    /** This instance's identity, as recorded in leases and, later, the instance registry. */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Starts this instance's background work: copying rows for every migration in BACKFILL. Idempotent.
     */
    public synchronized DualWrite startBackgroundWork() {
        if (backfillWorker == null && copies && !backfills.isEmpty()) {
            backfillWorker = new BackfillWorker(List.copyOf(backfills.values()), this::phase, backfillOptions).start();
        }
        if (repairWorker == null && repairInterval != null) {
            List<Repairer<?, ?, ?>> repairers = new ArrayList<>();
            migrations.values().forEach(m -> repairers.add(repairer(m)));
            repairWorker = new RepairWorker(repairers, r -> r.phaseWritesBothSides()).start(repairInterval);
        }
        if (verificationStore != null && resyncChecks == null) {
            resyncChecks = Executors.newSingleThreadScheduledExecutor(daemon("dualwrite-resync-check-"));
            resyncChecks.scheduleWithFixedDelay(this::resumeOwedResyncs, 0, 2, TimeUnit.SECONDS);
        }
        if (autopilot != null && autopilotScheduler == null) {
            autopilotScheduler = Executors.newSingleThreadScheduledExecutor(daemon("dualwrite-autopilot-"));
            autopilotScheduler.scheduleWithFixedDelay(
                    autopilot::tick, autopilotInterval.toMillis(), autopilotInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void resumeOwedResyncs() {
        for (String name : migrations.keySet()) {
            try {
                resync.resumeIfOwed(name);
            } catch (RuntimeException e) {
                log.warn("Migration '{}': could not check whether a re-sync is owed: {}", name, e.toString());
            }
            try {
                abandonedFences.lowerIfAbandoned(
                        migrations.get(name), store.find(name).orElseThrow());
            } catch (RuntimeException e) {
                log.debug("Migration '{}': could not check its fences: {}", name, e.toString());
            }
        }
    }

    /** Stops the background work; copying resumes on another instance or after a restart. */
    @Override
    public synchronized void close() {
        if (backfillWorker != null) {
            backfillWorker.close();
            backfillWorker = null;
        }
        if (repairWorker != null) {
            repairWorker.close();
            repairWorker = null;
        }
        shadowScheduler.shutdownNow();
        shadowExecutor.shutdownNow();
        maintenance.shutdownNow();
        sideEffectRetries.shutdownNow();
        if (notifications != null) {
            notifications.close();
        }
        if (autopilotScheduler != null) {
            autopilotScheduler.shutdownNow();
            autopilotScheduler = null;
        }
        if (resyncChecks != null) {
            resyncChecks.shutdownNow();
            resyncChecks = null;
        }
        resync.close();
        if (heartbeats != null) {
            heartbeats.shutdownNow();
            try {
                instanceRegistry.leave(instanceId);
            } catch (RuntimeException e) {
                log.warn("Could not remove instance {} from the registry; it times out instead", instanceId, e);
            }
        }
        if (secondaryWriteExecutor != null) {
            secondaryWriteExecutor.shutdown();
        }
    }

    /**
     * The instances that reported on a migration within the instance timeout, with the phase each applies; empty
     * without an {@link InstanceRegistry}.
     */
    public List<InstanceState> liveInstances(String name) {
        migration(name);
        if (instanceRegistry == null) {
            return List.of();
        }
        java.time.Instant now = clock.instant();
        return instanceRegistry.instances(name).stream()
                .filter(i -> i.isLive(now, instanceTimeout))
                .toList();
    }

    /** The gate that holds every forward move until every live instance applies the current phase version. */
    private GateResult barrier(String name) {
        PhaseState current = phases.refresh(name);
        heartbeat(); // this instance's own report is current; the others' are at most one heartbeat old

        List<InstanceState> live = liveInstances(name);
        List<InstanceState> lagging =
                live.stream().filter(i -> i.version() != current.version()).toList();
        String applied = current.phase() + " (version " + current.version() + ")";
        if (lagging.isEmpty()) {
            return GateResult.pass(
                    BARRIER_GATE, live.size() + " of " + live.size() + " live instances apply " + applied);
        }
        return GateResult.fail(
                BARRIER_GATE,
                (live.size() - lagging.size()) + " of " + live.size() + " live instances apply " + applied
                        + "; waiting for "
                        + lagging.stream()
                                .map(i -> i.instanceId() + " (applies " + i.phase() + ", version " + i.version()
                                        + ", seen " + i.lastSeen() + ")")
                                .collect(java.util.stream.Collectors.joining(", "))
                        + "; an instance silent for " + instanceTimeout + " is no longer waited for");
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
            heartbeat();
        } catch (RuntimeException e) {
            log.warn("Applying a phase change notification for '{}' failed: {}", name, e.toString());
        }
    }

    /** Reports the phase this instance applies to every migration; failures are logged and retried next beat. */
    private synchronized void heartbeat() {
        if (instanceRegistry == null) {
            return;
        }
        for (String name : migrations.keySet()) {
            try {
                phases.current(name); // refreshes when due, outside the in-flight lock: it may wait on the store
                PhaseState[] current = new PhaseState[1];
                long applied = inFlight.appliedVersion(name, () -> current[0] = phases.cached(name));
                // A write routed by an older phase may still commit: report that phase until it ends.
                MigrationPhase phase = applied == current[0].version() ? current[0].phase() : olderPhase(name, applied);
                java.time.Instant reportedAt = clock.instant();
                instanceRegistry.heartbeat(new InstanceState(instanceId, name, phase, applied, reportedAt));
                // Reported: the others wait for this instance (and its older-phase writes) at the barrier.
                fence.confirmed(name, reportedAt);
            } catch (RuntimeException e) {
                log.warn("Heartbeat of instance {} for migration '{}' failed: {}", instanceId, name, e.toString());
            }
        }
        awaitingCompletion.forEach(this::recordIfComplete);
    }

    /** Audits a move this instance made as COMPLETED once every live instance applies it. */
    private void recordIfComplete(String name, PhaseState moved) {
        try {
            if (phases.current(name).version() != moved.version()) {
                awaitingCompletion.remove(name, moved); // overtaken by another move
                return;
            }
            List<InstanceState> live = liveInstances(name);
            if (live.stream().allMatch(i -> i.version() == moved.version())) {
                awaitingCompletion.remove(name, moved);
                store.audit(new AuditEntry(
                        name,
                        AuditEntry.Event.COMPLETED,
                        moved.phase(),
                        moved.phase(),
                        moved.version(),
                        SYSTEM_ACTOR,
                        "every live instance applies " + moved.phase(),
                        List.of(GateResult.pass(
                                BARRIER_GATE,
                                live.size() + " of " + live.size() + " live instances apply " + moved.phase()
                                        + " (version " + moved.version() + "): "
                                        + live.stream()
                                                .map(InstanceState::instanceId)
                                                .collect(java.util.stream.Collectors.joining(", ")))),
                        clock.instant()));
            }
        } catch (RuntimeException e) {
            log.debug("Could not check whether the move of '{}' completed", name, e);
        }
    }

    /** The phase a migration had at an older version, from its audit trail. */
    private MigrationPhase olderPhase(String name, long version) {
        return store.auditTrail(name, 50).stream()
                .filter(e -> e.version() == version + 1 && e.event().movesPhase())
                .map(AuditEntry::from)
                .findFirst()
                .orElse(MigrationPhase.OLD_ONLY);
    }

    /** Whether the autopilot is enabled for the migration. */
    public boolean autopilotEnabled(String name) {
        migration(name);
        return autopilot != null && autopilot.drives(name);
    }

    /**
     * Whether the autopilot drives the migration now: enabled for it, and not stopped by a rollback of its own
     * (an operator's move re-arms it).
     */
    public boolean autopilotActive(String name) {
        migration(name);
        return autopilot != null && autopilot.drives(name) && !autopilot.halted(name);
    }

    /** Up to {@code limit} entries of a migration's audit trail, newest first. */
    public List<AuditEntry> auditTrail(String name, int limit) {
        migration(name);
        return store.auditTrail(name, limit);
    }

    private AuditEntry entry(
            PhaseState current,
            MigrationPhase target,
            AuditEntry.Event event,
            long version,
            TransitionRequest request,
            List<GateResult> evidence) {
        return new AuditEntry(
                current.migration(),
                event,
                current.phase(),
                target,
                version,
                request.actor(),
                request.reason(),
                evidence,
                clock.instant());
    }

    private List<GateResult> evaluate(Migration<?, ?, ?> migration, PhaseTransition transition, PhaseState current) {
        List<GateResult> results = new ArrayList<>();
        if (instanceRegistry != null && !transition.isRollback()) {
            results.add(barrier(migration.name()));
        }
        results.addAll(evidence.evaluate(migration, transition, current));
        for (TransitionGuard guard : guards) {
            try {
                results.addAll(guard.evaluate(migration, transition));
            } catch (RuntimeException e) {
                log.warn("Guard {} failed to evaluate {} of '{}'", guard, transition, migration.name(), e);
                results.add(GateResult.fail(guard.getClass().getSimpleName(), "could not be evaluated: " + e));
            }
        }
        return results;
    }

    private <K extends Comparable<? super K>, O, N> DualRepository<K, O, N> newRepository(
            Migration<K, O, N> m, ShadowReadOptions options) {
        Backfill<?, ?, ?> backfill = backfills.get(m.name());
        Supplier<Optional<BackfillProgress>> progress = backfill == null
                ? Optional::empty
                : new CachedSupplier<>(() -> Optional.of(backfill.progress()), Duration.ofSeconds(1), clock);
        ShadowReader<K, O, N> shadow = new ShadowReader<>(
                m, options, shadowExecutor, shadowScheduler, progress, breakers.get(m.name()), clock);
        shadowReaders.put(m.name(), shadow);
        @SuppressWarnings("unchecked")
        Repairer<K, O, N> repairer = (Repairer<K, O, N>) repairers.get(m.name());
        return new DualRepository<>(
                m, phases, shadow, breakers.get(m.name()), secondaryWrites, inFlight, repairer, fence);
    }

    /** One breaker per side when the sides live in two databases; none in one database (one transaction). */
    private static Map<Side, CircuitBreaker> breakersFor(
            Migration<?, ?, ?> migration, CircuitBreakerRegistry registry) {
        if (registry == null || migration.sidesShareTransactions()) {
            return Map.of();
        }
        Map<Side, CircuitBreaker> sides = new java.util.EnumMap<>(Side.class);
        for (Side side : Side.values()) {
            sides.put(
                    side,
                    registry.circuitBreaker(
                            "dualwrite-" + migration.name() + "-" + side.name().toLowerCase(java.util.Locale.ROOT)));
        }
        return sides;
    }

    /**
     * The circuit breakers guarding writes to each side of a migration whose sides live in two databases; empty
     * without {@link Builder#circuitBreakers} or in one database.
     */
    public Map<Side, CircuitBreaker> circuitBreakers(String name) {
        migration(name);
        return breakers.get(name);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private <K extends Comparable<? super K>, O, N> Backfill<K, O, N> newBackfill(
            Migration<K, O, N> migration, BackfillStore store, BackfillOptions options) {
        return new Backfill<>(migration, store, options, instanceId, clock);
    }

    /** Builds a {@link DualWrite}. */
    public static final class Builder {
        private final PhaseStore store;
        private final Map<String, Migration<?, ?, ?>> migrations = new LinkedHashMap<>();
        private final List<TransitionGuard> guards = new ArrayList<>();
        private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
        private Clock clock = Clock.systemUTC();
        private BackfillStore backfillStore;
        private BackfillOptions backfillOptions = BackfillOptions.defaults();
        private final Map<String, BackfillOptions> migrationBackfillOptions = new LinkedHashMap<>();
        private String instanceId = defaultInstanceId();
        private VerificationStore verificationStore;
        private VerifierOptions verifierOptions = VerifierOptions.defaults();
        private ShadowReadOptions defaultShadowReadOptions = ShadowReadOptions.defaults();
        private final Map<String, ShadowReadOptions> shadowReadOptions = new LinkedHashMap<>();
        private Duration repairInterval;
        private CircuitBreakerRegistry circuitBreakers;
        private @Nullable TimeLimiterConfig timeLimiter = TimeLimiterConfig.custom()
                .timeoutDuration(DEFAULT_SECONDARY_WRITE_TIMEOUT)
                .build();
        private @Nullable InstanceRegistry instanceRegistry;
        private GateOptions gateOptions = GateOptions.off();
        private boolean copies = true;
        private @Nullable PhaseNotifications notifications;
        private final Map<String, AutopilotOptions> autopilots = new LinkedHashMap<>();
        private Duration autopilotInterval = DEFAULT_AUTOPILOT_INTERVAL;
        private final Map<String, GateOptions> migrationGateOptions = new LinkedHashMap<>();
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration instanceTimeout = DEFAULT_INSTANCE_TIMEOUT;
        private int secondaryWriteThreads = DEFAULT_SECONDARY_WRITE_THREADS;
        private boolean fencing = true;
        private boolean singleInstance;
        private int shadowReadThreads = 2;
        private int shadowReadQueueCapacity = 256;

        private Builder(PhaseStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Registers a migration.
         *
         * @throws InvalidMigrationException if another migration has the same name
         */
        public Builder migration(Migration<?, ?, ?> migration) {
            Objects.requireNonNull(migration, "migration");
            if (migrations.putIfAbsent(migration.name(), migration) != null) {
                throw new InvalidMigrationException(
                        "Two migrations are named '" + migration.name() + "'; each migration needs a unique name");
            }
            return this;
        }

        /** Adds a guard consulted before every move. */
        public Builder guard(TransitionGuard guard) {
            guards.add(Objects.requireNonNull(guard, "guard"));
            return this;
        }

        /** How often an instance re-reads each migration's phase. Default {@link #DEFAULT_REFRESH_INTERVAL}. */
        public Builder refreshInterval(Duration refreshInterval) {
            if (refreshInterval == null || refreshInterval.isNegative()) {
                throw new IllegalArgumentException(
                        "refreshInterval must be zero or positive, but was " + refreshInterval);
            }
            this.refreshInterval = refreshInterval;
            return this;
        }

        /** The clock for timestamps and cache ages. Default: the UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where backfill progress and leases are kept; without one, this instance runs no backfill. */
        public Builder backfillStore(BackfillStore backfillStore) {
            this.backfillStore = Objects.requireNonNull(backfillStore, "backfillStore");
            return this;
        }

        /**
         * Hears of transitions committed by other instances at once (on PostgreSQL:
         * {@link io.dualwrite.core.jdbc.PostgresPhaseNotifications}); the refresh interval stays the bound when a
         * notification is lost. Default: none, propagation within the refresh interval.
         */
        public Builder phaseNotifications(PhaseNotifications notifications) {
            this.notifications = Objects.requireNonNull(notifications, "notifications");
            return this;
        }

        /**
         * Whether {@link DualWrite#startBackgroundWork()} makes this instance take part in copying. Default true; an
         * instance that does not copy still shows the copy's progress and can pause or resume it.
         */
        public Builder copies(boolean copies) {
            this.copies = copies;
            return this;
        }

        /** How backfills copy. Default {@link BackfillOptions#defaults()}. */
        public Builder backfillOptions(BackfillOptions backfillOptions) {
            this.backfillOptions = Objects.requireNonNull(backfillOptions, "backfillOptions");
            return this;
        }

        /** How every migration's reads are shadowed, unless set per migration. Default 1% of reads. */
        public Builder shadowReads(ShadowReadOptions options) {
            this.defaultShadowReadOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** How one migration's reads are shadowed. */
        public Builder shadowReads(String migration, ShadowReadOptions options) {
            shadowReadOptions.put(migration, Objects.requireNonNull(options, "options"));
            return this;
        }

        /**
         * The bounded executor for candidate reads, shared by all migrations: its threads and the comparisons that
         * may wait for one; comparisons beyond are skipped. Default 2 threads, 256 waiting.
         */
        public Builder shadowReadExecutor(int threads, int queueCapacity) {
            if (threads < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException(
                        "shadow-read threads and queue capacity must be at least 1, but were " + threads + " and "
                                + queueCapacity);
            }
            this.shadowReadThreads = threads;
            this.shadowReadQueueCapacity = queueCapacity;
            return this;
        }

        /**
         * Repairs every migration's ledger continuously, every {@code interval}, while its phase writes both sides.
         * Default: off (repair on demand with {@link DualWrite#repair}).
         */
        public Builder continuousRepair(Duration interval) {
            if (interval == null || interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("The repair interval must be positive, but was " + interval);
            }
            this.repairInterval = interval;
            return this;
        }

        /**
         * Guards the write to the second side of every migration across two databases with a Resilience4j circuit
         * breaker of this configuration, one per migration and side.
         */
        public Builder circuitBreakers(CircuitBreakerConfig config) {
            this.circuitBreakers = CircuitBreakerRegistry.of(Objects.requireNonNull(config, "config"));
            return this;
        }

        /**
         * Bounds how long a dual write across two databases waits for its second side: that write then runs on a
         * pool of {@code threads} threads, and one that outlasts the limiter's timeout is given up (and rolled back
         * if it has not committed yet), so that the migration's {@link SecondaryFailurePolicy} applies. A full pool
         * counts as a failure too. The bound also ends the wait of two instances a move apart that write one key in
         * opposite orders across the two databases (a deadlock neither database can see). Default
         * {@link #DEFAULT_SECONDARY_WRITE_TIMEOUT} on {@link #DEFAULT_SECONDARY_WRITE_THREADS} threads.
         */
        public Builder timeLimiter(TimeLimiterConfig config, int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("secondary-write threads must be at least 1, but were " + threads);
            }
            this.timeLimiter = Objects.requireNonNull(config, "config");
            this.secondaryWriteThreads = threads;
            return this;
        }

        /**
         * Lifts the bound of {@link #timeLimiter}: the second side's write runs on the caller's thread, bounded only
         * by the database drivers' and servers' own timeouts. Not recommended across two databases.
         */
        public Builder withoutTimeLimiter() {
            this.timeLimiter = null;
            return this;
        }

        /**
         * Declares that this is the only instance of the application using these migrations, so that moves that
         * change the source of truth need no {@link #instanceRegistry} (which they otherwise require: without it,
         * nothing knows whether another instance still routes by the previous phase). Ignored when a registry is
         * configured.
         */
        public Builder singleInstance() {
            this.singleInstance = true;
            return this;
        }

        /**
         * Whether an instance with an {@link #instanceRegistry} refuses writes (with {@link WriteFenceException})
         * once it has not reported to the registry for the instance timeout less two heartbeats. Default true.
         */
        public Builder fencing(boolean enabled) {
            this.fencing = enabled;
            return this;
        }

        /**
         * Where this instance reports, every {@code heartbeatInterval}, the phase it applies to each migration, and
         * where it learns what the others apply: every forward move then waits until all instances seen within
         * {@code instanceTimeout} apply the current phase (the {@value #BARRIER_GATE} gate). Default: none, no
         * barrier.
         */
        public Builder instanceRegistry(
                InstanceRegistry registry, Duration heartbeatInterval, Duration instanceTimeout) {
            Objects.requireNonNull(registry, "registry");
            if (heartbeatInterval == null
                    || heartbeatInterval.isZero()
                    || heartbeatInterval.isNegative()
                    || instanceTimeout == null
                    || instanceTimeout.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalArgumentException("The heartbeat interval must be positive and the instance timeout"
                        + " longer than it, but they were " + heartbeatInterval + " and " + instanceTimeout);
            }
            this.instanceRegistry = registry;
            this.heartbeatInterval = heartbeatInterval;
            this.instanceTimeout = instanceTimeout;
            return this;
        }

        /**
         * The evidence gates of every migration, unless set per migration: what the moves to READ_NEW and DROP_OLD
         * require (see {@link GateOptions}). Default {@link GateOptions#off()}; the Spring Boot starter turns them on.
         */
        public Builder gates(GateOptions options) {
            this.gateOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Lets the autopilot drive one migration (see {@link AutopilotOptions}); it runs once
         * {@link DualWrite#startBackgroundWork()} is called. Default: off for every migration.
         */
        public Builder autopilot(String migration, AutopilotOptions options) {
            autopilots.put(migration, Objects.requireNonNull(options, "options"));
            return this;
        }

        /** How often the autopilot looks at its migrations. Default {@link #DEFAULT_AUTOPILOT_INTERVAL}. */
        public Builder autopilotInterval(Duration interval) {
            if (interval == null || interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("The autopilot interval must be positive, but was " + interval);
            }
            this.autopilotInterval = interval;
            return this;
        }

        /** The evidence gates of one migration. */
        public Builder gates(String migration, GateOptions options) {
            migrationGateOptions.put(migration, Objects.requireNonNull(options, "options"));
            return this;
        }

        /** Where verification progress is kept; without one, this instance cannot verify. */
        public Builder verificationStore(VerificationStore verificationStore) {
            this.verificationStore = Objects.requireNonNull(verificationStore, "verificationStore");
            return this;
        }

        /** How full verifications walk the data. Default {@link VerifierOptions#defaults()}. */
        public Builder verifierOptions(VerifierOptions verifierOptions) {
            this.verifierOptions = Objects.requireNonNull(verifierOptions, "verifierOptions");
            return this;
        }

        /** How one migration's backfill copies, instead of {@link #backfillOptions(BackfillOptions)}. */
        public Builder backfillOptions(String migration, BackfillOptions options) {
            migrationBackfillOptions.put(migration, Objects.requireNonNull(options, "options"));
            return this;
        }

        /** This instance's identity in leases. Default: the JVM's {@code pid@host} and a random suffix. */
        public Builder instanceId(String instanceId) {
            if (instanceId == null || instanceId.isBlank() || instanceId.length() > 200) {
                throw new IllegalArgumentException(
                        "instanceId must be 1 to 200 characters, but was '" + instanceId + "'");
            }
            this.instanceId = instanceId;
            return this;
        }

        private static String defaultInstanceId() {
            String jvm = ManagementFactory.getRuntimeMXBean().getName();
            return (jvm.length() > 150 ? jvm.substring(0, 150) : jvm) + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        }

        /** Refuses per-migration settings for a migration that is not registered (a typo would be ignored). */
        private void checkSettingsNames() {
            java.util.Set<String> named = new java.util.TreeSet<>(migrationBackfillOptions.keySet());
            named.addAll(shadowReadOptions.keySet());
            named.addAll(migrationGateOptions.keySet());
            named.addAll(autopilots.keySet());
            named.removeAll(migrations.keySet());
            if (!named.isEmpty()) {
                throw new InvalidMigrationException("Settings name migrations that are not registered: " + named
                        + "; registered migrations are " + new java.util.TreeSet<>(migrations.keySet()));
            }
        }

        /**
         * Stores every migration not stored yet (in OLD_ONLY) and builds the instance.
         *
         * @throws InvalidMigrationException if per-migration settings name a migration that is not registered, or
         *     a migration's key columns hold different string keys equal (their collations differ in case, accent
         *     or trailing-space sensitivity; see {@link Migration.Builder#acceptKeyCollations})
         */
        public DualWrite build() {
            checkSettingsNames();
            migrations.values().forEach(KeyEqualityCheck::check);
            return new DualWrite(this);
        }
    }
}
