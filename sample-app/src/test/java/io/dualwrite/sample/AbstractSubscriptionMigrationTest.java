package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.TransitionRefusedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The sample's subscription migration, Stripe's canonical story, walked to READ_NEW while the built-in traffic
 * generator creates, updates, reads and deletes customers: no operation fails, and at the end the verifier and a
 * plain SQL comparison find the customer columns and the subscription table equal.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
abstract class AbstractSubscriptionMigrationTest {

    @LocalServerPort
    private int port;

    @Autowired
    private DualWrite dualWrite;

    @Autowired
    private JdbcTemplate jdbc;

    @Test
    @org.junit.jupiter.api.Order(1)
    void subscriptionsMoveToTheirOwnTableUnderGeneratedTraffic() throws Exception {
        String name = SubscriptionMigration.NAME;
        assertThat(http().post("/traffic", "{\"enabled\":true,\"rate\":200}").statusCode())
                .isEqualTo(200);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> operations("writes") > 50);

            move(name, MigrationPhase.DUAL_WRITE);
            await().atMost(Duration.ofSeconds(30)).until(() -> operations("writes") > 150);
            move(name, MigrationPhase.BACKFILL);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> dualWrite.backfill(name).progress().state() == BackfillState.COMPLETED);
            assertThat(dualWrite.verify(name).divergences()).isZero();
            move(name, MigrationPhase.READ_NEW);
            await().atMost(Duration.ofSeconds(30)).until(() -> operations("reads") > 300);
        } finally {
            assertThat(http().post("/traffic", "{\"enabled\":false}").body()).contains("\"running\":false");
        }

        assertThat(operations("failures")).isZero();
        assertThat(dualWrite.verify(name).divergences()).isZero();
        List<Map<String, Object>> legacy =
                jdbc.queryForList("SELECT id, plan, status, renewal_date FROM customer ORDER BY id");
        List<Map<String, Object>> migrated = jdbc.queryForList(
                "SELECT customer_id AS id, plan, status, renewal_date FROM subscription ORDER BY customer_id");
        assertThat(migrated).isNotEmpty().isEqualTo(legacy);

        String someone = legacy.get(0).get("ID").toString();
        jdbc.update("UPDATE customer SET plan = 'only-in-the-old-column' WHERE id = " + someone);
        assertThat(http().get("/customers/" + someone + "/subscription").body())
                .doesNotContain("only-in-the-old-column"); // READ_NEW reads the subscription table
    }

    /*
     * Once READ_NEW is reached (the test above walks there), a customer gets a second subscription through the new
     * model: it goes to the subscription table only (plain SQL), both are listed through the routed query, and no
     * move makes the customer row the source of truth again while the table holds it.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void aSecondSubscriptionIsAddedInTheNewModelOnceReadNewIsReached() throws Exception {
        String name = SubscriptionMigration.NAME;
        assertThat(dualWrite.phase(name)).isEqualTo(MigrationPhase.READ_NEW);
        assertThat(http().put("/customers/424242", "{\"fullName\":\"Ada Lovelace\",\"plan\":\"pro\"}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(http().get("/customers/424242/subscriptions").body()).contains("\"id\":424242", "\"plan\":\"pro\"");

        var added = http().post("/customers/424242/subscriptions", "{\"plan\":\"team\"}");

        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(added.body()).contains("\"plan\":\"team\"");
        List<Map<String, Object>> rows =
                jdbc.queryForList("SELECT id, plan FROM subscription WHERE customer_id = 424242 ORDER BY id");
        assertThat(rows).hasSize(2);
        assertThat(((Number) rows.get(1).get("id")).longValue()).isGreaterThanOrEqualTo(Subscription.FIRST_ADDED_ID);
        assertThat(jdbc.queryForObject("SELECT plan FROM customer WHERE id = 424242", String.class))
                .as("the customer row keeps its one subscription")
                .isEqualTo("pro");
        assertThat(http().get("/customers/424242/subscriptions").body())
                .contains("\"plan\":\"pro\"", "\"plan\":\"team\"");
        dualWrite.verify(name); // the test above planted one divergence; none may be about customer 424242
        String addedId = rows.get(1).get("id").toString();
        assertThat(dualWrite.managed(name).repairer().keysAhead(io.dualwrite.core.model.Side.NEW, 1_000))
                .doesNotContain("424242", addedId);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> dualWrite.rollback(name, TransitionRequest.forcedBy("test", "back to the customer row")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining("values-only-in-new");
    }

    @Test
    void theTrafficEndpointRefusesMalformedRequests() throws Exception {
        assertThat(http().post("/traffic", "{}").statusCode()).isEqualTo(400);
        assertThat(http().post("/traffic", "{\"enabled\":true,\"rate\":0}").body())
                .contains("rate must be 1 to 10000");
        assertThat(http().get("/traffic").body()).contains("\"running\":false");
    }

    /** Moves the migration, retrying while a write routed by the previous phase is still under way. */
    private void move(String name, MigrationPhase target) {
        await().atMost(Duration.ofSeconds(10))
                .ignoreException(TransitionRefusedException.class)
                .until(() -> dualWrite
                                .transition(name, target, TransitionRequest.by("test", "to " + target))
                                .phase()
                        == target);
    }

    private long operations(String kind) throws Exception {
        String body = http().get("/traffic").body();
        java.util.regex.Matcher count =
                java.util.regex.Pattern.compile("\"" + kind + "\":(\\d+)").matcher(body);
        return count.find() ? Long.parseLong(count.group(1)) : -1;
    }

    private SampleHttp http() {
        return new SampleHttp(port);
    }
}
