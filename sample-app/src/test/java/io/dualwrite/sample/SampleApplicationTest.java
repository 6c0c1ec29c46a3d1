package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private DualWrite dualWrite;

    @Autowired
    private JdbcTemplate jdbc;

    @Test
    void healthIsUp() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    @Test
    void theAdminEndpointIsNotExposedUnlessConfigured() throws Exception {
        assertThat(get("/actuator/dualwrite").statusCode()).isEqualTo(404);
    }

    @Test
    void customersFollowTheMigrationThroughItsPhases() throws Exception {
        HttpResponse<String> created =
                put("/customers/1", "{\"fullName\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}");
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.body()).contains("\"firstName\":\"Ada\"", "\"lastName\":\"Lovelace\"");
        assertThat(count("customer_name")).isZero();

        dualWrite.advance(NameSplitMigration.NAME, TransitionRequest.by("test", "start dual writes"));
        put("/customers/2", "{\"fullName\":\"Alan Mathison Turing\",\"email\":null}");

        assertThat(jdbc.queryForObject("SELECT last_name FROM customer_name WHERE customer_id = 2", String.class))
                .isEqualTo("Mathison Turing");
        assertThat(count("customer")).isEqualTo(2);
        assertThat(get("/customers/2/name").body()).contains("\"firstName\":\"Alan\"");

        http.send(HttpRequest.newBuilder(uri("/customers/2")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get("/customers/2/name").statusCode()).isEqualTo(404);
        assertThat(count("customer_name")).isZero();

        // Customer 1 was written before dual writes began: the backfill copies it.
        dualWrite.advance(NameSplitMigration.NAME, TransitionRequest.by("test", "copy the history"));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() ->
                        dualWrite.backfill(NameSplitMigration.NAME).progress().state()
                                == io.dualwrite.core.backfill.BackfillState.COMPLETED);
        assertThat(jdbc.queryForObject("SELECT first_name FROM customer_name WHERE customer_id = 1", String.class))
                .isEqualTo("Ada");

        dualWrite.advance(NameSplitMigration.NAME, TransitionRequest.by("test", "read the new table"));
        jdbc.update("UPDATE customer SET full_name = 'Only Old' WHERE id = 1");
        assertThat(get("/customers/1/name").body()).contains("\"firstName\":\"Ada\"");
    }

    private int count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
