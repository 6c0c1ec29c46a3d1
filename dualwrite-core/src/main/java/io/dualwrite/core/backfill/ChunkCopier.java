package io.dualwrite.core.backfill;

import org.jspecify.annotations.Nullable;

/** Copies one chunk of a backfill; the strategy depends on where the mapping runs (Java or SQL). */
interface ChunkCopier<K> {

    /**
     * Copies up to {@code size} rows with keys in ({@code after}, {@code upper}], holding shared locks on them until
     * the copy committed.
     */
    Chunk<K> copy(@Nullable K after, K upper, int size);

    /**
     * A copied chunk.
     *
     * @param rows the OLD rows the chunk covered
     * @param lastKey the greatest key covered, the next checkpoint
     * @param exhausted whether no row remains up to the upper key
     */
    record Chunk<K>(int rows, @Nullable K lastKey, boolean exhausted) {}
}
