package io.dualwrite.core.backfill;

import org.jspecify.annotations.Nullable;

/**
 * Copies one chunk of a backfill; the strategy depends on where the mapping runs: in Java (the default), or inside
 * the database when the migration declares a {@link io.dualwrite.core.model.SqlMapping} (implemented beside the JDBC
 * stores, which know their SQL). An implementation must keep the copy's race-safety argument: read OLD's rows under
 * shared locks held until NEW's rows committed, and insert only keys NEW lacks.
 */
public interface ChunkCopier<K> {

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
