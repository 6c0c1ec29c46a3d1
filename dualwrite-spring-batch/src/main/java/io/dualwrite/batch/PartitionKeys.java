package io.dualwrite.batch;

import io.dualwrite.core.store.KeyCodec;
import org.jspecify.annotations.Nullable;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The entries a partition's {@link ExecutionContext} holds. The partitioner writes the bounds; the worker step adds
 * its checkpoint and counters after every chunk, and the JobRepository commits them with the chunk's step update, so
 * a restarted partition resumes after {@link #LAST_KEY}. Keys are encoded with the migration's {@link KeyCodec}.
 */
public final class PartitionKeys {

    /** The migration's name. */
    public static final String MIGRATION = "dualwrite.migration";
    /** The partition's place in key order, from 0. */
    public static final String NUMBER = "dualwrite.partition";
    /** The greatest key below the partition, exclusive; absent for the first partition. */
    public static final String LOWER_KEY = "dualwrite.lowerKey";
    /** The greatest key of the partition, inclusive; absent for an empty partition. */
    public static final String UPPER_KEY = "dualwrite.upperKey";
    /** The last key done, where a restart resumes; absent before the first chunk. */
    public static final String LAST_KEY = "dualwrite.lastKey";
    /** Which walk a verification partition belongs to: {@code OLD} or {@code NEW}. */
    public static final String SIDE = "dualwrite.side";
    /** When the backfill this partition copies for started (its identity): a restarted backfill is another copy. */
    public static final String BACKFILL_STARTED_AT = "dualwrite.backfillStartedAt";
    /** The phase version a verification partition was planned in: its findings are evidence for that version only. */
    public static final String PHASE_VERSION = "dualwrite.phaseVersion";
    /** Chunks done in this partition, summed over its runs. */
    public static final String CHUNKS = "dualwrite.chunks";
    /** Rows (or keys) done in this partition, summed over its runs; a replayed chunk counts again. */
    public static final String ROWS = "dualwrite.rows";
    /** Divergences a verification partition reported, summed over its runs. */
    public static final String DIVERGENCES = "dualwrite.divergences";
    /** Keys a verification partition found in flight, summed over its runs. */
    public static final String IN_FLIGHT = "dualwrite.inFlight";

    private PartitionKeys() {}

    /** Where the partition's next chunk starts: after its checkpoint, else after its lower bound, else the first key. */
    static <K> @Nullable K resumeAfter(ExecutionContext context, KeyCodec<K> codec) {
        String text = context.containsKey(LAST_KEY)
                ? context.getString(LAST_KEY)
                : context.containsKey(LOWER_KEY) ? context.getString(LOWER_KEY) : null;
        return text == null ? null : codec.decode(text);
    }

    static void add(ExecutionContext context, String key, long delta) {
        context.putLong(key, context.getLong(key, 0L) + delta);
    }
}
