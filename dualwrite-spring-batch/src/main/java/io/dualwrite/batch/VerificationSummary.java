package io.dualwrite.batch;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Sums a verification job's partitions (over every run of the job instance: a restart skips the partitions done
 * before) into the job's ExecutionContext ({@link PartitionKeys#ROWS}, {@link PartitionKeys#DIVERGENCES},
 * {@link PartitionKeys#IN_FLIGHT}) and, when keys diverge, ends a completed job with the exit code
 * {@value #DIVERGENT} and a description naming the count. Each divergent key is in the divergence ledger, as a
 * verification in the application reports it.
 */
final class VerificationSummary implements JobExecutionListener {

    /** The exit code of a completed verification job that found divergent keys. */
    static final String DIVERGENT = "COMPLETED_WITH_DIVERGENCES";

    private static final Logger log = LoggerFactory.getLogger(VerificationSummary.class);

    private final JobRepository jobRepository;
    private final String migration;
    private final String workerStep;
    private final int partitionsPerSide;

    VerificationSummary(JobRepository jobRepository, String migration, String workerStep, int partitionsPerSide) {
        this.jobRepository = Objects.requireNonNull(jobRepository, "jobRepository");
        this.migration = migration;
        this.workerStep = workerStep;
        this.partitionsPerSide = partitionsPerSide;
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        long keys = 0;
        long divergences = 0;
        long inFlight = 0;
        for (String side : new String[] {"old", "new"}) {
            for (int i = 0; i < partitionsPerSide; i++) {
                StepExecution partition =
                        jobRepository.getLastStepExecution(jobExecution.getJobInstance(), workerStep + ":" + side + i);
                if (partition != null) {
                    keys += partition.getExecutionContext().getLong(PartitionKeys.ROWS, 0L);
                    divergences += partition.getExecutionContext().getLong(PartitionKeys.DIVERGENCES, 0L);
                    inFlight += partition.getExecutionContext().getLong(PartitionKeys.IN_FLIGHT, 0L);
                }
            }
        }
        jobExecution.getExecutionContext().putLong(PartitionKeys.ROWS, keys);
        jobExecution.getExecutionContext().putLong(PartitionKeys.DIVERGENCES, divergences);
        jobExecution.getExecutionContext().putLong(PartitionKeys.IN_FLIGHT, inFlight);
        if (jobExecution.getStatus() != BatchStatus.COMPLETED) {
            return;
        }
        if (divergences > 0) {
            log.warn(
                    "Batch verification of '{}' completed: {} keys, {} divergent (every one is in the divergence"
                            + " ledger), {} in flight",
                    migration,
                    keys,
                    divergences,
                    inFlight);
            jobExecution.setExitStatus(new ExitStatus(
                    DIVERGENT, divergences + " of " + keys + " keys diverge; they are in the divergence ledger"));
        } else {
            log.info(
                    "Batch verification of '{}' completed: {} keys, 0 divergent, {} in flight",
                    migration,
                    keys,
                    inFlight);
        }
    }
}
