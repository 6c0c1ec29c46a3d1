package io.dualwrite.batch;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.store.KeyCodec;
import io.dualwrite.core.verify.Verifier;
import java.util.Objects;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The worker step of a batch verification: verifies one chunk of its partition per call with
 * {@link Verifier#verifyRange} (the verifier's own comparison, re-check of writes in flight and report to the
 * divergence ledger) and returns {@link RepeatStatus#CONTINUABLE} until the partition is done, checkpointing
 * {@link PartitionKeys#LAST_KEY} and the counts in the step's ExecutionContext. Fails when the phase moved since the
 * partition was planned: its findings would be no evidence for the new phase.
 */
public final class VerificationPartitionTasklet<K> implements Tasklet {

    private final DualWrite dualWrite;
    private final String migration;
    private final Verifier<K, ?, ?> verifier;
    private final KeyCodec<K> codec;
    private final int chunkSize;

    VerificationPartitionTasklet(DualWrite dualWrite, Verifier<K, ?, ?> verifier, KeyCodec<K> codec, int chunkSize) {
        this.dualWrite = Objects.requireNonNull(dualWrite, "dualWrite");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.migration = verifier.progress().migration();
        this.chunkSize = chunkSize;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        ExecutionContext context = contribution.getStepExecution().getExecutionContext();
        if (!context.containsKey(PartitionKeys.UPPER_KEY)) {
            return RepeatStatus.FINISHED; // a partition past the side's keys
        }
        PhaseState now = dualWrite.managed(migration).state();
        long planned = context.getLong(PartitionKeys.PHASE_VERSION, now.version());
        if (now.version() != planned) {
            throw new IllegalStateException("The phase of '" + migration + "' moved (version " + planned + " -> "
                    + now.version() + ", now " + now.phase() + ") during the verification job: its findings are no"
                    + " evidence for the new phase. Run a new job instance");
        }
        Side side = Side.valueOf(context.getString(PartitionKeys.SIDE));
        K upper = codec.decode(context.getString(PartitionKeys.UPPER_KEY));
        Verifier.RangeChunk<K> chunk =
                verifier.verifyRange(side, PartitionKeys.resumeAfter(context, codec), upper, chunkSize);
        PartitionKeys.add(context, PartitionKeys.CHUNKS, 1);
        PartitionKeys.add(context, PartitionKeys.ROWS, chunk.keys());
        PartitionKeys.add(context, PartitionKeys.DIVERGENCES, chunk.divergences());
        PartitionKeys.add(context, PartitionKeys.IN_FLIGHT, chunk.inFlight());
        if (chunk.lastKey() != null) {
            context.putString(PartitionKeys.LAST_KEY, codec.encode(chunk.lastKey()));
        }
        return chunk.exhausted() ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
    }
}
