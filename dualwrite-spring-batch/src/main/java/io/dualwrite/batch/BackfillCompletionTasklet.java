package io.dualwrite.batch;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.backfill.BackfillStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The last step of a batch backfill, after every partition completed: marks the migration's backfill COMPLETED in
 * dualwrite's own {@link BackfillStore} (where the gates, the console and every instance read it), through the
 * store's fenced calls: {@link BackfillStore#acquireLease} of the whole backfill under the job's name, then
 * {@link BackfillStore#complete}. The lease is free unless an in-app copier holds it, which the documentation says
 * to switch off ({@code dualwrite.backfill.enabled=false}); then this step fails with that advice and a restart of
 * the job retries only this step.
 */
final class BackfillCompletionTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(BackfillCompletionTasklet.class);

    private final DualWrite dualWrite;
    private final BackfillStore store;
    private final String migration;
    private final JobRepository jobRepository;
    private final String firstPartitionStep;
    private final Clock clock;

    /** {@code firstPartitionStep}: the step name of the job's first partition ({@code worker:partition0}). */
    BackfillCompletionTasklet(
            DualWrite dualWrite,
            BackfillStore store,
            String migration,
            JobRepository jobRepository,
            String firstPartitionStep,
            Clock clock) {
        this.dualWrite = Objects.requireNonNull(dualWrite, "dualWrite");
        this.store = Objects.requireNonNull(store, "store");
        this.migration = Objects.requireNonNull(migration, "migration");
        this.jobRepository = Objects.requireNonNull(jobRepository, "jobRepository");
        this.firstPartitionStep = Objects.requireNonNull(firstPartitionStep, "firstPartitionStep");
        this.clock = clock;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        Backfill<?, ?, ?> backfill = dualWrite.backfill(migration);
        BackfillProgress progress = backfill.progress();
        if (progress.state() == BackfillState.COMPLETED) {
            return RepeatStatus.FINISHED;
        }
        BackfillGuard.requireBackfillPhase(dualWrite, migration);
        BackfillGuard.requireRunning(progress);
        // The partitions copied for the backfill stored in their contexts; one restarted since is another copy.
        StepExecution firstPartition = jobRepository.getLastStepExecution(
                contribution.getStepExecution().getJobExecution().getJobInstance(), firstPartitionStep);
        if (firstPartition == null) {
            throw new IllegalStateException("The backfill job of '" + migration + "' has no partition step execution '"
                    + firstPartitionStep + "': run the partition step before the completion step");
        }
        BackfillGuard.requireSameBackfill(
                progress, firstPartition.getExecutionContext().getString(PartitionKeys.BACKFILL_STARTED_AT, null));
        String owner = "spring-batch:" + contribution.getStepExecution().getJobExecutionId();
        Instant now = clock.instant();
        if (!store.acquireLease(
                        migration, owner, now, now.plus(backfill.options().leaseDuration()))
                || !store.complete(migration, owner, clock.instant())) {
            BackfillProgress current = backfill.progress();
            throw new IllegalStateException("Could not mark the backfill of '" + migration + "' COMPLETED: it is "
                    + current.state() + " and its lease is held by " + current.leaseOwner() + ". Switch off in-app"
                    + " copying while a batch job copies (dualwrite.backfill.enabled=false, or"
                    + " DualWriteBuilder.copies(false)), then restart the job");
        }
        log.info("Backfill of '{}' completed by Spring Batch job execution {}", migration, owner);
        return RepeatStatus.FINISHED;
    }
}
