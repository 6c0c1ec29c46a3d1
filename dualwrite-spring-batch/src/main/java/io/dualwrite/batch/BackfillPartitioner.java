package io.dualwrite.batch;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillPartition;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.KeyRanges;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.store.KeyCodec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Splits a migration's backfill into {@code gridSize} partitions along OLD's own key order ({@link KeyRanges#split}),
 * the same ranges the in-app partitioned backfill uses: keys in ({@link PartitionKeys#LOWER_KEY},
 * {@link PartitionKeys#UPPER_KEY}] up to the backfill's fixed upper key.
 *
 * <p>Starts the backfill if nobody did ({@link Backfill#start()} fixes its upper key), and refuses with an
 * {@link IllegalStateException} when the migration is not in BACKFILL or its backfill is not RUNNING. Always returns
 * exactly {@code gridSize} partitions ({@code partition0}, ...), the ones past the table's rows empty, so that a
 * restarted job finds every partition again by name.
 */
public final class BackfillPartitioner implements Partitioner {

    private final DualWrite dualWrite;
    private final String migration;

    public BackfillPartitioner(DualWrite dualWrite, String migration) {
        this.dualWrite = Objects.requireNonNull(dualWrite, "dualWrite");
        this.migration = Objects.requireNonNull(migration, "migration");
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        int count = Partitions.requirePositive(gridSize);
        BackfillGuard.requireBackfillPhase(dualWrite, migration);
        Backfill<?, ?, ?> backfill = dualWrite.backfill(migration);
        BackfillProgress progress = backfill.start();
        BackfillGuard.requireRunning(progress);
        List<BackfillPartition.Range> ranges =
                progress.upperKey() == null ? List.of() : ranges(backfill.migration(), progress, count);
        Map<String, ExecutionContext> contexts = Partitions.contexts("partition", migration, ranges, count);
        if (progress.startedAt() != null) {
            String startedAt = progress.startedAt().toString();
            contexts.values().forEach(c -> c.putString(PartitionKeys.BACKFILL_STARTED_AT, startedAt));
        }
        return contexts;
    }

    private static <K> List<BackfillPartition.Range> ranges(
            Migration<K, ?, ?> migration, BackfillProgress progress, int count) {
        KeyCodec<K> codec = migration.keyCodec();
        return KeyRanges.split(
                migration.oldStore(),
                codec,
                null,
                codec.decode(Objects.requireNonNull(progress.upperKey())),
                progress.rowsEstimated(),
                count);
    }
}
