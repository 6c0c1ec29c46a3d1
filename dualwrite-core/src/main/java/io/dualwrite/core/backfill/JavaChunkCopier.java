package io.dualwrite.core.backfill;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.store.MigrationStore;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads a chunk of OLD rows under shared locks, maps them in Java and inserts them into NEW where absent, committing
 * NEW before OLD's locks are released.
 */
final class JavaChunkCopier<K, O, N> implements ChunkCopier<K> {

    private final Migration<K, O, N> migration;

    JavaChunkCopier(Migration<K, O, N> migration) {
        this.migration = migration;
    }

    @Override
    public Chunk<K> copy(@Nullable K after, K upper, int size) {
        MigrationStore<K, O> oldStore = migration.oldStore();
        MigrationStore<K, N> newStore = migration.newStore();
        return oldStore.transactions().inTransaction(() -> {
            List<O> rows = oldStore.scanLocked(after, upper, size);
            if (rows.isEmpty()) {
                return new Chunk<>(0, after, true);
            }
            List<N> mapped = rows.stream().map(migration::toNew).toList();
            newStore.transactions().inTransaction(() -> newStore.insertAbsent(mapped));
            // Only an empty chunk proves the range exhausted: a short one may stem from rows deleted meanwhile.
            return new Chunk<>(rows.size(), oldStore.keyOf(rows.get(rows.size() - 1)), false);
        });
    }
}
