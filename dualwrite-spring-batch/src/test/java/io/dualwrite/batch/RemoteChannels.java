package io.dualwrite.batch;

import io.dualwrite.batch.remote.AmqpPartitionChannels;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;

/** The messaging side of the remote test: the manager's and the workers' request channels over one queue. */
final class RemoteChannels {

    /** The system property naming the queue. */
    static final String QUEUE = "dualwrite.test.queue";

    private RemoteChannels() {}

    /** The manager's: requests to the queue. */
    @Configuration(proxyBeanMethods = false)
    @EnableIntegration
    static class Manager {

        @Bean(destroyMethod = "destroy")
        CachingConnectionFactory rabbitConnectionFactory() {
            return RabbitBroker.connectionFactory();
        }

        @Bean
        DirectChannel requests() {
            return new DirectChannel();
        }

        @Bean
        IntegrationFlow outboundRequests(
                DirectChannel requests, CachingConnectionFactory factory, @Value("${" + QUEUE + "}") String queue) {
            return AmqpPartitionChannels.managerFlow(requests, AmqpPartitionChannels.template(factory), queue);
        }
    }

    /** A worker's: requests from the queue, one at a time. */
    @Configuration(proxyBeanMethods = false)
    @EnableIntegration
    static class Worker {

        @Bean(destroyMethod = "destroy")
        CachingConnectionFactory rabbitConnectionFactory() {
            return RabbitBroker.connectionFactory();
        }

        @Bean
        DirectChannel requests() {
            return new DirectChannel();
        }

        @Bean
        IntegrationFlow inboundRequests(
                DirectChannel requests, CachingConnectionFactory factory, @Value("${" + QUEUE + "}") String queue) {
            return AmqpPartitionChannels.workerFlow(factory, queue, requests, 1);
        }
    }
}
