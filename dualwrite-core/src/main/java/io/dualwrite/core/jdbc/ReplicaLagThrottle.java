package io.dualwrite.core.jdbc;

import io.dualwrite.core.backfill.BackfillThrottle;
import io.dualwrite.core.backfill.ThrottleReason;
import io.dualwrite.core.internal.CachedSupplier;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Holds the backfill back while a replica lags more than allowed, asking at most once per {@code checkEvery}.
 *
 * <ul>
 *   <li>{@link #postgres}: on the primary, the greatest {@code replay_lag} of {@code pg_stat_replication} (the
 *       time between a commit on the primary and its replay on a standby). No row (no replica) means no lag. A
 *       standby that has caught up and is idle reports a null lag, counted as none; the detail also names the
 *       bytes not yet replayed ({@code pg_wal_lsn_diff}).
 *   <li>{@link #mariadb}: on a configured connection to the replica, {@code Seconds_Behind_Master} of
 *       {@code SHOW REPLICA STATUS}. A null value (replication stopped or broken) counts as lagging: the lag is
 *       unknown. No status (not a replica) means no lag.
 * </ul>
 */
public final class ReplicaLagThrottle implements BackfillThrottle {

    private final Supplier<Optional<String>> lag;

    private ReplicaLagThrottle(Supplier<Optional<String>> check, Duration checkEvery, Clock clock) {
        this.lag = new CachedSupplier<>(check, checkEvery, clock);
    }

    /** A throttle on the replicas of the PostgreSQL primary {@code primary}. */
    public static ReplicaLagThrottle postgres(DataSource primary, Duration maxLag, Duration checkEvery, Clock clock) {
        Objects.requireNonNull(primary, "primary");
        requirePositive(maxLag);
        return new ReplicaLagThrottle(() -> postgresLag(primary, maxLag), checkEvery, clock);
    }

    /** A throttle on the MariaDB replica {@code replica} (a connection to the replica itself). */
    public static ReplicaLagThrottle mariadb(DataSource replica, Duration maxLag, Duration checkEvery, Clock clock) {
        Objects.requireNonNull(replica, "replica");
        requirePositive(maxLag);
        return new ReplicaLagThrottle(() -> mariadbLag(replica, maxLag), checkEvery, clock);
    }

    /** The PostgreSQL query: each standby's replay lag in seconds (null when idle) and its unreplayed bytes. */
    static final String POSTGRES_LAG_SQL = "SELECT application_name, EXTRACT(EPOCH FROM replay_lag),"
            + " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication";

    static Optional<String> postgresLag(DataSource primary, Duration maxLag) {
        try (var c = primary.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(POSTGRES_LAG_SQL)) {
            String worst = null;
            double worstSeconds = -1;
            while (rs.next()) {
                double seconds = rs.getDouble(2);
                if (rs.wasNull()) {
                    seconds = 0;
                }
                long bytes = rs.getLong(3);
                if (seconds > worstSeconds) {
                    worstSeconds = seconds;
                    worst = rs.getString(1) + " " + Math.round(seconds * 1000) + " ms (" + bytes + " bytes)";
                }
            }
            if (worst != null && worstSeconds * 1000 > maxLag.toMillis()) {
                return Optional.of("replica " + worst + " behind, more than " + maxLag.toMillis() + " ms");
            }
            return Optional.empty();
        } catch (java.sql.SQLException e) {
            throw new io.dualwrite.core.model.StoreException("Reading pg_stat_replication failed: " + e, e);
        }
    }

    static Optional<String> mariadbLag(DataSource replica, Duration maxLag) {
        try (var c = replica.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW REPLICA STATUS")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            long seconds = rs.getLong("Seconds_Behind_Master");
            if (rs.wasNull()) {
                return Optional.of("replica reports no Seconds_Behind_Master (replication not running)");
            }
            if (seconds * 1000 > maxLag.toMillis()) {
                return Optional.of("replica " + seconds + " s behind, more than " + maxLag.toMillis() + " ms");
            }
            return Optional.empty();
        } catch (java.sql.SQLException e) {
            throw new io.dualwrite.core.model.StoreException("Reading the replica status failed: " + e, e);
        }
    }

    private static void requirePositive(Duration maxLag) {
        if (maxLag == null || maxLag.isZero() || maxLag.isNegative()) {
            throw new IllegalArgumentException("maxLag must be positive, but was " + maxLag);
        }
    }

    @Override
    public ThrottleReason reason() {
        return ThrottleReason.REPLICA_LAG;
    }

    @Override
    public Optional<String> check() {
        return lag.get();
    }
}
