package io.dualwrite.spring.boot;

import io.dualwrite.core.AutopilotOptions;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.GateOptions;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.shadow.ShadowReadOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Configuration of dualwrite under {@code dualwrite.*}. Defaults equal the core library's. These classes only bind:
 * {@link DualWriteOptionsMapper} turns them into the core's options, and invalid values fail startup there, naming
 * the property. It is long only because every property is a documented field with its getter and setter (the
 * configuration metadata is generated from them); it holds no logic.
 */
@ConfigurationProperties("dualwrite")
public class DualWriteProperties {

    /** Whether dualwrite is auto-configured. */
    private boolean enabled = true;

    /** How often each instance re-reads the phase of every migration from the database. */
    private Duration refreshInterval = DualWrite.DEFAULT_REFRESH_INTERVAL;

    /** How often the autopilot looks at the migrations it drives (see {@code migrations.<name>.autopilot}). */
    private Duration autopilotInterval = DualWrite.DEFAULT_AUTOPILOT_INTERVAL;

    /** How often every migration's divergence ledger is repaired while both sides are written; unset for never. */
    private Duration repairInterval;

    /** Settings of single migrations, by migration name, overriding the settings above for that migration. */
    private final Map<String, MigrationOverrides> migrations = new LinkedHashMap<>();

    private final Jdbc jdbc = new Jdbc();

    private final Notifications notifications = new Notifications();

    private final Instances instances = new Instances();

    private final Backfill backfill = new Backfill();

    private final Verification verification = new Verification();

    private final ShadowReads shadowReads = new ShadowReads();

    private final Gates gates = new Gates();

    private final CircuitBreaker circuitBreaker = new CircuitBreaker();

    private final TimeLimiter timeLimiter = new TimeLimiter();

    private final Endpoint endpoint = new Endpoint();

    private final Capture capture = new Capture();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    public void setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }

    public Duration getAutopilotInterval() {
        return autopilotInterval;
    }

    public void setAutopilotInterval(Duration autopilotInterval) {
        this.autopilotInterval = autopilotInterval;
    }

    public Duration getRepairInterval() {
        return repairInterval;
    }

    public void setRepairInterval(Duration repairInterval) {
        this.repairInterval = repairInterval;
    }

    public Map<String, MigrationOverrides> getMigrations() {
        return migrations;
    }

    public Jdbc getJdbc() {
        return jdbc;
    }

    public Notifications getNotifications() {
        return notifications;
    }

    public Instances getInstances() {
        return instances;
    }

    public Backfill getBackfill() {
        return backfill;
    }

    public Verification getVerification() {
        return verification;
    }

    /** {@code dualwrite.verification.*}: how a full verification walks both sides. */
    public static class Verification {

        /** Keys compared per chunk. */
        private int chunkSize = io.dualwrite.core.verify.VerifierOptions.DEFAULT_CHUNK_SIZE;

        /** The verification's rate limit in rows per second; 0 for none. */
        private int maxRowsPerSecond = 0;

        /**
         * How many threads walk each side at once: the rest of a side is split into key ranges along its own key
         * order and compared in parallel; 1 walks on one thread.
         */
        private int workers = io.dualwrite.core.verify.VerifierOptions.DEFAULT_WORKERS;

        public int getChunkSize() {
            return chunkSize;
        }

        public void setChunkSize(int chunkSize) {
            this.chunkSize = chunkSize;
        }

        public int getMaxRowsPerSecond() {
            return maxRowsPerSecond;
        }

        public void setMaxRowsPerSecond(int maxRowsPerSecond) {
            this.maxRowsPerSecond = maxRowsPerSecond;
        }

        public int getWorkers() {
            return workers;
        }

        public void setWorkers(int workers) {
            this.workers = workers;
        }
    }

    public ShadowReads getShadowReads() {
        return shadowReads;
    }

    public Gates getGates() {
        return gates;
    }

    public CircuitBreaker getCircuitBreaker() {
        return circuitBreaker;
    }

    public TimeLimiter getTimeLimiter() {
        return timeLimiter;
    }

    public Endpoint getEndpoint() {
        return endpoint;
    }

    public Capture getCapture() {
        return capture;
    }

    /**
     * {@code dualwrite.capture.*}: the writes that bypass dualwrite (plain SQL of other sessions on a migration's
     * tables), captured by triggers and drained to the other side (docs/capture.md).
     */
    public static class Capture {

        /**
         * The migrations whose bypass writes are captured; both sides must be JDBC stores on PostgreSQL or MariaDB.
         * A name that is not registered fails startup.
         */
        private java.util.List<String> migrations = new java.util.ArrayList<>();

        /**
         * Whether dualwrite creates the capture table and the triggers at startup; false when the application's
         * Flyway or Liquibase migrations apply them, and startup then checks that they exist.
         */
        private boolean installTriggers = true;

        /** How often the background work drains the captured keys. */
        private Duration drainInterval = DualWrite.DEFAULT_CAPTURE_DRAIN_INTERVAL;

        public java.util.List<String> getMigrations() {
            return migrations;
        }

        public void setMigrations(java.util.List<String> migrations) {
            this.migrations = migrations;
        }

        public boolean isInstallTriggers() {
            return installTriggers;
        }

        public void setInstallTriggers(boolean installTriggers) {
            this.installTriggers = installTriggers;
        }

        public Duration getDrainInterval() {
            return drainInterval;
        }

        public void setDrainInterval(Duration drainInterval) {
            this.drainInterval = drainInterval;
        }
    }

    /** dualwrite's own tables. */
    public static class Jdbc {

        /**
         * When to create dualwrite's tables (dualwrite_phase, dualwrite_audit, dualwrite_divergence) at startup. The
         * scripts are idempotent; use NEVER when Flyway or Liquibase creates them from dualwrite's migrations
         * (classpath:db/dualwrite/{vendor}, db/dualwrite/changelog.xml).
         */
        private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.ALWAYS;

        public DatabaseInitializationMode getInitializeSchema() {
            return initializeSchema;
        }

        public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
            this.initializeSchema = initializeSchema;
        }
    }

    /** Phase-change notifications, so that instances apply a transition within milliseconds (PostgreSQL). */
    public static class Notifications {

        /**
         * Whether, on PostgreSQL, instances LISTEN for transitions (holding one pooled connection each); elsewhere,
         * or when off, {@code refresh-interval} bounds propagation.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /**
     * The registry of running instances: each reports the phase it applies every heartbeat, and a forward move waits
     * until every live instance applies the current phase.
     */
    public static class Instances {

        /** Whether instances report to the registry and forward moves wait for all of them. */
        private boolean enabled = true;

        /** The time between two heartbeats of this instance. */
        private Duration heartbeatInterval = DualWrite.DEFAULT_HEARTBEAT_INTERVAL;

        /** After this long without a heartbeat, an instance is gone and no longer waited for. */
        private Duration timeout = DualWrite.DEFAULT_INSTANCE_TIMEOUT;

        /**
         * With the registry off: declares that this is the only instance, so that moves changing the source of truth
         * are allowed without a registry (they are refused otherwise).
         */
        private boolean singleInstance = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getHeartbeatInterval() {
            return heartbeatInterval;
        }

        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public boolean isSingleInstance() {
            return singleInstance;
        }

        public void setSingleInstance(boolean singleInstance) {
            this.singleInstance = singleInstance;
        }
    }

    /** How backfills copy (see docs/backfill.md). */
    public static class Backfill {

        /** Whether this instance takes part in copying rows for migrations in BACKFILL. */
        private boolean enabled = true;

        /** Rows in the first chunk. */
        private int initialChunkSize = BackfillOptions.DEFAULT_INITIAL_CHUNK_SIZE;

        /** The smallest chunk the adaptive sizing goes down to. */
        private int minChunkSize = BackfillOptions.DEFAULT_MIN_CHUNK_SIZE;

        /** The largest chunk the adaptive sizing goes up to. */
        private int maxChunkSize = BackfillOptions.DEFAULT_MAX_CHUNK_SIZE;

        /**
         * The time one chunk should hold its shared locks on OLD rows; chunk sizes adapt towards it. An application
         * write to a row of the current chunk waits at most about this long.
         */
        private Duration targetChunkTime = BackfillOptions.DEFAULT_TARGET_CHUNK_TIME;

        /** The copy rate limit in rows per second; 0 for none. */
        private int maxRowsPerSecond = BackfillOptions.DEFAULT_MAX_ROWS_PER_SECOND;

        /** How long an instance may hold the copy lease without a checkpoint before another takes over. */
        private Duration leaseDuration = BackfillOptions.DEFAULT_LEASE_DURATION;

        /** Consecutive failed chunks before the backfill is marked FAILED. */
        private int maxRetries = BackfillOptions.DEFAULT_MAX_RETRIES;

        /** How often an instance checks for copying to do. */
        private Duration pollInterval = BackfillOptions.DEFAULT_POLL_INTERVAL;

        /**
         * How long the copy waits for a row lock an application transaction holds before it rolls back and retries
         * a smaller chunk (MariaDB: whole seconds, under a second meaning no wait).
         */
        private Duration lockTimeout = BackfillOptions.DEFAULT_LOCK_TIMEOUT;

        /** How long the copy waits before asking a throttle again while one holds it back. */
        private Duration throttleCheckInterval = BackfillOptions.DEFAULT_THROTTLE_CHECK_INTERVAL;

        /**
         * How many key ranges the copy is split into when it starts, each claimed and checkpointed on its own so that
         * several threads and instances copy at once; 1 keeps one copier for the whole migration.
         */
        private int partitions = BackfillOptions.DEFAULT_PARTITIONS;

        /** How many threads of this instance copy partitions at once (with partitions above 1). */
        private int workers = BackfillOptions.DEFAULT_WORKERS;

        /** What holds the copy back between chunks: the application's latency, replica lag. */
        private final Throttle throttle = new Throttle();

        public int getPartitions() {
            return partitions;
        }

        public void setPartitions(int partitions) {
            this.partitions = partitions;
        }

        public int getWorkers() {
            return workers;
        }

        public void setWorkers(int workers) {
            this.workers = workers;
        }

        public Duration getLockTimeout() {
            return lockTimeout;
        }

        public void setLockTimeout(Duration lockTimeout) {
            this.lockTimeout = lockTimeout;
        }

        public Duration getThrottleCheckInterval() {
            return throttleCheckInterval;
        }

        public void setThrottleCheckInterval(Duration throttleCheckInterval) {
            this.throttleCheckInterval = throttleCheckInterval;
        }

        public Throttle getThrottle() {
            return throttle;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getInitialChunkSize() {
            return initialChunkSize;
        }

        public void setInitialChunkSize(int initialChunkSize) {
            this.initialChunkSize = initialChunkSize;
        }

        public int getMinChunkSize() {
            return minChunkSize;
        }

        public void setMinChunkSize(int minChunkSize) {
            this.minChunkSize = minChunkSize;
        }

        public int getMaxChunkSize() {
            return maxChunkSize;
        }

        public void setMaxChunkSize(int maxChunkSize) {
            this.maxChunkSize = maxChunkSize;
        }

        public Duration getTargetChunkTime() {
            return targetChunkTime;
        }

        public void setTargetChunkTime(Duration targetChunkTime) {
            this.targetChunkTime = targetChunkTime;
        }

        public int getMaxRowsPerSecond() {
            return maxRowsPerSecond;
        }

        public void setMaxRowsPerSecond(int maxRowsPerSecond) {
            this.maxRowsPerSecond = maxRowsPerSecond;
        }

        public Duration getLeaseDuration() {
            return leaseDuration;
        }

        public void setLeaseDuration(Duration leaseDuration) {
            this.leaseDuration = leaseDuration;
        }

        public int getMaxRetries() {
            return maxRetries;
        }

        public void setMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }
    }

    /** {@code dualwrite.backfill.throttle.*}: conditions that hold every backfill's copy back between chunks. */
    public static class Throttle {

        /**
         * The name of a Micrometer timer of the application (such as {@code http.server.requests}) whose p99 holds
         * the copy back while above {@code latency-threshold}; the timer must publish the 0.99 percentile. Unset for
         * no latency throttle.
         */
        private String latencyTimer;

        /** The p99 of {@code latency-timer} above which the copy waits. */
        private Duration latencyThreshold = Duration.ofMillis(250);

        /**
         * The replay lag of a PostgreSQL standby ({@code pg_stat_replication} on the OLD database) above which the
         * copy waits; unset for no replica-lag throttle.
         */
        private Duration maxReplicaLag;

        public String getLatencyTimer() {
            return latencyTimer;
        }

        public void setLatencyTimer(String latencyTimer) {
            this.latencyTimer = latencyTimer;
        }

        public Duration getLatencyThreshold() {
            return latencyThreshold;
        }

        public void setLatencyThreshold(Duration latencyThreshold) {
            this.latencyThreshold = latencyThreshold;
        }

        public Duration getMaxReplicaLag() {
            return maxReplicaLag;
        }

        public void setMaxReplicaLag(Duration maxReplicaLag) {
            this.maxReplicaLag = maxReplicaLag;
        }
    }

    /** How reads are compared with the other side (see docs/verification.md). */
    public static class ShadowReads {

        /** The fraction of reads compared with the other side, 0 (off) to 1 (every read). */
        private double sampleRate = ShadowReadOptions.DEFAULT_SAMPLE_RATE;

        /** How long a candidate read may take before it counts as an error. */
        private Duration timeout = ShadowReadOptions.DEFAULT_TIMEOUT;

        /** How long to wait before looking again at a read that did not match. */
        private Duration recheckDelay = ShadowReadOptions.DEFAULT_RECHECK_DELAY;

        /** How many recent mismatches are kept with their field-level differences. */
        private int mismatchSamples = ShadowReadOptions.DEFAULT_MISMATCH_SAMPLES;

        /** Whether mismatch samples hide values and keep only field names. */
        private boolean redactValues;

        /** The most sampled reads compared per second; beyond it they are skipped. 0 for no limit. */
        private int maxComparisonsPerSecond = ShadowReadOptions.DEFAULT_MAX_COMPARISONS_PER_SECOND;

        public double getSampleRate() {
            return sampleRate;
        }

        public void setSampleRate(double sampleRate) {
            this.sampleRate = sampleRate;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Duration getRecheckDelay() {
            return recheckDelay;
        }

        public void setRecheckDelay(Duration recheckDelay) {
            this.recheckDelay = recheckDelay;
        }

        public int getMismatchSamples() {
            return mismatchSamples;
        }

        public void setMismatchSamples(int mismatchSamples) {
            this.mismatchSamples = mismatchSamples;
        }

        public boolean isRedactValues() {
            return redactValues;
        }

        public void setRedactValues(boolean redactValues) {
            this.redactValues = redactValues;
        }

        public int getMaxComparisonsPerSecond() {
            return maxComparisonsPerSecond;
        }

        public void setMaxComparisonsPerSecond(int maxComparisonsPerSecond) {
            this.maxComparisonsPerSecond = maxComparisonsPerSecond;
        }
    }

    /** The evidence gates of every migration (see docs/gates.md); per migration under {@code migrations.<name>}. */
    public static class Gates {

        /** Whether moves to READ_NEW and DROP_OLD require their evidence (forcing stays possible, audited). */
        private boolean enabled = true;

        /** The highest shadow-read mismatch rate a move accepts. */
        private double maxMismatchRate = GateOptions.DEFAULT_MAX_MISMATCH_RATE;

        /** The shadow-read comparisons needed in the current phase before the mismatch rate counts. */
        private long minShadowSamples = GateOptions.DEFAULT_MIN_SHADOW_SAMPLES;

        /** How long the current phase must have run before the mismatch rate counts. */
        private Duration minShadowTime = GateOptions.DEFAULT_MIN_SHADOW_TIME;

        /** How long READ_NEW must have run before DROP_OLD. */
        private Duration readNewSoak = GateOptions.DEFAULT_READ_NEW_SOAK;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public double getMaxMismatchRate() {
            return maxMismatchRate;
        }

        public void setMaxMismatchRate(double maxMismatchRate) {
            this.maxMismatchRate = maxMismatchRate;
        }

        public long getMinShadowSamples() {
            return minShadowSamples;
        }

        public void setMinShadowSamples(long minShadowSamples) {
            this.minShadowSamples = minShadowSamples;
        }

        public Duration getMinShadowTime() {
            return minShadowTime;
        }

        public void setMinShadowTime(Duration minShadowTime) {
            this.minShadowTime = minShadowTime;
        }

        public Duration getReadNewSoak() {
            return readNewSoak;
        }

        public void setReadNewSoak(Duration readNewSoak) {
            this.readNewSoak = readNewSoak;
        }
    }

    /**
     * The Resilience4j circuit breaker guarding writes to the second side of migrations across two databases, so that
     * an outage of that database costs no waiting on every write (the failure policy applies at once).
     */
    public static class CircuitBreaker {

        /** Whether writes to a side in another database are guarded by a circuit breaker. */
        private boolean enabled = true;

        /** The failure rate, in percent, at which the breaker opens. */
        private float failureRateThreshold = 50;

        /** Calls needed before the failure rate counts. */
        private int minimumNumberOfCalls = 20;

        /** How long the breaker stays open before it lets trial calls through. */
        private Duration waitDurationInOpenState = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public int getMinimumNumberOfCalls() {
            return minimumNumberOfCalls;
        }

        public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
            this.minimumNumberOfCalls = minimumNumberOfCalls;
        }

        public Duration getWaitDurationInOpenState() {
            return waitDurationInOpenState;
        }

        public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
            this.waitDurationInOpenState = waitDurationInOpenState;
        }
    }

    /**
     * The Resilience4j time limiter bounding how long a write waits for the second side of a migration across two
     * databases; past it, the write is given up and the failure policy applies.
     */
    public static class TimeLimiter {

        /** Whether writes to a side in another database are time-limited (they then run on a small pool). */
        private boolean enabled = true;

        /** How long a write waits for the other database. */
        private Duration timeout = DualWrite.DEFAULT_SECONDARY_WRITE_TIMEOUT;

        /** The threads that run time-limited writes to the other database; a full pool counts as a failure. */
        private int threads = DualWrite.DEFAULT_SECONDARY_WRITE_THREADS;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }
    }

    /** The {@code dualwrite} Actuator endpoint. */
    public static class Endpoint {

        /** The role a user needs for every operation of the endpoint, when Spring Security is present. */
        private String role = "DUALWRITE_ADMIN";

        public String getRole() {
            return role;
        }

        public void setRole(String role) {
            if (role == null || role.isBlank() || role.startsWith("ROLE_")) {
                throw new IllegalArgumentException("dualwrite.endpoint.role must be a role name without the ROLE_"
                        + " prefix, such as DUALWRITE_ADMIN, but was '" + role + "'");
            }
            this.role = role;
        }
    }

    /** Settings of one migration under {@code dualwrite.migrations.<name>.*}; unset ones take the global value. */
    public static class MigrationOverrides {

        /** The fraction of this migration's reads compared with the other side. */
        private Double sampleRate;

        /** The most of this migration's sampled reads compared per second. */
        private Integer maxComparisonsPerSecond;

        /** This migration's backfill rate limit in rows per second; 0 for none. */
        private Integer backfillMaxRowsPerSecond;

        /** The largest chunk of this migration's backfill. */
        private Integer backfillMaxChunkSize;

        /** The time one chunk of this migration's backfill should take. */
        private Duration backfillTargetChunkTime;

        /**
         * What a dual write across two databases does when its second write fails: fail the call, or record the
         * key for repair. Overrides the policy declared in code.
         */
        private SecondaryFailurePolicy failurePolicy;

        /** Whether this migration's moves require their evidence. */
        private Boolean gatesEnabled;

        /** The highest shadow-read mismatch rate this migration's moves accept. */
        private Double maxMismatchRate;

        /** The comparisons this migration needs in the current phase before the mismatch rate counts. */
        private Long minShadowSamples;

        /** How long this migration's current phase must have run before the mismatch rate counts. */
        private Duration minShadowTime;

        /** How long this migration's READ_NEW must have run before DROP_OLD. */
        private Duration readNewSoak;

        /** The autopilot of this migration. */
        private final Autopilot autopilot = new Autopilot();

        public Double getSampleRate() {
            return sampleRate;
        }

        public void setSampleRate(Double sampleRate) {
            this.sampleRate = sampleRate;
        }

        public Integer getMaxComparisonsPerSecond() {
            return maxComparisonsPerSecond;
        }

        public void setMaxComparisonsPerSecond(Integer maxComparisonsPerSecond) {
            this.maxComparisonsPerSecond = maxComparisonsPerSecond;
        }

        public Integer getBackfillMaxRowsPerSecond() {
            return backfillMaxRowsPerSecond;
        }

        public void setBackfillMaxRowsPerSecond(Integer backfillMaxRowsPerSecond) {
            this.backfillMaxRowsPerSecond = backfillMaxRowsPerSecond;
        }

        public Integer getBackfillMaxChunkSize() {
            return backfillMaxChunkSize;
        }

        public void setBackfillMaxChunkSize(Integer backfillMaxChunkSize) {
            this.backfillMaxChunkSize = backfillMaxChunkSize;
        }

        public Duration getBackfillTargetChunkTime() {
            return backfillTargetChunkTime;
        }

        public void setBackfillTargetChunkTime(Duration backfillTargetChunkTime) {
            this.backfillTargetChunkTime = backfillTargetChunkTime;
        }

        public SecondaryFailurePolicy getFailurePolicy() {
            return failurePolicy;
        }

        public void setFailurePolicy(SecondaryFailurePolicy failurePolicy) {
            this.failurePolicy = failurePolicy;
        }

        public Boolean getGatesEnabled() {
            return gatesEnabled;
        }

        public void setGatesEnabled(Boolean gatesEnabled) {
            this.gatesEnabled = gatesEnabled;
        }

        public Double getMaxMismatchRate() {
            return maxMismatchRate;
        }

        public void setMaxMismatchRate(Double maxMismatchRate) {
            this.maxMismatchRate = maxMismatchRate;
        }

        public Long getMinShadowSamples() {
            return minShadowSamples;
        }

        public void setMinShadowSamples(Long minShadowSamples) {
            this.minShadowSamples = minShadowSamples;
        }

        public Duration getMinShadowTime() {
            return minShadowTime;
        }

        public void setMinShadowTime(Duration minShadowTime) {
            this.minShadowTime = minShadowTime;
        }

        public Duration getReadNewSoak() {
            return readNewSoak;
        }

        public void setReadNewSoak(Duration readNewSoak) {
            this.readNewSoak = readNewSoak;
        }

        public Autopilot getAutopilot() {
            return autopilot;
        }
    }

    /**
     * The autopilot of one migration, under {@code dualwrite.migrations.<name>.autopilot}: off unless enabled; see
     * docs/gates.md.
     */
    public static class Autopilot {

        /** Whether the autopilot drives this migration. */
        private boolean enabled;

        /** The last phase the autopilot moves to; DROP_OLD only when chosen here. */
        private MigrationPhase finalPhase = MigrationPhase.READ_NEW;

        /** How long every gate of the next move must hold before the autopilot takes it. */
        private Duration soak = AutopilotOptions.DEFAULT_SOAK;

        /** The shadow-read mismatch rate in the current phase that makes the autopilot roll back and stop. */
        private double rollbackMismatchRate = AutopilotOptions.DEFAULT_ROLLBACK_MISMATCH_RATE;

        /** The error rate of writes to the other database that makes the autopilot roll back and stop. */
        private double rollbackWriteErrorRate = AutopilotOptions.DEFAULT_ROLLBACK_WRITE_ERROR_RATE;

        /** Comparisons or writes needed before a rate can trigger a rollback. */
        private long minSamples = AutopilotOptions.DEFAULT_MIN_SAMPLES;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public MigrationPhase getFinalPhase() {
            return finalPhase;
        }

        public void setFinalPhase(MigrationPhase finalPhase) {
            this.finalPhase = finalPhase;
        }

        public Duration getSoak() {
            return soak;
        }

        public void setSoak(Duration soak) {
            this.soak = soak;
        }

        public double getRollbackMismatchRate() {
            return rollbackMismatchRate;
        }

        public void setRollbackMismatchRate(double rollbackMismatchRate) {
            this.rollbackMismatchRate = rollbackMismatchRate;
        }

        public double getRollbackWriteErrorRate() {
            return rollbackWriteErrorRate;
        }

        public void setRollbackWriteErrorRate(double rollbackWriteErrorRate) {
            this.rollbackWriteErrorRate = rollbackWriteErrorRate;
        }

        public long getMinSamples() {
            return minSamples;
        }

        public void setMinSamples(long minSamples) {
            this.minSamples = minSamples;
        }
    }
}
