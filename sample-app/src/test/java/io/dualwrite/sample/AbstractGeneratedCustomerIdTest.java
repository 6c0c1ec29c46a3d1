package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.TransitionRefusedException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code POST /customers} creates a customer under an id from the name split's key sequence: customers created in
 * every phase of the name split (and after the rollback from DROP_OLD) get ids of the generated range, none twice,
 * and each id is found by plain SQL in the tables the phase writes; back in READ_NEW both tables hold every one.
 */
abstract class AbstractGeneratedCustomerIdTest {

    private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");

    @LocalServerPort
    private int port;

    @Autowired
    private DualWrite dualWrite;

    @Autowired
    private JdbcTemplate jdbc;

    @Test
    void customersCreatedInEveryPhaseGetGeneratedIdsThatNeverCollideAndLandInBothTables() throws Exception {
        String name = NameSplitMigration.NAME;
        Map<Long, String> created = new LinkedHashMap<>();
        List<MigrationPhase> walk = List.of(
                MigrationPhase.OLD_ONLY,
                MigrationPhase.DUAL_WRITE,
                MigrationPhase.BACKFILL,
                MigrationPhase.READ_NEW,
                MigrationPhase.DROP_OLD,
                MigrationPhase.READ_NEW); // DROP_OLD -> READ_NEW: the re-sync brings the names created in DROP_OLD back
        for (MigrationPhase phase : walk) {
            move(name, phase);
            for (int i = 0; i < 3; i++) {
                String fullName = "Grace " + phase.name().replace('_', ' ') + " Hopper " + i;
                long id = create(fullName, "grace" + created.size() + "@example.com");
                assertThat(created.put(id, fullName))
                        .as("id " + id + " handed out twice")
                        .isNull();
                assertThat(id).isBetween(NameSplitMigration.FIRST_GENERATED_ID, Subscription.FIRST_ADDED_ID - 1);
                assertThat(jdbc.queryForObject("SELECT email FROM customer WHERE id = ?", String.class, id))
                        .isEqualTo("grace" + (created.size() - 1) + "@example.com");
                if (phase != MigrationPhase.DROP_OLD) {
                    assertThat(jdbc.queryForObject("SELECT full_name FROM customer WHERE id = ?", String.class, id))
                            .isEqualTo(fullName);
                }
                if (phase != MigrationPhase.OLD_ONLY) {
                    assertThat(jdbc.queryForObject(
                                    "SELECT first_name || ' ' || last_name FROM customer_name WHERE customer_id = ?",
                                    String.class,
                                    id))
                            .isEqualTo(fullName);
                }
                assertThat(http().get("/customers/" + id).body()).contains(fullName.substring(6));
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> oldResynced(name));
        for (Map.Entry<Long, String> customer : created.entrySet()) {
            assertThat(jdbc.queryForList(
                            "SELECT c.full_name, n.first_name || ' ' || n.last_name AS split FROM customer c"
                                    + " JOIN customer_name n ON n.customer_id = c.id WHERE c.id = ?",
                            customer.getKey()))
                    .as("customer %s in both tables", customer.getKey())
                    .singleElement()
                    .satisfies(row -> assertThat(new HashSet<>(row.values())).containsExactly(customer.getValue()));
        }
        assertThat(dualWrite.verify(name).divergences()).isZero();
    }

    @Test
    void putRefusesTheGeneratedIdsAndTheAddedSubscriptionsIds() throws Exception {
        String body = "{\"fullName\":\"Ada Lovelace\"}";

        HttpResponse<String> generated = http().put("/customers/" + NameSplitMigration.FIRST_GENERATED_ID, body);
        HttpResponse<String> subscription = http().put("/customers/" + Subscription.FIRST_ADDED_ID, body);

        assertThat(generated.statusCode()).isEqualTo(400);
        assertThat(generated.body()).contains("are generated: POST /customers creates a customer with one");
        assertThat(subscription.statusCode()).isEqualTo(400);
        assertThat(subscription.body()).contains("belong to added subscriptions");
        assertThat(http().put("/customers/" + (NameSplitMigration.FIRST_GENERATED_ID - 1), body)
                        .statusCode())
                .isEqualTo(200);
        assertThat(http().post("/customers", "{\"email\":\"nobody@example.com\"}")
                        .statusCode())
                .isEqualTo(400);
    }

    private long create(String fullName, String email) throws Exception {
        HttpResponse<String> response = http().post(
                        "/customers",
                        "{\"fullName\":\"" + fullName + "\",\"email\":\"" + email + "\",\"plan\":\"pro\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        Matcher id = ID.matcher(response.body());
        assertThat(id.find()).as(response.body()).isTrue();
        assertThat(response.headers().firstValue("Location")).hasValue("/customers/" + id.group(1));
        assertThat(response.body()).contains("\"plan\":\"pro\"");
        return Long.parseLong(id.group(1));
    }

    private boolean oldResynced(String name) {
        return dualWrite.gates(name, MigrationPhase.BACKFILL).stream()
                .filter(g -> g.name().equals("old-side-resynced"))
                .allMatch(io.dualwrite.core.model.GateResult::passed);
    }

    /** Moves the name split, waiting for the backfill and verifying before READ_NEW, as an operator would. */
    private void move(String name, MigrationPhase target) {
        if (dualWrite.phase(name) == target) {
            return;
        }
        if (target == MigrationPhase.READ_NEW && dualWrite.phase(name) == MigrationPhase.BACKFILL) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> dualWrite.backfill(name).progress().state() == BackfillState.COMPLETED);
            assertThat(dualWrite.verify(name).divergences()).isZero();
        }
        await().atMost(Duration.ofSeconds(20))
                .ignoreException(TransitionRefusedException.class)
                .until(() -> dualWrite
                                .transition(name, target, TransitionRequest.by("test", "to " + target))
                                .phase()
                        == target);
    }

    private SampleHttp http() {
        return new SampleHttp(port);
    }
}
