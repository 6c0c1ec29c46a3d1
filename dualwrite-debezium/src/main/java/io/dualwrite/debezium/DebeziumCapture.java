package io.dualwrite.debezium;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.dualwrite.core.jdbc.BypassCapture;
import io.dualwrite.core.jdbc.CaptureFeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures the writes to a migration's OLD table that bypass dualwrite from PostgreSQL's logical replication stream,
 * with Debezium's embedded engine, instead of triggers (docs/debezium.md). Each changed key goes to
 * {@link BypassCapture#record}, the same {@code dualwrite_capture} records the triggers write, so the drain, its lock
 * order, its tokens and last-writer-wins are those of trigger capture.
 *
 * <pre>{@code
 * DebeziumCapture feed = DebeziumCapture.builder("jdbc:postgresql://db:5432/app", "dualwrite", secret)
 *         .offsetFile(Path.of("/var/lib/app/dualwrite-customers.offsets"))
 *         .build();
 * DualWrite.builder(phases)
 *         .migration(customers)
 *         .captureBypassWrites("customers", feed)
 *         .build()
 *         .startBackgroundWork();
 * }</pre>
 *
 * <ul>
 *   <li><b>dualwrite's own writes</b> are bracketed in the log by the logical decoding messages dualwrite writes in
 *       each of its transactions on that database; changes between them are left out ({@link OwnWrites}).
 *   <li><b>Slot and publication</b>, named after the migration ({@link ReplicationNames}), are created when the
 *       background work starts and stay until {@link #dropReplication()}: a slot nobody reads retains WAL.
 *   <li><b>One instance streams</b>: the one holding a PostgreSQL advisory lock; the others wait and take over when
 *       its session ends.
 *   <li><b>Offsets</b> go to a file (the slot holds the durable position; the file only lets this instance resume
 *       where it stopped). A replay after a restart records keys again: a redundant drain, nothing lost.
 * </ul>
 */
public final class DebeziumCapture implements CaptureFeed {

    private static final Logger log = LoggerFactory.getLogger(DebeziumCapture.class);

    private final ConnectionSettings settings;
    private final String schema;
    private final @Nullable Path offsetFile;
    private final Duration retry;
    private final Duration heartbeat;
    private final Clock clock;
    private final Object lock = new Object();
    private final AtomicLong bypassChanges = new AtomicLong();
    private final AtomicLong ownChanges = new AtomicLong();
    private final AtomicLong unchanged = new AtomicLong();
    private volatile @Nullable BypassCapture<?, ?, ?> capture;
    private volatile @Nullable ReplicationNames names;
    private volatile @Nullable Thread supervisor;
    private volatile @Nullable DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private volatile boolean closed;
    private volatile boolean streaming;
    private volatile boolean slotReady;
    private volatile @Nullable Instant lastEventAt;
    private volatile @Nullable Duration lag;
    private volatile @Nullable String lastError;

    private DebeziumCapture(Builder builder) {
        this.settings = builder.settings;
        this.schema = builder.schema;
        this.offsetFile = builder.offsetFile;
        this.retry = builder.retry;
        this.heartbeat = builder.heartbeat;
        this.clock = builder.clock;
    }

    /**
     * @param jdbcUrl the OLD database, {@code jdbc:postgresql://host:port/database}; the user needs the REPLICATION
     *     attribute (or superuser) to create and read the slot, and to own the table to create the publication
     */
    public static Builder builder(String jdbcUrl, String user, String password) {
        return new Builder(ConnectionSettings.parse(jdbcUrl, user, password));
    }

    @Override
    public void start(BypassCapture<?, ?, ?> capture) {
        synchronized (lock) {
            if (supervisor != null) {
                throw new IllegalStateException("DebeziumCapture of migration '" + capture.name()
                        + "' is started already; one DebeziumCapture feeds one migration");
            }
            this.capture = Objects.requireNonNull(capture, "capture");
            this.names = ReplicationNames.forMigration(capture.name());
            Thread thread = new Thread(this::supervise, "dualwrite-debezium-" + capture.name());
            thread.setDaemon(true);
            supervisor = thread;
            thread.start();
        }
    }

    /** The names of the migration's slot and publication (known once started). */
    public ReplicationNames names() {
        ReplicationNames known = names;
        if (known == null) {
            throw new IllegalStateException("DebeziumCapture is not started: its migration is not known yet");
        }
        return known;
    }

    /** {@link #health()} as the status shows it, under the names of its components (instants and durations as text). */
    @Override
    public java.util.Map<String, @Nullable Object> status() {
        DebeziumCaptureHealth health = health();
        java.util.Map<String, @Nullable Object> status = new java.util.LinkedHashMap<>();
        status.put("source", "debezium");
        status.put("streaming", health.streaming());
        status.put("slotReady", health.slotReady());
        status.put(
                "lastEventAt",
                health.lastEventAt() == null ? null : health.lastEventAt().toString());
        status.put("lag", health.lag() == null ? null : health.lag().toString());
        status.put("bypassChanges", health.bypassChanges());
        status.put("ownChanges", health.ownChanges());
        status.put("unchanged", health.unchanged());
        status.put("lastError", health.lastError());
        return status;
    }

    /** How the stream runs on this instance. */
    public DebeziumCaptureHealth health() {
        return new DebeziumCaptureHealth(
                streaming,
                slotReady,
                lastEventAt,
                lag,
                bypassChanges.get(),
                ownChanges.get(),
                unchanged.get(),
                lastError);
    }

    /**
     * Waits until the replication slot exists: from then on every write to the OLD table is retained for the stream.
     * Call it (or check {@link DebeziumCaptureHealth#slotReady()}) before moving the migration to DUAL_WRITE: a
     * bypass write before the slot exists is not seen.
     *
     * @throws IllegalStateException if it does not exist within the timeout, with the last failure
     */
    public void awaitSlot(Duration timeout) {
        awaitState(timeout, () -> slotReady, "the replication slot to be created");
    }

    /** Waits until this instance streams (it holds the lease and its engine started). */
    public void awaitStreaming(Duration timeout) {
        awaitState(timeout, () -> streaming, "the engine to stream");
    }

    private void awaitState(Duration timeout, java.util.function.BooleanSupplier state, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!state.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Timed out after " + timeout + " waiting for " + what + "; last error: " + lastError);
            }
            sleep(Duration.ofMillis(50));
        }
    }

    /** Stops streaming on this instance; the slot and the publication stay, another instance may take over. */
    @Override
    public void close() {
        Thread running;
        synchronized (lock) {
            closed = true;
            running = supervisor;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Ends capture for good: stops streaming here, then drops the replication slot and the publication and deletes
     * the offset file. Do it when the migration no longer copies bypass writes (DROP_OLD, or finished) and after
     * every other instance stopped its capture: PostgreSQL refuses to drop a slot another session streams.
     */
    public void dropReplication() {
        close();
        ReplicationNames known = names();
        try (Connection c = settings.connect();
                PreparedStatement slot = c.prepareStatement(
                        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?");
                Statement statement = c.createStatement()) {
            slot.setString(1, known.slot());
            slot.execute();
            statement.execute("DROP PUBLICATION IF EXISTS " + known.publication());
            Files.deleteIfExists(offsetFile(known));
            slotReady = false;
            log.info("Dropped the replication slot and the publication {}", known.slot());
        } catch (SQLException | IOException e) {
            throw new IllegalStateException(
                    "Could not drop the replication slot and publication " + known.slot()
                            + " (if another instance still streams it, stop its capture first): " + e.getMessage(),
                    e);
        }
    }

    /** Creates the slot and publication where absent, takes the lease, streams; after a failure, again later. */
    private void supervise() {
        while (!closed) {
            try {
                if (!slotReady) {
                    ensureReplication();
                    slotReady = true;
                }
                StreamLease lease = StreamLease.tryAcquire(settings, names().slot());
                if (lease != null) {
                    try (lease) {
                        stream(lease);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                lastError = e.toString();
                log.warn(
                        "Migration '{}': capture from the replication stream failed, retrying in {}: {}",
                        capture().name(),
                        retry,
                        e.toString());
            } catch (InterruptedException e) {
                break;
            }
            if (!closed) {
                sleep(retry);
            }
        }
        streaming = false;
    }

    private void stream(StreamLease lease) throws InterruptedException {
        OwnWrites own =
                new OwnWrites(capture().ddl().keyColumn(), capture().ddl().columns());
        DebeziumEngine<RecordChangeEvent<SourceRecord>> built = DebeziumEngine.create(
                        ChangeEventFormat.of(Connect.class))
                .using(engineProperties())
                .notifying((records, committer) -> {
                    handle(own, records);
                    for (RecordChangeEvent<SourceRecord> record : records) {
                        committer.markProcessed(record);
                    }
                    committer.markBatchFinished();
                })
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void pollingStarted() {
                        streaming = true;
                        lastError = null;
                        log.info("Migration '{}': streaming slot {}", capture().name(), names().slot());
                    }

                    @Override
                    public void pollingStopped() {
                        streaming = false;
                    }
                })
                .using((success, message, error) -> {
                    if (!success) {
                        lastError = message + (error == null ? "" : ": " + error);
                    }
                })
                .build();
        engine = built;
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread thread =
                    new Thread(r, "dualwrite-debezium-engine-" + capture().name());
            thread.setDaemon(true);
            return thread;
        });
        try {
            Future<?> running = runner.submit(built);
            for (int tick = 1; !closed && !running.isDone(); tick++) {
                if (tick % 8 == 0 && !lease.held()) {
                    log.warn(
                            "Migration '{}': lost the lease of slot {} (its session ended); stopping the engine",
                            capture().name(),
                            names().slot());
                    break;
                }
                Thread.sleep(250);
            }
        } finally {
            streaming = false;
            try {
                built.close();
            } catch (IOException | RuntimeException e) {
                log.debug("Closing the engine failed", e);
            }
            runner.shutdown();
            if (!runner.awaitTermination(30, TimeUnit.SECONDS)) {
                runner.shutdownNow();
            }
            engine = null;
        }
    }

    /** Records the bypass writes of one batch before the batch counts as processed: a failure replays it. */
    private void handle(OwnWrites own, List<RecordChangeEvent<SourceRecord>> records) {
        List<String> keys = new ArrayList<>();
        long bypass = 0;
        long skipped = 0;
        long same = 0;
        @Nullable Long commitMillis = null;
        for (RecordChangeEvent<SourceRecord> event : records) {
            OwnWrites.Classified classified = own.classify(event.record());
            switch (classified.kind()) {
                case BYPASS -> {
                    keys.addAll(classified.keys());
                    bypass++;
                }
                case OWN -> skipped++;
                case UNCHANGED -> same++;
                case MARKER, OTHER -> {
                    // nothing to record
                }
            }
            if (classified.commitMillis() != null) {
                commitMillis = classified.commitMillis();
            }
        }
        capture().record(keys);
        bypassChanges.addAndGet(bypass);
        ownChanges.addAndGet(skipped);
        unchanged.addAndGet(same);
        Instant now = clock.instant();
        if (commitMillis != null) {
            lastEventAt = now;
            lag = Duration.between(Instant.ofEpochMilli(commitMillis), now).isNegative()
                    ? Duration.ZERO
                    : Duration.between(Instant.ofEpochMilli(commitMillis), now);
        }
    }

    private Properties engineProperties() {
        ReplicationNames known = names();
        Properties p = new Properties();
        p.setProperty("name", known.slot());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("offset.storage.file.filename", offsetFile(known).toString());
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("database.hostname", settings.host());
        p.setProperty("database.port", Integer.toString(settings.port()));
        p.setProperty("database.user", settings.user());
        p.setProperty("database.password", settings.password());
        p.setProperty("database.dbname", settings.database());
        p.setProperty("topic.prefix", "dualwrite");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", known.slot());
        p.setProperty("publication.name", known.publication());
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", qualifiedTable().replace(".", "\\."));
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("message.prefix.include.list", io.dualwrite.core.jdbc.WriterMarker.LOG_MESSAGE_PREFIX);
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("heartbeat.interval.ms", Long.toString(heartbeat.toMillis()));
        return p;
    }

    private void ensureReplication() throws SQLException {
        ReplicationNames known = names();
        try (Connection c = settings.connect()) {
            c.setAutoCommit(true);
            if (!exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", known.publication())) {
                try (Statement statement = c.createStatement()) {
                    statement.execute("CREATE PUBLICATION " + known.publication() + " FOR TABLE " + qualifiedTable());
                } catch (SQLException e) {
                    if (!exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", known.publication())) {
                        throw e; // not created meanwhile by another instance
                    }
                }
                log.info("Created the publication {} for {}", known.publication(), qualifiedTable());
            }
            if (!exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", known.slot())) {
                try (PreparedStatement statement =
                        c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
                    statement.setString(1, known.slot());
                    statement.execute();
                } catch (SQLException e) {
                    if (!exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", known.slot())) {
                        throw e;
                    }
                }
                log.warn(
                        "Created the replication slot {}: it retains WAL until it is read; drop it when the"
                                + " migration is done (DebeziumCapture.dropReplication(), docs/debezium.md)",
                        known.slot());
            }
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    private String qualifiedTable() {
        String table = capture().ddl().table().toLowerCase(Locale.ROOT);
        return table.contains(".") ? table : schema + "." + table;
    }

    private Path offsetFile(ReplicationNames known) {
        Path file = offsetFile != null
                ? offsetFile
                : Path.of(System.getProperty("java.io.tmpdir"), "dualwrite-debezium", known.slot() + ".offsets");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Cannot create the directory of the offset file " + file + ": " + e.getMessage()
                            + "; set DebeziumCapture.builder(...).offsetFile(...) to a writable path",
                    e);
        }
        return file;
    }

    private BypassCapture<?, ?, ?> capture() {
        BypassCapture<?, ?, ?> known = capture;
        if (known == null) {
            throw new IllegalStateException("DebeziumCapture is not started");
        }
        return known;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of a {@link DebeziumCapture}; each has a default that suits one small instance. */
    public static final class Builder {

        private final ConnectionSettings settings;
        private String schema = "public";
        private @Nullable Path offsetFile;
        private Duration retry = Duration.ofSeconds(5);
        private Duration heartbeat = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();

        private Builder(ConnectionSettings settings) {
            this.settings = settings;
        }

        /** The schema of an unqualified OLD table. Default: {@code public}. */
        public Builder schema(String schema) {
            if (schema == null || !schema.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("The schema must be a plain identifier, but was '" + schema + "'");
            }
            this.schema = schema.toLowerCase(Locale.ROOT);
            return this;
        }

        /**
         * Where this instance keeps the engine's offsets. Default: {@code <java.io.tmpdir>/dualwrite-debezium/<slot>
         * .offsets}; losing it only means resuming from the slot's confirmed position.
         */
        public Builder offsetFile(Path file) {
            this.offsetFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /** How long to wait after a failure, and between attempts to take the lease. Default: 5 s. */
        public Builder retry(Duration retry) {
            this.retry = positive(retry, "retry");
            return this;
        }

        /**
         * How often the engine confirms its position to the slot when the table is quiet (so that the slot does not
         * retain WAL of other tables' writes). Default: 10 s.
         */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = positive(heartbeat, "heartbeat");
            return this;
        }

        /** The clock of {@link DebeziumCaptureHealth#lastEventAt()}. Default: the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public DebeziumCapture build() {
            return new DebeziumCapture(this);
        }

        private static Duration positive(Duration value, String what) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException("The " + what + " must be positive, but was " + value);
            }
            return value;
        }
    }
}
