package io.dualwrite.batch;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.ChunkCopier;
import io.dualwrite.core.store.KeyCodec;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The worker step of a batch backfill: copies one chunk of its partition per call with {@link Backfill#copyChunk} (the
 * race-safe chunk of the in-app backfill: shared locks on OLD's rows until NEW's insert-if-absent committed) and
 * returns {@link RepeatStatus#CONTINUABLE} until the partition is done. After every chunk the partition's
 * {@link PartitionKeys#LAST_KEY} is in the step's ExecutionContext, which the JobRepository commits with the step's
 * update: a restarted job resumes each unfinished partition after it. A chunk copied but not yet checkpointed when
 * the worker died is copied again, which inserts nothing.
 *
 * <p>Before every chunk it checks that the migration is still in BACKFILL and its backfill RUNNING (a pause, a
 * cancel or a rollback fails the step with the reason; restart the job once the backfill runs again). A chunk that
 * gives up waiting for an application's row lock ({@link BackfillOptions#lockTimeout()}) is retried at half the size
 * after a back-off, as in the in-app copy; any other failure fails the step.
 */
public final class BackfillPartitionTasklet<K> implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(BackfillPartitionTasklet.class);

    private final DualWrite dualWrite;
    private final Backfill<K, ?, ?> backfill;
    private final int chunkSize;
    private final Duration pauseBetweenChunks;

    BackfillPartitionTasklet(
            DualWrite dualWrite, Backfill<K, ?, ?> backfill, int chunkSize, Duration pauseBetweenChunks) {
        this.dualWrite = Objects.requireNonNull(dualWrite, "dualWrite");
        this.backfill = Objects.requireNonNull(backfill, "backfill");
        this.chunkSize = chunkSize;
        this.pauseBetweenChunks = pauseBetweenChunks;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        if (!context.containsKey(PartitionKeys.UPPER_KEY)) {
            return RepeatStatus.FINISHED; // a partition past the table's rows
        }
        String migration = backfill.migration().name();
        BackfillGuard.requireBackfillPhase(dualWrite, migration);
        BackfillProgress progress = backfill.progress();
        BackfillGuard.requireRunning(progress);
        BackfillGuard.requireSameBackfill(
                progress,
                context.containsKey(PartitionKeys.BACKFILL_STARTED_AT)
                        ? context.getString(PartitionKeys.BACKFILL_STARTED_AT)
                        : null);
        KeyCodec<K> codec = backfill.migration().keyCodec();
        K upper = codec.decode(context.getString(PartitionKeys.UPPER_KEY));
        K after = PartitionKeys.resumeAfter(context, codec);
        ChunkCopier.Chunk<K> chunk = copy(after, upper);
        contribution.incrementWriteCount(chunk.rows());
        PartitionKeys.add(context, PartitionKeys.CHUNKS, 1);
        PartitionKeys.add(context, PartitionKeys.ROWS, chunk.rows());
        if (chunk.lastKey() != null) {
            context.putString(PartitionKeys.LAST_KEY, codec.encode(chunk.lastKey()));
        }
        if (chunk.rows() == 0 || chunk.exhausted()) {
            return RepeatStatus.FINISHED;
        }
        if (!pauseBetweenChunks.isZero()) {
            Thread.sleep(pauseBetweenChunks.toMillis());
        }
        return RepeatStatus.CONTINUABLE;
    }

    /** One chunk; yields to application row locks by retrying smaller after a back-off, as the in-app copy does. */
    private ChunkCopier.Chunk<K> copy(@Nullable K after, K upper) throws InterruptedException {
        BackfillOptions options = backfill.options();
        int size = chunkSize;
        Duration backoff = options.retryBackoff();
        for (int attempt = 1; ; attempt++) {
            try {
                return backfill.copyChunk(after, upper, size);
            } catch (RuntimeException e) {
                if (!backfill.migration().oldStore().transactions().isLockTimeout(e)
                        || attempt > Math.max(1, options.maxRetries())) {
                    throw e;
                }
                log.debug(
                        "Batch backfill of '{}': chunk after key {} yielded to a row lock (attempt {})",
                        backfill.migration().name(),
                        after,
                        attempt);
                size = Math.max(options.minChunkSize(), size / 2);
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(options.maxBackoff()) > 0
                        ? options.maxBackoff()
                        : backoff.multipliedBy(2);
            }
        }
    }
}
