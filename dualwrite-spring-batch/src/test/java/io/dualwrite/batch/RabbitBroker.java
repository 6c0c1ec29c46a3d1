package io.dualwrite.batch;

import io.dualwrite.testsupport.TestDatabases;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The RabbitMQ the remote tests use: {@code DUALWRITE_TEST_RABBITMQ_HOST} and {@code _PORT} (default
 * 127.0.0.1:5672, guest/guest). Missing, the tests are skipped, except in CI ({@code CI=true}), where they fail.
 */
final class RabbitBroker {

    static final String HOST = env("DUALWRITE_TEST_RABBITMQ_HOST", "127.0.0.1");
    static final int PORT = Integer.parseInt(env("DUALWRITE_TEST_RABBITMQ_PORT", "5672"));

    private RabbitBroker() {}

    static void require() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, PORT), 2000);
        } catch (IOException e) {
            String message = "RabbitMQ does not answer at " + HOST + ":" + PORT + " (" + e
                    + "): start it (rabbitmq-server -detached; .ci/run does) or set DUALWRITE_TEST_RABBITMQ_HOST/PORT";
            if (TestDatabases.isCi()) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
    }

    static CachingConnectionFactory connectionFactory() {
        CachingConnectionFactory factory = new CachingConnectionFactory(HOST, PORT);
        factory.setUsername("guest");
        factory.setPassword("guest");
        return factory;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
