package io.dualwrite.batch;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.backfill.BackfillPartition;
import io.dualwrite.core.backfill.KeyRanges;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.store.MigrationStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Splits a migration's verification into partitions: {@code gridSize} ranges of OLD's keys along OLD's order
 * ({@code old0}, ...; each compared with NEW by equality: missing in NEW, different) and {@code gridSize} ranges of
 * NEW's keys along NEW's order ({@code new0}, ...; each looked up in OLD: extra in NEW), up to each side's greatest key
 * now, as {@link io.dualwrite.core.verify.Verifier#verify} walks them. No two keys are ordered in Java. Keys written
 * after the split above a side's greatest key are dual writes and are not verified by this run.
 */
public final class VerificationPartitioner implements Partitioner {

    private final DualWrite dualWrite;
    private final String migration;

    public VerificationPartitioner(DualWrite dualWrite, String migration) {
        this.dualWrite = Objects.requireNonNull(dualWrite, "dualWrite");
        this.migration = Objects.requireNonNull(migration, "migration");
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        int count = Partitions.requirePositive(gridSize);
        if (!dualWrite.hasVerification()) {
            throw new IllegalStateException("The DualWrite of migration '" + migration
                    + "' has no verification store: build it with DualWriteBuilder.verificationStore(...) (the"
                    + " starter does with a DataSource)");
        }
        Migration<?, ?, ?> definition = dualWrite.managed(migration).migration();
        long version = dualWrite.managed(migration).state().version();
        Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
        contexts.putAll(sides(definition, count));
        contexts.values().forEach(context -> context.putLong(PartitionKeys.PHASE_VERSION, version));
        return contexts;
    }

    private <K> Map<String, ExecutionContext> sides(Migration<K, ?, ?> definition, int count) {
        Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
        contexts.putAll(side(definition, definition.oldStore(), Side.OLD, count));
        contexts.putAll(side(definition, definition.newStore(), Side.NEW, count));
        return contexts;
    }

    private <K> Map<String, ExecutionContext> side(
            Migration<K, ?, ?> definition, MigrationStore<K, ?> store, Side side, int count) {
        List<BackfillPartition.Range> ranges = store.maxKey()
                .map(upper -> KeyRanges.split(store, definition.keyCodec(), null, upper, store.estimateSize(), count))
                .orElse(List.of());
        Map<String, ExecutionContext> contexts =
                Partitions.contexts(side.name().toLowerCase(java.util.Locale.ROOT), migration, ranges, count);
        contexts.values().forEach(context -> context.putString(PartitionKeys.SIDE, side.name()));
        return contexts;
    }
}
