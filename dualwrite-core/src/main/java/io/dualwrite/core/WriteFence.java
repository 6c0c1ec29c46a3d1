package io.dualwrite.core;

import io.dualwrite.core.model.WriteFenceException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Stops this instance's writes of a migration once it has not reported to the instance registry for
 * {@link #fenceAfter}. While it reports, the others wait for it at the barrier, so even a phase it has not refreshed
 * yet is safe to route by; once it cannot, the others stop waiting for it after the instance timeout, so the fence
 * closes a safety margin (two heartbeats) before that, and no write is routed by a phase the others may have left.
 * Without an instance registry there is no barrier to keep, and no fence. The margin assumes the instances' clocks
 * agree to well within it.
 *
 * <p>The phase and registry tables live in the database of the phase store and the registry (the Spring Boot
 * starter's primary {@code DataSource}). When that database is down no move can commit, but an instance cannot
 * tell that from being cut off from it alone, so every instance that cannot reach it stops writing after
 * {@link #fenceAfter}: keep those tables in the source of truth's database, whose outage stops the writes anyway.
 */
final class WriteFence {

    private final @Nullable Duration fenceAfter;
    private final Clock clock;
    private final Map<String, Instant> confirmed = new ConcurrentHashMap<>();

    private WriteFence(@Nullable Duration fenceAfter, Clock clock) {
        this.fenceAfter = fenceAfter;
        this.clock = clock;
    }

    /** No fence: an instance without a registry. */
    static WriteFence none(Clock clock) {
        return new WriteFence(null, clock);
    }

    /** A fence that closes two heartbeats before the instance timeout (at least one heartbeat after the last). */
    static WriteFence beforeTimeout(Duration heartbeatInterval, Duration instanceTimeout, Clock clock) {
        Duration margin = heartbeatInterval.multipliedBy(2);
        Duration after = instanceTimeout.minus(margin);
        if (after.compareTo(heartbeatInterval) < 0) {
            after = heartbeatInterval;
        }
        return new WriteFence(after, clock);
    }

    /** Records that this instance reported the phase it applies to the migration at {@code at}. */
    void confirmed(String migration, Instant at) {
        confirmed.merge(migration, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /**
     * Refuses a write of the migration when its phase was not confirmed within the fence interval.
     *
     * @throws WriteFenceException naming the migration, the last confirmation and the fix
     */
    void check(String migration) {
        if (fenceAfter == null) {
            return;
        }
        Instant last = confirmed.get(migration);
        Instant now = clock.instant();
        if (last == null || last.plus(fenceAfter).isBefore(now)) {
            throw new WriteFenceException("Migration '" + migration + "': this instance has not reported its phase"
                    + " to the instance registry since " + last + " (more than " + fenceAfter
                    + "), and the other instances stop waiting for it soon after, so it refuses writes rather than"
                    + " route them by a phase the others may have left; nothing was written. Writes resume once the"
                    + " database holding dualwrite's tables answers again.");
        }
    }
}
