package io.dualwrite.core.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * At most {@code limit} permits per second, never waiting: a permit beyond the limit is refused at once. Cheap
 * enough to ask on every request (one clock read and one atomic increment), unlike a general rate limiter that
 * backs off on contention.
 */
public final class PerSecondBudget {

    private final long limit;
    private final AtomicLong window = new AtomicLong(-1);
    private final AtomicLong used = new AtomicLong();

    public PerSecondBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
        }
        this.limit = limit;
    }

    /** Takes a permit if this second has one left. */
    public boolean tryAcquire() {
        long second = System.nanoTime() / 1_000_000_000L;
        long current = window.get();
        if (current != second && window.compareAndSet(current, second)) {
            used.set(0);
        }
        return used.incrementAndGet() <= limit;
    }
}
