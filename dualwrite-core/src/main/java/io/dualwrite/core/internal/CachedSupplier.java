package io.dualwrite.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** A value computed at most once per period, for state that is read often and changes slowly. */
public final class CachedSupplier<T> implements Supplier<T> {

    private final Supplier<T> source;
    private final Duration maxAge;
    private final Clock clock;
    private volatile T value;
    private volatile Instant computedAt = Instant.MIN;

    public CachedSupplier(Supplier<T> source, Duration maxAge, Clock clock) {
        this.source = source;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public T get() {
        Instant now = clock.instant();
        if (value == null || now.isAfter(computedAt.plus(maxAge))) {
            value = source.get();
            computedAt = now;
        }
        return value;
    }
}
