package io.dualwrite.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.batch.remote.AmqpPartitionChannels;
import io.dualwrite.batch.remote.RemotePartitioning;
import io.dualwrite.core.DualRepository;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.messaging.MessageChannel;

/**
 * Remote partitioning over RabbitMQ on PostgreSQL: the manager (this JVM) sends one request per partition to a
 * queue and polls the shared JobRepository; two worker JVMs copy partitions; one is killed with SIGKILL in the middle
 * of a partition. Its unacknowledged request is redelivered by the broker to the other worker, which resumes the
 * partition after the last key its step execution committed, and the job completes without a restart. Dual writes
 * run all along; both sides are compared with plain SQL.
 */
class PostgresRemoteBatchJobTest {

    private static final String PREFIX = "batch_remote";
    private static final int ROWS = 20_000;
    private static final int PARTITIONS = 4;
    private static final int CHUNK = 100;
    private static final long PAUSE_MILLIS = 15;

    @Test
    void aWorkerKilledMidPartitionLosesNothingAndTheJobCompletesOnTheOther() throws Exception {
        RabbitBroker.require();
        TestDatabase database = TestDatabases.postgres();
        BatchTestApp.createSchemas(database.dataSource());
        People.createTables(database.dataSource(), PREFIX);
        String migration = "batch-remote-" + UUID.randomUUID();
        String queue = "dualwrite-batch-test-" + UUID.randomUUID();
        CachingConnectionFactory admin = RabbitBroker.connectionFactory();
        RabbitAdmin rabbit = new RabbitAdmin(admin);
        rabbit.declareQueue(AmqpPartitionChannels.queue(queue));
        System.setProperty(RemoteChannels.QUEUE, queue);

        List<Process> workers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean stop = new AtomicBoolean();
        try (BatchTestApp app = new BatchTestApp(
                database.jdbcUrl(),
                database.user(),
                AbstractLocalBatchJobTest.password(database),
                PREFIX,
                migration,
                RemoteChannels.Manager.class)) {
            Map<Long, String> expected = new ConcurrentHashMap<>(People.seed(app.dataSource, PREFIX, ROWS));
            app.dualWrite.advance(migration, TransitionRequest.by("test", "dual writes"));
            workers.add(startWorker(database, migration, queue, "a"));
            workers.add(startWorker(database, migration, queue, "b"));
            for (String name : List.of("a", "b")) {
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> Files.exists(log(name))
                                && Files.readString(log(name)).contains("WORKER READY"));
            }

            DualRepository<Long, People.Person, People.PersonName> people = app.dualWrite.repository(app.migration);
            long seed = new Random().nextLong();
            System.out.println("Remote batch backfill under dual writes, seed " + seed);
            List<Future<Integer>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                Random random = new Random(seed + w);
                writers.add(pool.submit(() -> AbstractLocalBatchJobTest.write(people, writer, random, expected, stop)));
            }
            app.dualWrite.advance(migration, TransitionRequest.by("test", "backfill"));

            MigrationBatchJobs jobs = app.bean(MigrationBatchJobs.class);
            Step manager = RemotePartitioning.backfillManagerStep(
                    jobs,
                    migration,
                    PARTITIONS,
                    app.context.getBean("requests", MessageChannel.class),
                    app.context.getBeanFactory(),
                    Duration.ofMillis(200),
                    Duration.ofMinutes(5));
            Job job = jobs.backfillJob(migration, manager);
            Future<JobExecution> run = pool.submit(() -> app.bean(JobOperator.class)
                    .start(
                            job,
                            new JobParametersBuilder()
                                    .addString("run", UUID.randomUUID().toString())
                                    .toJobParameters()));

            // Both workers are in the middle of a partition (prefetch 1: one request each, unacknowledged).
            JobRepository repository = app.bean(JobRepository.class);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        long copied = People.count(app.dataSource, "SELECT count(*) FROM " + PREFIX + "_new");
                        return copied > ROWS / 5 && running(repository, job) >= 2;
                    });
            workers.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            System.out.println("Killed worker a with "
                    + People.count(app.dataSource, "SELECT count(*) FROM " + PREFIX + "_new") + " NEW rows");

            JobExecution execution = run.get(3, TimeUnit.MINUTES);
            stop.set(true);
            for (Future<Integer> writer : writers) {
                assertThat(writer.get(1, TimeUnit.MINUTES))
                        .as("writes that failed")
                        .isZero();
            }
            assertThat(execution.getStatus())
                    .as(execution + " " + execution.getAllFailureExceptions())
                    .isEqualTo(BatchStatus.COMPLETED);
            // As the workers stored them (the manager's copies stay as it created them).
            List<StepExecution> partitions = repository.getJobExecution(execution.getId()).getStepExecutions().stream()
                    .filter(step -> step.getStepName().contains(":partition"))
                    .toList();
            assertThat(partitions).hasSize(PARTITIONS).allSatisfy(partition -> assertThat(partition.getStatus())
                    .isEqualTo(BatchStatus.COMPLETED));
            assertThat(Files.readString(log("b"))).doesNotContain("Exception");
            assertThat(app.backfillStore.find(migration).orElseThrow().state()).isEqualTo(BackfillState.COMPLETED);

            Map<Long, String> oldRows = People.rows(app.dataSource, PREFIX + "_old");
            assertThat(oldRows).isEqualTo(new TreeMap<>(expected));
            assertThat(People.rows(app.dataSource, PREFIX + "_new"))
                    .as("NEW equals OLD mapped, seed " + seed)
                    .isEqualTo(People.mapped(oldRows));
        } finally {
            stop.set(true);
            pool.shutdownNow();
            workers.forEach(Process::destroyForcibly);
            rabbit.deleteQueue(queue);
            admin.destroy();
        }
    }

    /** Partitions of the job's latest execution running now, as the JobRepository says. */
    private static long running(JobRepository repository, Job job) {
        var instances = repository.getJobInstances(job.getName(), 0, 1);
        if (instances.isEmpty()) {
            return 0;
        }
        JobExecution last = repository.getLastJobExecution(instances.get(0));
        if (last == null) {
            return 0;
        }
        return repository.getJobExecution(last.getId()).getStepExecutions().stream()
                .filter(step -> step.getStepName().contains(":partition"))
                .filter(step -> step.getStatus() == BatchStatus.STARTED && step.getCommitCount() > 2)
                .count();
    }

    private static Path log(String worker) {
        return Path.of("target", "batch-worker-" + worker + ".log");
    }

    private static Process startWorker(TestDatabase database, String migration, String queue, String name)
            throws Exception {
        Files.deleteIfExists(log(name));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        RemoteWorkerProcess.class.getName(),
                        database.jdbcUrl(),
                        database.user(),
                        PREFIX,
                        migration,
                        queue,
                        Integer.toString(CHUNK),
                        Long.toString(PAUSE_MILLIS),
                        AbstractLocalBatchJobTest.password(database)))
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(new File(log(name).toString())))
                .start();
    }
}
