package io.dualwrite.core;

import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.phase.InstanceRegistry;
import io.dualwrite.core.phase.PhaseNotifications;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.verify.VerificationStore;
import io.dualwrite.core.verify.VerifierOptions;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link DualWrite}: the phase store, the migrations and their settings (one {@link MigrationSettings} per
 * migration), and the stores, executors and limits every migration shares.
 */
public final class DualWriteBuilder {
    final PhaseStore store;
    final Map<String, Migration<?, ?, ?>> migrations = new LinkedHashMap<>();
    /** Each migration's own settings, by name (possibly set before the migration is registered). */
    final Map<String, MigrationSettings> settings = new LinkedHashMap<>();

    final List<TransitionGuard> guards = new ArrayList<>();
    Duration refreshInterval = DualWrite.DEFAULT_REFRESH_INTERVAL;
    Clock clock = Clock.systemUTC();
    BackfillStore backfillStore;
    BackfillOptions backfillOptions = BackfillOptions.defaults();
    String instanceId = defaultInstanceId();
    VerificationStore verificationStore;
    VerifierOptions verifierOptions = VerifierOptions.defaults();
    ShadowReadOptions defaultShadowReadOptions = ShadowReadOptions.defaults();
    Duration repairInterval;
    CircuitBreakerRegistry circuitBreakers;
    /** The migrations whose bypass writes are captured, each with whether dualwrite applies the DDL itself. */
    final Map<String, Boolean> captures = new LinkedHashMap<>();
    /** The migrations whose captured keys come from the database's log, each with its feed. */
    final Map<String, io.dualwrite.core.jdbc.CaptureFeed> captureFeeds = new LinkedHashMap<>();

    Duration captureDrainInterval = DualWrite.DEFAULT_CAPTURE_DRAIN_INTERVAL;

    @Nullable
    TimeLimiterConfig timeLimiter = TimeLimiterConfig.custom()
            .timeoutDuration(DualWrite.DEFAULT_SECONDARY_WRITE_TIMEOUT)
            .build();

    @Nullable
    InstanceRegistry instanceRegistry;

    GateOptions gateOptions = GateOptions.off();
    boolean copies = true;

    @Nullable
    PhaseNotifications notifications;

    Duration autopilotInterval = DualWrite.DEFAULT_AUTOPILOT_INTERVAL;
    Duration heartbeatInterval = DualWrite.DEFAULT_HEARTBEAT_INTERVAL;
    Duration instanceTimeout = DualWrite.DEFAULT_INSTANCE_TIMEOUT;
    int secondaryWriteThreads = DualWrite.DEFAULT_SECONDARY_WRITE_THREADS;
    boolean fencing = true;
    boolean singleInstance;
    int shadowReadThreads = 2;
    int shadowReadQueueCapacity = 256;

    DualWriteBuilder(PhaseStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Registers a migration.
     *
     * @throws InvalidMigrationException if another migration has the same name
     */
    public DualWriteBuilder migration(Migration<?, ?, ?> migration) {
        Objects.requireNonNull(migration, "migration");
        if (migrations.putIfAbsent(migration.name(), migration) != null) {
            throw new InvalidMigrationException(
                    "Two migrations are named '" + migration.name() + "'; each migration needs a unique name");
        }
        return this;
    }

    /**
     * Registers a migration with settings of its own.
     *
     * @throws InvalidMigrationException if another migration has the same name
     */
    public DualWriteBuilder migration(Migration<?, ?, ?> migration, MigrationSettings own) {
        migration(migration);
        settings.merge(migration.name(), Objects.requireNonNull(own, "settings"), (old, newer) -> newer.over(old));
        return this;
    }

    /** Adds a guard consulted before every move. */
    public DualWriteBuilder guard(TransitionGuard guard) {
        guards.add(Objects.requireNonNull(guard, "guard"));
        return this;
    }

    /** How often an instance re-reads each migration's phase. Default {@link DualWrite#DEFAULT_REFRESH_INTERVAL}. */
    public DualWriteBuilder refreshInterval(Duration refreshInterval) {
        if (refreshInterval == null || refreshInterval.isNegative()) {
            throw new IllegalArgumentException("refreshInterval must be zero or positive, but was " + refreshInterval);
        }
        this.refreshInterval = refreshInterval;
        return this;
    }

    /** The clock for timestamps and cache ages. Default: the UTC system clock. */
    public DualWriteBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Where backfill progress and leases are kept; without one, this instance runs no backfill. */
    public DualWriteBuilder backfillStore(BackfillStore backfillStore) {
        this.backfillStore = Objects.requireNonNull(backfillStore, "backfillStore");
        return this;
    }

    /**
     * Hears of transitions committed by other instances at once (on PostgreSQL:
     * {@link io.dualwrite.core.jdbc.PostgresPhaseNotifications}); the refresh interval stays the bound when a
     * notification is lost. Default: none, propagation within the refresh interval.
     */
    public DualWriteBuilder phaseNotifications(PhaseNotifications notifications) {
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        return this;
    }

    /**
     * Whether {@link DualWrite#startBackgroundWork()} makes this instance take part in copying. Default true; an
     * instance that does not copy still shows the copy's progress and can pause or resume it.
     */
    public DualWriteBuilder copies(boolean copies) {
        this.copies = copies;
        return this;
    }

    /** How backfills copy. Default {@link BackfillOptions#defaults()}. */
    public DualWriteBuilder backfillOptions(BackfillOptions backfillOptions) {
        this.backfillOptions = Objects.requireNonNull(backfillOptions, "backfillOptions");
        return this;
    }

    /** How every migration's reads are shadowed, unless set per migration. Default 1% of reads. */
    public DualWriteBuilder shadowReads(ShadowReadOptions options) {
        this.defaultShadowReadOptions = Objects.requireNonNull(options, "options");
        return this;
    }

    /** How one migration's reads are shadowed. */
    public DualWriteBuilder shadowReads(String migration, ShadowReadOptions options) {
        settings.merge(
                migration, MigrationSettings.defaults().withShadowReads(options), (old, newer) -> newer.over(old));
        return this;
    }

    /**
     * The bounded executor for candidate reads, shared by all migrations: its threads and the comparisons that
     * may wait for one; comparisons beyond are skipped. Default 2 threads, 256 waiting.
     */
    public DualWriteBuilder shadowReadExecutor(int threads, int queueCapacity) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("shadow-read threads and queue capacity must be at least 1, but were "
                    + threads + " and " + queueCapacity);
        }
        this.shadowReadThreads = threads;
        this.shadowReadQueueCapacity = queueCapacity;
        return this;
    }

    /**
     * Repairs every migration's ledger continuously, every {@code interval}, while its phase writes both sides.
     * Default: off (repair on demand with {@link DualWrite#repair}).
     */
    public DualWriteBuilder continuousRepair(Duration interval) {
        if (interval == null || interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("The repair interval must be positive, but was " + interval);
        }
        this.repairInterval = interval;
        return this;
    }

    /**
     * Captures the writes to the migration's OLD table, and to NEW's if the migration has a reverse mapping, that
     * bypass dualwrite (plain SQL of another session) and brings each to the other side as the phase wants: to NEW in
     * DUAL_WRITE and BACKFILL, from the side written last in READ_NEW ({@link io.dualwrite.core.jdbc.BypassCapture},
     * docs/capture.md). dualwrite creates the capture tables and the migration's triggers when the instance is built.
     * Both sides must be {@code JdbcStore}s in PostgreSQL or MariaDB, in one database or in two (then with NEW's
     * divergence ledger).
     */
    public DualWriteBuilder captureBypassWrites(String migration) {
        return captureBypassWrites(migration, true);
    }

    /**
     * Captures the migration's bypass writes, as {@link #captureBypassWrites(String)}; with {@code applyDdl} false
     * the team applies the DDL ({@link io.dualwrite.core.jdbc.CaptureDdl}) through its own schema migrations and
     * building the instance only checks that the triggers exist.
     */
    public DualWriteBuilder captureBypassWrites(String migration, boolean applyDdl) {
        captures.put(Objects.requireNonNull(migration, "migration"), applyDdl);
        return this;
    }

    /**
     * Captures the migration's bypass writes from the database's log instead of triggers: the feed (for example
     * dualwrite-debezium's {@code DebeziumCapture}) records each changed key, the drain copies it as in
     * {@link #captureBypassWrites(String)}. dualwrite creates the capture table, installs no trigger, marks its own
     * transactions in the log, starts the feed with the background work and closes it with the instance.
     * PostgreSQL only; both sides must be {@code JdbcStore}s in one database.
     */
    public DualWriteBuilder captureBypassWrites(String migration, io.dualwrite.core.jdbc.CaptureFeed feed) {
        captures.put(Objects.requireNonNull(migration, "migration"), false);
        captureFeeds.put(migration, Objects.requireNonNull(feed, "feed"));
        return this;
    }

    /** How often background work drains captured bypass writes. Default: {@link DualWrite#DEFAULT_CAPTURE_DRAIN_INTERVAL}. */
    public DualWriteBuilder captureDrainInterval(Duration interval) {
        if (interval == null || interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("The capture drain interval must be positive, but was " + interval);
        }
        this.captureDrainInterval = interval;
        return this;
    }

    /**
     * Guards the write to the second side of every migration across two databases with a Resilience4j circuit
     * breaker of this configuration, one per migration and side.
     */
    public DualWriteBuilder circuitBreakers(CircuitBreakerConfig config) {
        this.circuitBreakers = CircuitBreakerRegistry.of(Objects.requireNonNull(config, "config"));
        return this;
    }

    /**
     * Bounds how long a dual write across two databases waits for its second side: that write then runs on a
     * pool of {@code threads} threads, and one that outlasts the limiter's timeout is given up (and rolled back
     * if it has not committed yet), so that the migration's {@link SecondaryFailurePolicy} applies. A full pool
     * counts as a failure too. The bound also ends the wait of two instances a move apart that write one key in
     * opposite orders across the two databases (a deadlock neither database can see). Default
     * {@link DualWrite#DEFAULT_SECONDARY_WRITE_TIMEOUT} on {@link DualWrite#DEFAULT_SECONDARY_WRITE_THREADS} threads.
     */
    public DualWriteBuilder timeLimiter(TimeLimiterConfig config, int threads) {
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
    public DualWriteBuilder withoutTimeLimiter() {
        this.timeLimiter = null;
        return this;
    }

    /**
     * Declares that this is the only instance of the application using these migrations, so that moves that
     * change the source of truth need no {@link #instanceRegistry} (which they otherwise require: without it,
     * nothing knows whether another instance still routes by the previous phase). Ignored when a registry is
     * configured.
     */
    public DualWriteBuilder singleInstance() {
        this.singleInstance = true;
        return this;
    }

    /**
     * Whether an instance with an {@link #instanceRegistry} refuses writes (with {@link WriteFenceException})
     * once it has not reported to the registry for the instance timeout less two heartbeats. Default true.
     */
    public DualWriteBuilder fencing(boolean enabled) {
        this.fencing = enabled;
        return this;
    }

    /**
     * Where this instance reports, every {@code heartbeatInterval}, the phase it applies to each migration, and
     * where it learns what the others apply: every forward move then waits until all instances seen within
     * {@code instanceTimeout} apply the current phase (the {@value #BARRIER_GATE} gate). Default: none, no
     * barrier.
     */
    public DualWriteBuilder instanceRegistry(
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
    public DualWriteBuilder gates(GateOptions options) {
        this.gateOptions = Objects.requireNonNull(options, "options");
        return this;
    }

    /**
     * Lets the autopilot drive one migration (see {@link AutopilotOptions}); it runs once
     * {@link DualWrite#startBackgroundWork()} is called. Default: off for every migration.
     */
    public DualWriteBuilder autopilot(String migration, AutopilotOptions options) {
        settings.merge(migration, MigrationSettings.defaults().withAutopilot(options), (old, newer) -> newer.over(old));
        return this;
    }

    /** How often the autopilot looks at its migrations. Default {@link DualWrite#DEFAULT_AUTOPILOT_INTERVAL}. */
    public DualWriteBuilder autopilotInterval(Duration interval) {
        if (interval == null || interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("The autopilot interval must be positive, but was " + interval);
        }
        this.autopilotInterval = interval;
        return this;
    }

    /** The evidence gates of one migration. */
    public DualWriteBuilder gates(String migration, GateOptions options) {
        settings.merge(migration, MigrationSettings.defaults().withGates(options), (old, newer) -> newer.over(old));
        return this;
    }

    /** Where verification progress is kept; without one, this instance cannot verify. */
    public DualWriteBuilder verificationStore(VerificationStore verificationStore) {
        this.verificationStore = Objects.requireNonNull(verificationStore, "verificationStore");
        return this;
    }

    /** How full verifications walk the data. Default {@link VerifierOptions#defaults()}. */
    public DualWriteBuilder verifierOptions(VerifierOptions verifierOptions) {
        this.verifierOptions = Objects.requireNonNull(verifierOptions, "verifierOptions");
        return this;
    }

    /** How one migration's backfill copies, instead of {@link #backfillOptions(BackfillOptions)}. */
    public DualWriteBuilder backfillOptions(String migration, BackfillOptions options) {
        settings.merge(migration, MigrationSettings.defaults().withBackfill(options), (old, newer) -> newer.over(old));
        return this;
    }

    /** This instance's identity in leases. Default: the JVM's {@code pid@host} and a random suffix. */
    public DualWriteBuilder instanceId(String instanceId) {
        if (instanceId == null || instanceId.isBlank() || instanceId.length() > 200) {
            throw new IllegalArgumentException("instanceId must be 1 to 200 characters, but was '" + instanceId + "'");
        }
        this.instanceId = instanceId;
        return this;
    }

    private static String defaultInstanceId() {
        String jvm = ManagementFactory.getRuntimeMXBean().getName();
        return (jvm.length() > 150 ? jvm.substring(0, 150) : jvm) + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }

    /** A migration's settings, each component its own or else the one every migration shares. */
    MigrationSettings settingsOf(String migration) {
        MigrationSettings shared =
                new MigrationSettings(backfillOptions, defaultShadowReadOptions, gateOptions, AutopilotOptions.off());
        return settings.getOrDefault(migration, MigrationSettings.defaults()).over(shared);
    }

    /** Refuses per-migration settings for a migration that is not registered (a typo would be ignored). */
    private void checkSettingsNames() {
        java.util.Set<String> named = new java.util.TreeSet<>(settings.keySet());
        named.addAll(captures.keySet());
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
     *     or trailing-space sensitivity; see {@link Migration.Builder#acceptKeyCollations}), or a store of shared
     *     rows has columns that cannot be NULL, or a migration's key sequence cannot be the one source of ids of
     *     both sides (see {@code KeySequenceCheck})
     */
    public DualWrite build() {
        checkSettingsNames();
        migrations.values().forEach(KeyEqualityCheck::check);
        migrations.values().forEach(SharedRowsCheck::check);
        migrations.values().forEach(GeneratedKeys::check);
        return new DualWrite(this);
    }
}
