package io.dualwrite.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.AuditEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The admin endpoint over real HTTP behind Spring Security, configured as docs/admin-api.md shows: 401 without
 * credentials, 403 for a user without the role, and the authenticated operator recorded as the actor.
 */
@SpringBootTest(
        classes = SecuredEndpointHttpTest.SecuredApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:secured-endpoint;DB_CLOSE_DELAY=-1",
            "management.endpoints.web.exposure.include=health,dualwrite"
        })
class SecuredEndpointHttpTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    DualWrite dualWrite;

    @Test
    void withoutCredentialsEveryOperationIs401() throws Exception {
        var auditBefore = dualWrite.auditTrail("names", 10);
        assertThat(get("/actuator/dualwrite", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/dualwrite/names", null).statusCode()).isEqualTo(401);
        assertThat(post("/actuator/dualwrite/names", "{\"action\":\"advance\"}", null)
                        .statusCode())
                .isEqualTo(401);
        assertThat(dualWrite.auditTrail("names", 10)).isEqualTo(auditBefore);
    }

    @Test
    void aUserWithoutTheRoleIs403AndChangesNothing() throws Exception {
        MigrationPhase before = dualWrite.phase("names");
        assertThat(get("/actuator/dualwrite", "viewer").statusCode()).isEqualTo(403);
        HttpResponse<String> refused = post("/actuator/dualwrite/names", "{\"action\":\"advance\"}", "viewer");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("lacks role DUALWRITE_ADMIN");
        assertThat(dualWrite.state("names").phase()).isEqualTo(before);
    }

    @Test
    void anOperatorWithTheRoleActsAndIsTheAuditedActor() throws Exception {
        MigrationPhase before = dualWrite.state("names").phase();
        MigrationPhase next = before.next().orElseThrow();
        assertThat(get("/actuator/dualwrite/names", "operator").body()).contains("\"phase\":\"" + before + "\"");

        HttpResponse<String> advanced = post(
                "/actuator/dualwrite/names", "{\"action\":\"advance\",\"reason\":\"start dual writes\"}", "operator");

        assertThat(advanced.statusCode()).isEqualTo(200);
        assertThat(advanced.body()).contains("\"phase\":\"" + next + "\"");
        // The newest entry is the move's completion (every live instance applies it); the one before is the move.
        assertThat(dualWrite.auditTrail("names", 2))
                .extracting(AuditEntry::event)
                .containsExactly(AuditEntry.Event.COMPLETED, AuditEntry.Event.ADVANCED);
        assertThat(dualWrite.auditTrail("names", 2).get(1)).satisfies(entry -> {
            assertThat(entry.actor()).isEqualTo("operator");
            assertThat(entry.reason()).isEqualTo("start dual writes");
            assertThat(entry.event()).isEqualTo(AuditEntry.Event.ADVANCED);
        });
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        return http.send(request(path, user).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json, String user) throws Exception {
        return http.send(
                request(path, user)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String user) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (user != null) {
            String credentials = user + ":" + user + "-password";
            builder.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return builder;
    }

    /** An application securing Actuator as docs/admin-api.md recommends. */
    /** A JDBC application: JPA stays off, or it would scan the entities of every JPA test below this package. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration(
            exclude = {
                org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration.class,
                org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration.class
            })
    @Import(DualWriteAutoConfigurationTest.NamesMigration.class)
    static class SecuredApplication {

        @Bean
        SecurityFilterChain actuator(HttpSecurity http) throws Exception {
            return http.securityMatcher(EndpointRequest.toAnyEndpoint())
                    .authorizeHttpRequests(auth -> auth.requestMatchers(EndpointRequest.to("health"))
                            .permitAll()
                            .anyRequest()
                            .authenticated())
                    .httpBasic(Customizer.withDefaults())
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

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
