package io.dualwrite.batch;

import io.dualwrite.batch.remote.RemotePartitioning;
import java.time.Duration;
import org.springframework.batch.core.step.Step;
import org.springframework.messaging.MessageChannel;

/**
 * A remote partitioning worker in a JVM of its own, for {@link PostgresRemoteBatchJobTest}: {@code
 * RemoteWorkerProcess <jdbcUrl> <user> <tablePrefix> <migration> <queue> <chunkSize> <pauseMillis>}. Copies the
 * partitions whose requests it takes off the queue until it is killed.
 */
public final class RemoteWorkerProcess {

    private RemoteWorkerProcess() {}

    public static void main(String[] args) throws Exception {
        String migration = args[3];
        System.setProperty(RemoteChannels.QUEUE, args[4]);
        int chunkSize = Integer.parseInt(args[5]);
        Duration pause = Duration.ofMillis(Long.parseLong(args[6]));
        BatchTestApp app = new BatchTestApp(
                args[0],
                args[1],
                args.length > 7 ? args[7] : "",
                args[2],
                migration,
                context -> context.registerBean(
                        io.dualwrite.batch.MigrationBatchJobs.backfillWorkerStepName(migration),
                        Step.class,
                        () -> RemotePartitioning.backfillWorkerStep(
                                context.getBean(MigrationBatchJobs.class)
                                        .withChunkSize(chunkSize)
                                        .withPauseBetweenChunks(pause),
                                migration,
                                context.getBean("requests", MessageChannel.class),
                                context.getBeanFactory())),
                RemoteChannels.Worker.class);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close));
        System.out.println("WORKER READY");
        Thread.currentThread().join();
    }
}
