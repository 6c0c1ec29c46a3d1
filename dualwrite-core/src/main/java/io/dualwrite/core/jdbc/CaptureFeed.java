package io.dualwrite.core.jdbc;

/**
 * A source of the keys that bypass writes changed, read from the database's own log instead of triggers (for
 * example dualwrite-debezium's {@code DebeziumCapture}, which streams PostgreSQL's logical replication). It hands
 * each changed key to {@link BypassCapture#record}; the drain then copies it as it copies a triggered one.
 *
 * <p>Registered with {@code DualWriteBuilder.captureBypassWrites(migration, feed)}: the instance creates the capture
 * table, installs no trigger, marks its own transactions in the log ({@link WriterMarker#enableLogMessages}) so that
 * the feed can leave them out, starts the feed with its background work and closes it with the instance. A feed's
 * failure must not break the instance: it logs and retries on its own.
 */
public interface CaptureFeed extends AutoCloseable {

    /** Starts feeding the capture (called once, from {@code DualWrite.startBackgroundWork()}); returns at once. */
    void start(BypassCapture<?, ?, ?> capture);

    /**
     * What the feed reports about itself on this instance, for the status (dualwrite-debezium: whether it streams,
     * whether the slot is ready, the last event and its lag, the counts, the last failure); values are strings,
     * numbers, booleans or null. Empty unless the feed says more.
     */
    default java.util.Map<String, @org.jspecify.annotations.Nullable Object> status() {
        return java.util.Map.of();
    }

    /** Stops feeding; the log keeps what was not read yet (called when the instance closes). */
    @Override
    void close();
}
