package io.dualwrite.core.jdbc;

import io.dualwrite.core.phase.PhaseNotifications;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PhaseNotifications} by PostgreSQL's LISTEN/NOTIFY: {@link JdbcPhaseStore} notifies channel
 * {@value #CHANNEL} with the migration's name inside every transition's transaction, so listeners hear of it when
 * it commits. Holds one connection of the data source for as long as it listens, and reconnects (re-reading every
 * migration) when that connection breaks.
 */
public final class PostgresPhaseNotifications implements PhaseNotifications {

    /** The channel transitions are announced on. */
    public static final String CHANNEL = "dualwrite_phase";

    private static final Logger log = LoggerFactory.getLogger(PostgresPhaseNotifications.class);
    private static final int POLL_MILLIS = 500;

    private final DataSource dataSource;
    private volatile boolean running;
    private @Nullable Thread listener;

    public PostgresPhaseNotifications(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public synchronized void start(Consumer<@Nullable String> changed) {
        if (listener != null) {
            return;
        }
        running = true;
        listener = new Thread(() -> listen(changed), "dualwrite-phase-notifications");
        listener.setDaemon(true);
        listener.start();
    }

    private void listen(Consumer<@Nullable String> changed) {
        boolean warned = false;
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                changed.accept(null); // anything committed before LISTEN took effect
                warned = false;
                PGConnection postgres = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = postgres.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            changed.accept(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running && !warned) {
                    log.warn(
                            "Listening for phase changes failed; the refresh interval bounds propagation until it"
                                    + " reconnects: {}",
                            e.toString());
                    warned = true;
                }
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (listener != null) {
            listener.interrupt();
            listener = null;
        }
    }
}
