package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTest {

    @LocalServerPort
    private int port;

    @Autowired
    private DualWrite dualWrite;

    @Autowired
    private JdbcTemplate jdbc;

    @Test
    void healthIsUp() throws Exception {
        HttpResponse<String> health = http().get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("customer-name-split");
        HttpResponse<String> asOperator = http().asOperator().get("/actuator/health");
        assertThat(asOperator.body())
                .contains("\"dualwrite\"", "\"customer-name-split\"", "\"phase\"", "\"ledgerSize\"");
    }

    @Test
    void theAdminEndpointNeedsTheDemoOperator() throws Exception {
        assertThat(http().get("/actuator/dualwrite").statusCode()).isEqualTo(401);
        HttpResponse<String> asOperator = http().asOperator().get("/actuator/dualwrite");
        assertThat(asOperator.statusCode()).isEqualTo(200);
        assertThat(asOperator.body()).contains("\"name\":\"subscriptions\"", "\"name\":\"customer-name-split\"");
    }

    @Test
    void customersFollowTheMigrationThroughItsPhases() throws Exception {
        HttpResponse<String> created =
                http().put("/customers/900001", "{\"fullName\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}");
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.body())
                .contains("\"firstName\":\"Ada\"", "\"lastName\":\"Lovelace\"", "\"email\":\"ada@example.com\"");
        assertThat(count("customer_name", "customer_id")).isZero();

        dualWrite.advance(NameSplitMigration.NAME, TransitionRequest.by("test", "start dual writes"));
        http().put("/customers/900002", "{\"fullName\":\"Alan Mathison Turing\",\"email\":null}");

        assertThat(jdbc.queryForObject("SELECT last_name FROM customer_name WHERE customer_id = 900002", String.class))
                .isEqualTo("Mathison Turing");
        assertThat(count("customer", "id")).isEqualTo(2);
        assertThat(http().get("/customers/900002/name").body()).contains("\"firstName\":\"Alan\"");

        http().delete("/customers/900002");
        assertThat(http().get("/customers/900002/name").statusCode()).isEqualTo(404);
        assertThat(count("customer_name", "customer_id")).isZero();

        // Customer 900001 was written before dual writes began: the backfill copies it.
        dualWrite.advance(NameSplitMigration.NAME, TransitionRequest.by("test", "copy the history"));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() ->
                        dualWrite.backfill(NameSplitMigration.NAME).progress().state()
                                == io.dualwrite.core.backfill.BackfillState.COMPLETED);
        assertThat(jdbc.queryForObject("SELECT first_name FROM customer_name WHERE customer_id = 900001", String.class))
                .isEqualTo("Ada");

        // The READ_NEW gates want a clean full verification since the backfill.
        assertThat(dualWrite.verify(NameSplitMigration.NAME).divergences()).isZero();
        dualWrite.advance(NameSplitMigration.NAME, TransitionRequest.by("test", "read the new table"));
        jdbc.update("UPDATE customer SET full_name = 'Only Old' WHERE id = 900001");
        assertThat(http().get("/customers/900001/name").body()).contains("\"firstName\":\"Ada\"");
        // The finder by email is routed too: in READ_NEW the name comes from customer_name.
        assertThat(http().get("/customers?email=ada@example.com").body())
                .contains("\"id\":900001", "\"firstName\":\"Ada\"", "\"lastName\":\"Lovelace\"");
        assertThat(http().get("/customers?email=nobody@example.com").statusCode())
                .isEqualTo(404);
    }

    /** Rows of this test's two customers; other tests of the shared application write other ids. */
    private int count(String table, String idColumn) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM " + table + " WHERE " + idColumn + " IN (900001, 900002)", Integer.class);
    }

    private SampleHttp http() {
        return new SampleHttp(port);
    }
}
