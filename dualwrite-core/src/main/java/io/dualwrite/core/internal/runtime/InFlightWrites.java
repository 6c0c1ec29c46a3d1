package io.dualwrite.core.internal.runtime;

import io.dualwrite.core.phase.PhaseState;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The writes under way on this instance, by migration and the phase version they were routed by. An instance
 * applies a version only once no write routed by an older one is still under way: a heartbeat reports the oldest
 * version in flight, so that the barrier does not pass while an old-phase write can still commit.
 *
 * <p>A write takes its phase and registers under it in one step ({@link #enter}), and a heartbeat reads the current
 * phase and the writes under way in one step ({@link #appliedVersion}): without that, a write could read the old
 * phase, a heartbeat then report the new version, and the write register under the old one too late.
 */
public final class InFlightWrites {

    private final Map<String, Map<Long, AtomicInteger>> writes = new ConcurrentHashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    /**
     * Takes the phase a write is routed by and records the write under it, atomically with respect to
     * {@link #appliedVersion}; call {@link #exit} when the write ends, in a {@code finally}.
     */
    public PhaseState enter(String migration, Supplier<PhaseState> phase) {
        lock.readLock().lock();
        try {
            PhaseState state = phase.get();
            writes.computeIfAbsent(migration, m -> new ConcurrentHashMap<>()).compute(state.version(), (v, count) -> {
                AtomicInteger counted = count == null ? new AtomicInteger() : count;
                counted.incrementAndGet();
                return counted;
            });
            return state;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Records the end of a write recorded by {@link #enter}. */
    public void exit(String migration, long version) {
        Map<Long, AtomicInteger> byVersion = writes.get(migration);
        byVersion.computeIfPresent(version, (v, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    /**
     * The phase version this instance applies: {@code current}'s, or, while a write routed by an older version is
     * still under way, that older version. {@code current} should not read from the store: it runs while new writes
     * wait.
     */
    public long appliedVersion(String migration, Supplier<PhaseState> current) {
        lock.writeLock().lock();
        try {
            long version = current.get().version();
            Map<Long, AtomicInteger> byVersion = writes.get(migration);
            if (byVersion == null) {
                return version;
            }
            return byVersion.keySet().stream().mapToLong(Long::longValue).reduce(version, Math::min);
        } finally {
            lock.writeLock().unlock();
        }
    }
}
