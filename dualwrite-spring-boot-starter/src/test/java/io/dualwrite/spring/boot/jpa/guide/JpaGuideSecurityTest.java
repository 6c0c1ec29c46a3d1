package io.dualwrite.spring.boot.jpa.guide;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.spring.boot.jpa.guide.onedatabase.ActuatorSecurity;
import io.dualwrite.spring.boot.jpa.guide.onedatabase.Customer;
import io.dualwrite.spring.boot.jpa.guide.onedatabase.CustomerMigration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The guide's {@link ActuatorSecurity} over real HTTP, with the guide's JPA migration: health for anyone, the
 * dualwrite endpoint 401 without credentials, 403 for a user without the role, 200 for the operator.
 */
@SpringBootTest(
        classes = JpaGuideSecurityTest.SecuredGuideApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:jpa-guide-security;DB_CLOSE_DELAY=-1",
            "spring.jpa.hibernate.ddl-auto=create-drop",
            "management.endpoints.web.exposure.include=health,dualwrite,dualwriteconsole"
        })
class JpaGuideSecurityTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void healthIsOpenAndTheDualwriteEndpointNeedsTheAdminRole() throws Exception {
        String migration = "/actuator/dualwrite/" + CustomerMigration.NAME;
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(get(migration, null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/dualwriteconsole", null).statusCode()).isEqualTo(401);
        assertThat(get(migration, "viewer").statusCode()).isEqualTo(403);
        assertThat(get("/actuator/dualwriteconsole", "viewer").statusCode()).isEqualTo(403);
        HttpResponse<String> status = get(migration, "operator");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"phase\":\"OLD_ONLY\"");
        assertThat(get("/actuator/dualwriteconsole", "operator").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (user != null) {
            String credentials = user + ":" + user + "-password";
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The guide's application with its security; entities and repositories of its package only. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EntityScan(basePackageClasses = Customer.class)
    @EnableJpaRepositories(basePackageClasses = Customer.class)
    @Import({CustomerMigration.class, ActuatorSecurity.class})
    static class SecuredGuideApplication {

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("operator")
                            .password("{noop}operator-password")
                            .roles("DUALWRITE_ADMIN")
                            .build(),
                    User.withUsername("viewer")
                            .password("{noop}viewer-password")
                            .roles("VIEWER")
                            .build());
        }
    }
}
