package io.dualwrite.core.backfill;

import io.dualwrite.core.store.KeyCodec;
import io.dualwrite.core.store.MigrationStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Splits a key range of a store into about equal partitions along the store's own key order (the database's, not
 * Java's): every boundary is a key the store itself returns a fixed number of places after the previous one
 * ({@link MigrationStore#keyAfter}), so the ranges ({@code lower}, b1], (b1, b2], ... (bn, {@code upper}] cover the
 * range exactly once whatever the keys' collation.
 */
public final class KeyRanges {

    private KeyRanges() {}

    /**
     * About {@code partitions} ranges of about {@code estimatedRows / partitions} keys each covering ({@code lower},
     * {@code upper}]; fewer when the range holds fewer keys, one when {@code partitions} is 1.
     *
     * @param lower the greatest key below the range, exclusive; null from the first key
     * @param upper the greatest key of the range, inclusive
     * @throws IllegalArgumentException if {@code partitions} is below 1
     */
    public static <K> List<BackfillPartition.Range> split(
            MigrationStore<K, ?> store,
            KeyCodec<K> codec,
            @Nullable K lower,
            K upper,
            long estimatedRows,
            int partitions) {
        Objects.requireNonNull(upper, "upper");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, but was " + partitions);
        }
        String upperKey = codec.encode(upper);
        List<BackfillPartition.Range> ranges = new ArrayList<>(partitions);
        K previous = lower;
        if (partitions > 1 && estimatedRows > 0) {
            long step = Math.max(1, (estimatedRows + partitions - 1) / partitions);
            int offset = (int) Math.min(Integer.MAX_VALUE, step - 1);
            for (int i = 1; i < partitions; i++) {
                Optional<K> boundary = store.keyAfter(previous, upper, offset);
                if (boundary.isEmpty() || codec.encode(boundary.get()).equals(upperKey)) {
                    break;
                }
                ranges.add(new BackfillPartition.Range(encode(codec, previous), codec.encode(boundary.get())));
                previous = boundary.get();
            }
        }
        ranges.add(new BackfillPartition.Range(encode(codec, previous), upperKey));
        return List.copyOf(ranges);
    }

    private static <K> @Nullable String encode(KeyCodec<K> codec, @Nullable K key) {
        return key == null ? null : codec.encode(key);
    }
}
