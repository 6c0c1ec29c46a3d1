package io.dualwrite.core.phase;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writes under way on this instance, by migration and the phase version they were routed by. An instance
 * applies a version only once no write routed by an older one is still under way: a heartbeat reports the oldest
 * version in flight, so that the barrier does not pass while an old-phase write can still commit.
 */
public final class InFlightWrites {

    private final Map<String, Map<Long, AtomicInteger>> writes = new ConcurrentHashMap<>();

    /** Records a write routed by {@code version}; call {@link #exit} when it ends, in a {@code finally}. */
    public void enter(String migration, long version) {
        writes.computeIfAbsent(migration, m -> new ConcurrentHashMap<>()).compute(version, (v, count) -> {
            AtomicInteger counted = count == null ? new AtomicInteger() : count;
            counted.incrementAndGet();
            return counted;
        });
    }

    /** Records the end of a write recorded by {@link #enter}. */
    public void exit(String migration, long version) {
        Map<Long, AtomicInteger> byVersion = writes.get(migration);
        byVersion.computeIfPresent(version, (v, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    /** The oldest version a write under way was routed by, or {@code current} when none is older. */
    public long appliedVersion(String migration, long current) {
        Map<Long, AtomicInteger> byVersion = writes.get(migration);
        if (byVersion == null) {
            return current;
        }
        return byVersion.keySet().stream().mapToLong(Long::longValue).reduce(current, Math::min);
    }
}
