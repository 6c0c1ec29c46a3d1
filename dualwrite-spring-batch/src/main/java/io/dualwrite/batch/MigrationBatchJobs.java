package io.dualwrite.batch;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.verify.Verifier;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.core.task.TaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Builds a migration's backfill and verification as Spring Batch jobs: partitioners over the key ranges
 * ({@link BackfillPartitioner}, {@link VerificationPartitioner}), the worker steps that copy or verify a partition
 * chunk by chunk with a checkpoint in the step's ExecutionContext ({@link BackfillPartitionTasklet},
 * {@link VerificationPartitionTasklet}), and whole jobs partitioned on a {@link TaskExecutor}. Remote partitioning
 * over a message broker uses the same partitioners and tasklets (see {@code io.dualwrite.batch.remote}).
 *
 * <p>A backfill job is the partition step, then a step that marks the backfill COMPLETED in dualwrite's own store,
 * so that the gates see it. Immutable: {@link #withChunkSize} and {@link #withPauseBetweenChunks} return a copy.
 */
public final class MigrationBatchJobs {

    private final DualWrite dualWrite;
    private final BackfillStore backfillStore;
    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final int chunkSize;
    private final Duration pauseBetweenChunks;
    private final Clock clock;

    /** Jobs whose chunks hold {@link BackfillOptions#DEFAULT_INITIAL_CHUNK_SIZE} rows, with no pause in between. */
    public MigrationBatchJobs(
            DualWrite dualWrite,
            BackfillStore backfillStore,
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager) {
        this(
                dualWrite,
                backfillStore,
                jobRepository,
                transactionManager,
                BackfillOptions.DEFAULT_INITIAL_CHUNK_SIZE,
                Duration.ZERO,
                Clock.systemUTC());
    }

    private MigrationBatchJobs(
            DualWrite dualWrite,
            BackfillStore backfillStore,
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            int chunkSize,
            Duration pauseBetweenChunks,
            Clock clock) {
        this.dualWrite = Objects.requireNonNull(dualWrite, "dualWrite");
        this.backfillStore = Objects.requireNonNull(backfillStore, "backfillStore");
        this.jobRepository = Objects.requireNonNull(jobRepository, "jobRepository");
        this.transactionManager = Objects.requireNonNull(transactionManager, "transactionManager");
        this.chunkSize = chunkSize;
        this.pauseBetweenChunks = pauseBetweenChunks;
        this.clock = clock;
    }

    /**
     * Rows (keys, for a verification) per chunk, one step transaction and one checkpoint each. A chunk holds shared
     * locks on its OLD rows until NEW committed: keep it small enough that an application write waiting for one does
     * not notice (the in-app copy sizes chunks towards {@link BackfillOptions#targetChunkTime()}).
     */
    public MigrationBatchJobs withChunkSize(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1, but was " + chunkSize);
        }
        return new MigrationBatchJobs(
                dualWrite, backfillStore, jobRepository, transactionManager, chunkSize, pauseBetweenChunks, clock);
    }

    /** A pause after every backfill chunk of a partition, to leave the databases room for live traffic. */
    public MigrationBatchJobs withPauseBetweenChunks(Duration pause) {
        Objects.requireNonNull(pause, "pause");
        if (pause.isNegative()) {
            throw new IllegalArgumentException("pauseBetweenChunks must not be negative, but was " + pause);
        }
        return new MigrationBatchJobs(
                dualWrite, backfillStore, jobRepository, transactionManager, chunkSize, pause, clock);
    }

    public JobRepository jobRepository() {
        return jobRepository;
    }

    public PlatformTransactionManager transactionManager() {
        return transactionManager;
    }

    /** The name of the backfill job of {@code migration}. */
    public static String backfillJobName(String migration) {
        return "dualwrite-backfill-" + migration;
    }

    /** The name of the backfill's worker step (a bean of that name on remote workers). */
    public static String backfillWorkerStepName(String migration) {
        return "dualwrite-backfill-worker-" + migration;
    }

    /** The name of the verification job of {@code migration}. */
    public static String verificationJobName(String migration) {
        return "dualwrite-verification-" + migration;
    }

    /** The name of the verification's worker step (a bean of that name on remote workers). */
    public static String verificationWorkerStepName(String migration) {
        return "dualwrite-verification-worker-" + migration;
    }

    public BackfillPartitioner backfillPartitioner(String migration) {
        return new BackfillPartitioner(dualWrite, migration);
    }

    /** The tasklet copying one partition of {@code migration}'s backfill, for a worker step of your own. */
    public Tasklet backfillTasklet(String migration) {
        return tasklet(dualWrite.backfill(migration));
    }

    private <K> BackfillPartitionTasklet<K> tasklet(Backfill<K, ?, ?> backfill) {
        return new BackfillPartitionTasklet<>(dualWrite, backfill, chunkSize, pauseBetweenChunks);
    }

    /** The worker step copying one partition, run by a local partition step. */
    public Step backfillWorkerStep(String migration) {
        return new StepBuilder(backfillWorkerStepName(migration), jobRepository)
                .tasklet(backfillTasklet(migration), transactionManager)
                .build();
    }

    /** The step that marks the backfill COMPLETED in dualwrite's store once every partition is copied. */
    public Step backfillCompletionStep(String migration) {
        return new StepBuilder("dualwrite-backfill-complete-" + migration, jobRepository)
                .tasklet(
                        new BackfillCompletionTasklet(
                                dualWrite,
                                backfillStore,
                                migration,
                                jobRepository,
                                backfillWorkerStepName(migration) + ":partition0",
                                clock),
                        transactionManager)
                .build();
    }

    /** The partition step copying {@code partitions} ranges on {@code executor}'s threads. */
    public Step localBackfillStep(String migration, int partitions, TaskExecutor executor) {
        Step worker = backfillWorkerStep(migration);
        TaskExecutorPartitionHandler handler = new TaskExecutorPartitionHandler();
        handler.setStep(worker);
        handler.setGridSize(partitions);
        handler.setTaskExecutor(executor);
        return new StepBuilder("dualwrite-backfill-partitions-" + migration, jobRepository)
                .partitioner(worker.getName(), backfillPartitioner(migration))
                .partitionHandler(handler)
                .gridSize(partitions)
                .build();
    }

    /** A backfill job: {@code partitionStep} (local or remote), then the completion step. */
    public Job backfillJob(String migration, Step partitionStep) {
        return new JobBuilder(backfillJobName(migration), jobRepository)
                .start(partitionStep)
                .next(backfillCompletionStep(migration))
                .build();
    }

    /** A backfill job partitioned on {@code executor}: {@code partitions} ranges, as many at once as it has threads. */
    public Job localBackfillJob(String migration, int partitions, TaskExecutor executor) {
        return backfillJob(migration, localBackfillStep(migration, partitions, executor));
    }

    public VerificationPartitioner verificationPartitioner(String migration) {
        return new VerificationPartitioner(dualWrite, migration);
    }

    /** The tasklet verifying one partition of {@code migration}, for a worker step of your own. */
    public Tasklet verificationTasklet(String migration) {
        return verificationTasklet(dualWrite.managed(migration).migration(), migration);
    }

    private <K> VerificationPartitionTasklet<K> verificationTasklet(Migration<K, ?, ?> definition, String migration) {
        @SuppressWarnings("unchecked")
        Verifier<K, ?, ?> verifier =
                (Verifier<K, ?, ?>) dualWrite.managed(migration).verifier();
        return new VerificationPartitionTasklet<>(dualWrite, verifier, definition.keyCodec(), chunkSize);
    }

    /** The worker step verifying one partition, run by a local partition step. */
    public Step verificationWorkerStep(String migration) {
        return new StepBuilder(verificationWorkerStepName(migration), jobRepository)
                .tasklet(verificationTasklet(migration), transactionManager)
                .build();
    }

    /**
     * The partition step verifying {@code partitionsPerSide} ranges of each side on {@code executor}'s threads
     * ({@code 2 * partitionsPerSide} partitions).
     */
    public Step localVerificationStep(String migration, int partitionsPerSide, TaskExecutor executor) {
        Step worker = verificationWorkerStep(migration);
        TaskExecutorPartitionHandler handler = new TaskExecutorPartitionHandler();
        handler.setStep(worker);
        handler.setGridSize(partitionsPerSide);
        handler.setTaskExecutor(executor);
        return new StepBuilder("dualwrite-verification-partitions-" + migration, jobRepository)
                .partitioner(worker.getName(), verificationPartitioner(migration))
                .partitionHandler(handler)
                .gridSize(partitionsPerSide)
                .build();
    }

    /**
     * A verification job around {@code partitionStep} (local or remote, split into {@code partitionsPerSide} ranges
     * per side), summing the partitions' counts into the job's ExecutionContext; a completed job that found divergent
     * keys ends with the exit code {@code COMPLETED_WITH_DIVERGENCES}.
     */
    public Job verificationJob(String migration, Step partitionStep, int partitionsPerSide) {
        return new JobBuilder(verificationJobName(migration), jobRepository)
                .listener(new VerificationSummary(
                        jobRepository, migration, verificationWorkerStepName(migration), partitionsPerSide))
                .start(partitionStep)
                .build();
    }

    /** A verification job partitioned on {@code executor}. */
    public Job localVerificationJob(String migration, int partitionsPerSide, TaskExecutor executor) {
        return verificationJob(
                migration, localVerificationStep(migration, partitionsPerSide, executor), partitionsPerSide);
    }
}
