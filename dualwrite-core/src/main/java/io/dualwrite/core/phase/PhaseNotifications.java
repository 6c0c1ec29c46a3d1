package io.dualwrite.core.phase;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Tells an instance at once that a migration's phase changed, so that it applies a transition committed elsewhere
 * within milliseconds instead of at its next refresh. The refresh interval stays the bound when a notification is
 * lost. Implementation: {@link io.dualwrite.core.jdbc.PostgresPhaseNotifications} (LISTEN/NOTIFY).
 */
public interface PhaseNotifications extends AutoCloseable {

    /**
     * Starts listening; {@code changed} receives the name of each migration whose phase changed, or null when
     * notifications may have been missed (after a reconnect) and every migration should be re-read.
     */
    void start(Consumer<@Nullable String> changed);

    /** Stops listening. */
    @Override
    void close();
}
