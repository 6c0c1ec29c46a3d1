/**
 * Remote partitioning of the batch backfill and verification through Spring Batch Integration: the manager sends
 * one request per partition to a message channel and polls the shared JobRepository; workers in other JVMs take
 * requests off a queue and run the same worker tasklets ({@link io.dualwrite.batch.remote.RemotePartitioning}),
 * over RabbitMQ with {@link io.dualwrite.batch.remote.AmqpPartitionChannels}. Needs {@code spring-batch-integration}
 * and, for RabbitMQ, {@code spring-integration-amqp} on the classpath.
 */
@NullMarked
package io.dualwrite.batch.remote;

import org.jspecify.annotations.NullMarked;
