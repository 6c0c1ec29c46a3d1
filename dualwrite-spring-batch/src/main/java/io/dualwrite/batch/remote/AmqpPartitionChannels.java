package io.dualwrite.batch.remote;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpTemplate;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.support.converter.SimpleMessageConverter;
import org.springframework.integration.amqp.dsl.Amqp;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.messaging.MessageChannel;

/**
 * Carries partition requests over RabbitMQ: the manager's requests channel to a durable queue, and the queue to a
 * worker's requests channel.
 *
 * <p>A worker takes one request at a time (prefetch 1) and acknowledges it only after the partition's step ended
 * (the step runs on the listener's thread): the request of a worker that dies mid-partition is redelivered by the
 * broker, when its connection drops, to another worker, which resumes the partition after the last key its step
 * execution committed in the JobRepository. A request that fails to be handled is not requeued (the step execution
 * is FAILED; restart the job).
 */
public final class AmqpPartitionChannels {

    private AmqpPartitionChannels() {}

    /** A durable queue for the partition requests. */
    public static Queue queue(String name) {
        return new Queue(name, true);
    }

    /** A converter that reads only Spring Batch's partition requests (Java-serialized, an allow-list). */
    public static SimpleMessageConverter messageConverter() {
        SimpleMessageConverter converter = new SimpleMessageConverter();
        converter.addAllowedListPatterns(
                "org.springframework.batch.integration.partition.StepExecutionRequest", "java.lang.*");
        return converter;
    }

    /** A template that writes partition requests with {@link #messageConverter()}. */
    public static RabbitTemplate template(ConnectionFactory connectionFactory) {
        RabbitTemplate template = new RabbitTemplate(connectionFactory);
        template.setMessageConverter(messageConverter());
        return template;
    }

    /** The manager's side: requests sent to {@code requests} go to {@code queue}. */
    public static IntegrationFlow managerFlow(MessageChannel requests, AmqpTemplate template, String queue) {
        return IntegrationFlow.from(requests)
                .handle(Amqp.outboundAdapter(template).routingKey(queue))
                .get();
    }

    /** A worker's side: requests from {@code queue}, one at a time per consumer, to {@code requests}. */
    public static IntegrationFlow workerFlow(
            ConnectionFactory connectionFactory, String queue, MessageChannel requests, int consumers) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
        container.setQueueNames(queue);
        container.setPrefetchCount(1);
        container.setConcurrentConsumers(consumers);
        container.setAcknowledgeMode(AcknowledgeMode.AUTO);
        container.setDefaultRequeueRejected(false);
        return IntegrationFlow.from(Amqp.inboundAdapter(container).messageConverter(messageConverter()))
                .channel(requests)
                .get();
    }
}
