package io.dualwrite.core.internal;

import java.time.Duration;

/**
 * Sizes chunks towards a target time per chunk from a moving average of the time per row, as
 * pt-online-schema-change's {@code --chunk-time} does: a chunk grows at most twofold and shrinks at most to half
 * from one chunk to the next, within fixed bounds.
 */
public final class ChunkSizer {

    private static final double SMOOTHING = 0.3;

    private final int min;
    private final int max;
    private final double targetNanos;
    private int current;
    private double nanosPerRow = -1;

    public ChunkSizer(int initial, int min, int max, Duration target) {
        this.min = min;
        this.max = max;
        this.current = initial;
        this.targetNanos = target.toNanos();
    }

    /** The size of the next chunk. */
    public int next() {
        return current;
    }

    /** Learns from a finished chunk: {@code rows} rows took {@code elapsed}. */
    public void record(int rows, Duration elapsed) {
        if (rows <= 0) {
            return;
        }
        double observed = (double) elapsed.toNanos() / rows;
        nanosPerRow = nanosPerRow < 0 ? observed : SMOOTHING * observed + (1 - SMOOTHING) * nanosPerRow;
        double ideal = nanosPerRow <= 0 ? max : targetNanos / nanosPerRow;
        double bounded = Math.max(current / 2.0, Math.min(current * 2.0, ideal));
        current = (int) Math.max(min, Math.min(max, Math.round(bounded)));
    }

    /** Halves the next chunk, after a failure or a sign that the database is slowing down. */
    public void shrink() {
        current = Math.max(min, current / 2);
    }
}
