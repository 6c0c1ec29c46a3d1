package io.dualwrite.batch.remote;

import io.dualwrite.batch.MigrationBatchJobs;
import java.time.Duration;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.integration.partition.RemotePartitioningManagerStepBuilder;
import org.springframework.batch.integration.partition.RemotePartitioningWorkerStepBuilder;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.messaging.MessageChannel;

/**
 * The manager and worker steps of a remotely partitioned backfill or verification. The manager splits the key
 * range with the same partitioner as a local job, stores one step execution per partition in the shared
 * JobRepository, sends a request per partition to {@code requests} and polls the JobRepository until every partition
 * ended (no reply channel: a worker that dies cannot lose a reply). A worker's step is registered as a bean named
 * {@link MigrationBatchJobs#backfillWorkerStepName} (or {@link MigrationBatchJobs#verificationWorkerStepName}), which
 * the worker's request handler looks the step up by; its context needs {@code @EnableIntegration}.
 */
public final class RemotePartitioning {

    private RemotePartitioning() {}

    /** The manager's partition step of a backfill job ({@link MigrationBatchJobs#backfillJob}). */
    public static Step backfillManagerStep(
            MigrationBatchJobs jobs,
            String migration,
            int partitions,
            MessageChannel requests,
            BeanFactory beanFactory,
            Duration pollInterval,
            Duration timeout) {
        return new RemotePartitioningManagerStepBuilder(
                        "dualwrite-backfill-partitions-" + migration, jobs.jobRepository())
                .partitioner(MigrationBatchJobs.backfillWorkerStepName(migration), jobs.backfillPartitioner(migration))
                .gridSize(partitions)
                .outputChannel(requests)
                .pollInterval(pollInterval.toMillis())
                .timeout(timeout.toMillis())
                .beanFactory(beanFactory)
                .build();
    }

    /** A worker's step of the backfill: copies the partitions whose requests arrive on {@code requests}. */
    public static Step backfillWorkerStep(
            MigrationBatchJobs jobs, String migration, MessageChannel requests, BeanFactory beanFactory) {
        return new RemotePartitioningWorkerStepBuilder(
                        MigrationBatchJobs.backfillWorkerStepName(migration), jobs.jobRepository())
                .inputChannel(requests)
                .beanFactory(beanFactory)
                .tasklet(jobs.backfillTasklet(migration), jobs.transactionManager())
                .build();
    }

    /**
     * The manager's partition step of a verification job ({@link MigrationBatchJobs#verificationJob}): {@code
     * partitionsPerSide} ranges of each side.
     */
    public static Step verificationManagerStep(
            MigrationBatchJobs jobs,
            String migration,
            int partitionsPerSide,
            MessageChannel requests,
            BeanFactory beanFactory,
            Duration pollInterval,
            Duration timeout) {
        return new RemotePartitioningManagerStepBuilder(
                        "dualwrite-verification-partitions-" + migration, jobs.jobRepository())
                .partitioner(
                        MigrationBatchJobs.verificationWorkerStepName(migration),
                        jobs.verificationPartitioner(migration))
                .gridSize(partitionsPerSide)
                .outputChannel(requests)
                .pollInterval(pollInterval.toMillis())
                .timeout(timeout.toMillis())
                .beanFactory(beanFactory)
                .build();
    }

    /** A worker's step of the verification. */
    public static Step verificationWorkerStep(
            MigrationBatchJobs jobs, String migration, MessageChannel requests, BeanFactory beanFactory) {
        return new RemotePartitioningWorkerStepBuilder(
                        MigrationBatchJobs.verificationWorkerStepName(migration), jobs.jobRepository())
                .inputChannel(requests)
                .beanFactory(beanFactory)
                .tasklet(jobs.verificationTasklet(migration), jobs.transactionManager())
                .build();
    }
}
