package io.dualwrite.batch;

import io.dualwrite.core.backfill.BackfillPartition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** Turns key ranges into partition contexts, always exactly as many as asked for, named stably. */
final class Partitions {

    private Partitions() {}

    /**
     * One context per range, padded with empty partitions up to {@code count}: a restarted job asks the partitioner
     * again and restores each partition's context by name, so the names must not depend on how many ranges the
     * table yields today (a name missing on restart would leave its range uncopied).
     */
    static Map<String, ExecutionContext> contexts(
            String prefix, String migration, List<BackfillPartition.Range> ranges, int count) {
        Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            ExecutionContext context = new ExecutionContext();
            context.putString(PartitionKeys.MIGRATION, migration);
            context.putInt(PartitionKeys.NUMBER, i);
            if (i < ranges.size()) {
                BackfillPartition.Range range = ranges.get(i);
                if (range.lowerKey() != null) {
                    context.putString(PartitionKeys.LOWER_KEY, range.lowerKey());
                }
                context.putString(PartitionKeys.UPPER_KEY, range.upperKey());
            }
            contexts.put(prefix + i, context);
        }
        return contexts;
    }

    static int requirePositive(int gridSize) {
        if (gridSize < 1) {
            throw new IllegalArgumentException("gridSize (the number of partitions) must be at least 1, but was "
                    + gridSize + ": set it on the partition step (gridSize)");
        }
        return gridSize;
    }
}
