package io.dualwrite.core.internal.runtime;

import io.dualwrite.core.model.StoreException;
import io.dualwrite.core.model.UnknownMigrationException;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's view of every migration's phase: read from the {@link PhaseStore} at most once per refresh
 * interval per migration, so that a transition committed by any instance is applied here within that interval.
 *
 * <p>When the store cannot be read, the last known state is kept and a warning is logged: the routing goes on with
 * the phase it had, rather than failing every request of the application.
 */
public final class PhaseCache {

    private static final Logger log = LoggerFactory.getLogger(PhaseCache.class);

    private final PhaseStore store;
    private final Duration refreshInterval;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public PhaseCache(PhaseStore store, Duration refreshInterval, Clock clock) {
        if (refreshInterval.isNegative()) {
            throw new IllegalArgumentException("refreshInterval must not be negative, but was " + refreshInterval);
        }
        this.store = store;
        this.refreshInterval = refreshInterval;
        this.clock = clock;
    }

    /** The phase state of a migration, no older than the refresh interval unless the store is unreachable. */
    public PhaseState current(String migration) {
        Cached cached = cache.get(migration);
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cached.loadedAt().plus(refreshInterval))) {
            return cached.state();
        }
        return load(migration, cached, now);
    }

    /** Reads the state from the store now, whatever the age of the cached one. */
    public PhaseState refresh(String migration) {
        return load(migration, cache.get(migration), clock.instant());
    }

    /** Takes a state this instance just committed, so that it applies it at once. */
    public void accept(PhaseState state) {
        put(state.migration(), new Cached(state, clock.instant()));
    }

    /** The cached state, read from the store only if nothing is cached yet. */
    public PhaseState cached(String migration) {
        Cached cached = cache.get(migration);
        return cached != null ? cached.state() : current(migration);
    }

    public Duration refreshInterval() {
        return refreshInterval;
    }

    private PhaseState load(String migration, Cached previous, Instant now) {
        try {
            PhaseState state = store.find(migration)
                    .orElseThrow(() -> new UnknownMigrationException(migration, List.copyOf(cache.keySet())));
            if (previous != null && previous.state().version() != state.version()) {
                log.info(
                        "Migration '{}' is now in phase {} (version {}, was {})",
                        migration,
                        state.phase(),
                        state.version(),
                        previous.state().phase());
            }
            return put(migration, new Cached(state, now)).state();
        } catch (StoreException e) {
            if (previous == null) {
                throw e;
            }
            log.warn(
                    "Could not refresh the phase of migration '{}'; keeping {} and retrying in {}: {}",
                    migration,
                    previous.state().phase(),
                    refreshInterval,
                    e.getMessage());
            return put(migration, new Cached(previous.state(), now)).state();
        }
    }

    /** Stores the entry unless a newer version is cached already (two loads may finish out of order). */
    private Cached put(String migration, Cached fresh) {
        return cache.merge(
                migration,
                fresh,
                (old, candidate) -> old.state().version() > candidate.state().version()
                        ? new Cached(old.state(), candidate.loadedAt())
                        : candidate);
    }

    /** @param loadedAt when the entry was last loaded or a load was last tried (the refresh interval runs from it) */
    private record Cached(PhaseState state, Instant loadedAt) {}
}
