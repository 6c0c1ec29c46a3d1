package io.dualwrite.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.testsupport.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * The backfill and verification jobs partitioned on local threads: a full copy under concurrent dual writes, a stopped
 * job resumed after each partition's last key, the refusal outside BACKFILL, and the divergences a verification job
 * reports. Both sides are compared with plain SQL. One subclass per database (the job repository in the same one).
 */
abstract class AbstractLocalBatchJobTest {

    protected abstract TestDatabase database();

    private static final String PREFIX = "batch_local";
    private static final int ROWS = 20_000;
    private static final int PARTITIONS = 4;

    private BatchTestApp app;

    private BatchTestApp app(String migration) throws Exception {
        TestDatabase database = database();
        BatchTestApp.createSchemas(database.dataSource());
        People.createTables(database.dataSource(), PREFIX);
        app = new BatchTestApp(database.jdbcUrl(), database.user(), password(database), PREFIX, migration);
        return app;
    }

    /** The database's password, empty for none. */
    static String password(TestDatabase database) {
        return database.password() == null ? "" : database.password();
    }

    @AfterEach
    void close() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aPartitionedJobCopiesEveryRowWhileDualWritesRunAndMarksTheBackfillCompleted() throws Exception {
        String migration = "batch-local-" + UUID.randomUUID();
        BatchTestApp app = app(migration);
        Map<Long, String> expected = new ConcurrentHashMap<>(People.seed(app.dataSource, PREFIX, ROWS));
        app.dualWrite.advance(migration, TransitionRequest.by("test", "dual writes"));
        DualRepository<Long, People.Person, People.PersonName> people = app.dualWrite.repository(app.migration);

        long seed = new Random().nextLong();
        System.out.println("Batch backfill under dual writes, seed " + seed);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writers = Executors.newFixedThreadPool(3);
        List<Future<Integer>> done = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int writer = w;
            Random random = new Random(seed + w);
            done.add(writers.submit(() -> write(people, writer, random, expected, stop)));
        }
        try {
            Thread.sleep(50);
            app.dualWrite.advance(migration, TransitionRequest.by("test", "backfill"));
            MigrationBatchJobs jobs = app.bean(MigrationBatchJobs.class).withChunkSize(250);
            Job job = jobs.localBackfillJob(migration, PARTITIONS, executor());
            JobExecution execution = app.bean(JobOperator.class).start(job, parameters());

            assertThat(execution.getStatus()).as(execution.toString()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(partitions(execution))
                    .hasSize(PARTITIONS)
                    .allSatisfy(partition -> assertThat(partition.getStatus()).isEqualTo(BatchStatus.COMPLETED));
        } finally {
            stop.set(true);
            for (Future<Integer> writer : done) {
                assertThat(writer.get(1, TimeUnit.MINUTES))
                        .as("writes that failed")
                        .isZero();
            }
            writers.shutdownNow();
        }
        BackfillProgress progress = app.backfillStore.find(migration).orElseThrow();
        assertThat(progress.state()).isEqualTo(BackfillState.COMPLETED);

        Map<Long, String> oldRows = People.rows(app.dataSource, PREFIX + "_old");
        assertThat(oldRows).isEqualTo(new TreeMap<>(expected));
        assertThat(People.rows(app.dataSource, PREFIX + "_new"))
                .as("NEW equals OLD mapped, seed " + seed)
                .isEqualTo(People.mapped(oldRows));
    }

    @Test
    void aStoppedJobResumesEachPartitionAfterItsLastKeyWithoutRecopying() throws Exception {
        String migration = "batch-restart-" + UUID.randomUUID();
        BatchTestApp app = app(migration);
        People.seed(app.dataSource, PREFIX, ROWS);
        app.dualWrite.advance(migration, TransitionRequest.by("test", "dual writes"));
        app.dualWrite.advance(migration, TransitionRequest.by("test", "backfill"));
        int chunk = 100;
        MigrationBatchJobs jobs =
                app.bean(MigrationBatchJobs.class).withChunkSize(chunk).withPauseBetweenChunks(Duration.ofMillis(20));
        Job job = jobs.localBackfillJob(migration, PARTITIONS, executor());
        JobOperator operator = app.bean(JobOperator.class);
        JobParameters parameters = parameters();

        ExecutorService launcher = Executors.newSingleThreadExecutor();
        Future<JobExecution> first = launcher.submit(() -> operator.start(job, parameters));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> People.count(app.dataSource, "SELECT count(*) FROM " + PREFIX + "_new") > ROWS / 4);
        JobExecution running = operator.getJobInstance(job.getName(), parameters) == null
                ? null
                : app.bean(org.springframework.batch.core.repository.JobRepository.class)
                        .getLastJobExecution(job.getName(), parameters);
        assertThat(running).isNotNull();
        operator.stop(running);
        JobExecution stopped = first.get(1, TimeUnit.MINUTES);
        launcher.shutdown();
        assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
        long copiedBefore = partitions(stopped).stream()
                .mapToLong(StepExecution::getWriteCount)
                .sum();
        long chunksBefore = partitions(stopped).stream()
                .mapToLong(StepExecution::getCommitCount)
                .sum();
        assertThat(copiedBefore).isBetween((long) ROWS / 4, ROWS - 1L);
        assertThat(app.backfillStore.find(migration).orElseThrow().state()).isEqualTo(BackfillState.RUNNING);

        JobExecution resumed = operator.start(job, parameters); // the same instance: a restart
        assertThat(resumed.getStatus()).as(resumed.toString()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(resumed.getJobInstanceId()).isEqualTo(stopped.getJobInstanceId());
        long copiedAfter = partitions(resumed).stream()
                .mapToLong(StepExecution::getWriteCount)
                .sum();
        long chunksAfter = partitions(resumed).stream()
                .mapToLong(StepExecution::getCommitCount)
                .sum();
        // Every row copied once over both runs: the restart resumed after each partition's last key.
        assertThat(copiedBefore + copiedAfter).isEqualTo(ROWS);
        assertThat(chunksBefore + chunksAfter).isLessThanOrEqualTo(ROWS / chunk + 2L * PARTITIONS);
        assertThat(partitions(resumed)).allSatisfy(partition -> assertThat(
                        partition.getExecutionContext().getLong(PartitionKeys.ROWS))
                .isGreaterThan(0));
        assertThat(app.backfillStore.find(migration).orElseThrow().state()).isEqualTo(BackfillState.COMPLETED);
        Map<Long, String> oldRows = People.rows(app.dataSource, PREFIX + "_old");
        assertThat(People.rows(app.dataSource, PREFIX + "_new")).isEqualTo(People.mapped(oldRows));
    }

    @Test
    void theBackfillJobRefusesAMigrationThatIsNotInBackfill() throws Exception {
        String migration = "batch-refused-" + UUID.randomUUID();
        BatchTestApp app = app(migration);
        People.seed(app.dataSource, PREFIX, 100);
        app.dualWrite.advance(migration, TransitionRequest.by("test", "dual writes"));
        Job job = app.bean(MigrationBatchJobs.class).localBackfillJob(migration, PARTITIONS, executor());

        JobExecution execution = app.bean(JobOperator.class).start(job, parameters());

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(execution.getAllFailureExceptions()).anySatisfy(failure -> assertThat(failure)
                .hasMessageContaining("is in DUAL_WRITE, not BACKFILL")
                .hasMessageContaining("Advance it to BACKFILL"));
        assertThat(People.count(app.dataSource, "SELECT count(*) FROM " + PREFIX + "_new"))
                .isZero();
        assertThat(app.backfillStore.find(migration)).isEmpty();
    }

    @Test
    void aVerificationJobFindsNoDivergenceAfterTheCopyAndReportsEveryOneMadeBehindItsBack() throws Exception {
        String migration = "batch-verify-" + UUID.randomUUID();
        BatchTestApp app = app(migration);
        People.seed(app.dataSource, PREFIX, 5_000);
        app.dualWrite.advance(migration, TransitionRequest.by("test", "dual writes"));
        app.dualWrite.advance(migration, TransitionRequest.by("test", "backfill"));
        MigrationBatchJobs jobs = app.bean(MigrationBatchJobs.class).withChunkSize(300);
        JobOperator operator = app.bean(JobOperator.class);
        assertThat(operator.start(jobs.localBackfillJob(migration, PARTITIONS, executor()), parameters())
                        .getStatus())
                .isEqualTo(BatchStatus.COMPLETED);

        Job verification = jobs.localVerificationJob(migration, 3, executor());
        JobExecution clean = operator.start(verification, parameters());
        assertThat(clean.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(clean.getExitStatus().getExitCode()).isEqualTo("COMPLETED");
        assertThat(clean.getExecutionContext().getLong(PartitionKeys.DIVERGENCES))
                .isZero();
        // Every OLD key once; the walk of NEW counts the keys OLD lacks, as the verifier's rowsChecked does.
        assertThat(clean.getExecutionContext().getLong(PartitionKeys.ROWS)).isEqualTo(5_000);

        // Behind dualwrite's back: a changed row, a missing row, an extra row in NEW.
        People.execute(
                app.dataSource,
                "UPDATE " + PREFIX + "_new SET first_name = 'Changed' WHERE id = 300",
                "DELETE FROM " + PREFIX + "_new WHERE id = 6000",
                "INSERT INTO " + PREFIX + "_new (id, first_name, last_name) VALUES (7, 'Only', 'New')");
        JobExecution divergent = operator.start(verification, parameters());
        assertThat(divergent.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(divergent.getExitStatus().getExitCode()).isEqualTo("COMPLETED_WITH_DIVERGENCES");
        assertThat(divergent.getExecutionContext().getLong(PartitionKeys.DIVERGENCES))
                .isEqualTo(3);
        assertThat(People.count(
                        app.dataSource,
                        "SELECT count(*) FROM dualwrite_divergence WHERE migration = '" + migration
                                + "' AND entity_key IN ('300', '6000', '7') AND cause = 'VERIFICATION'"))
                .isEqualTo(3);
    }

    private static List<StepExecution> partitions(JobExecution execution) {
        return execution.getStepExecutions().stream()
                .filter(step -> step.getStepName().contains(":partition"))
                .toList();
    }

    static int write(
            DualRepository<Long, People.Person, People.PersonName> people,
            int writer,
            Random random,
            Map<Long, String> expected,
            AtomicBoolean stop) {
        int failed = 0;
        while (!stop.get()) {
            // Keys of this writer only (so the last value of each key is known), inside and above the seeded range.
            long key = writer + 1 + 3L * random.nextInt((int) (ROWS * 1.1));
            try {
                if (random.nextInt(4) == 0) {
                    people.delete(key);
                    expected.remove(key);
                } else {
                    String name = "W" + random.nextInt(1000) + " L" + random.nextInt(1000);
                    people.write(new People.Person(key, name));
                    expected.put(key, name);
                }
            } catch (RuntimeException e) {
                failed++;
                System.err.println("write of key " + key + " failed: " + e);
            }
        }
        return failed;
    }

    private static SimpleAsyncTaskExecutor executor() {
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("batch-partition-");
        executor.setConcurrencyLimit(PARTITIONS);
        return executor;
    }

    private static JobParameters parameters() {
        return new JobParametersBuilder()
                .addString("run", UUID.randomUUID().toString())
                .toJobParameters();
    }
}
