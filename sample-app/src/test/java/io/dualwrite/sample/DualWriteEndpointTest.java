package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.TransitionGuard;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.PhaseTransition;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/** The admin endpoint over HTTP: the status contract, every action, and the 400/404/409 answers. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:endpoint-test;DB_CLOSE_DELAY=-1",
            "dualwrite.backfill.poll-interval=50ms"
        })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DualWriteEndpointTest {

    private static final String MIGRATION = "/actuator/dualwrite/customer-name-split";

    @LocalServerPort
    private int port;

    /** A gate that holds READ_NEW back, to see a refusal. */
    @TestConfiguration
    static class HoldReadNew {
        @Bean
        TransitionGuard holdReadNew() {
            return (migration, transition) -> transition == PhaseTransition.BACKFILL_TO_READ_NEW
                    ? List.of(GateResult.fail("test-hold", "held back by the test"))
                    : List.of(GateResult.pass("test-hold", "nothing to hold"));
        }
    }

    @Test
    @Order(1)
    void listsMigrationsWithTheirPhase() throws Exception {
        HttpResponse<String> list = http().get("/actuator/dualwrite");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("{\"name\":\"customer-name-split\",\"phase\":\"OLD_ONLY\"}");
    }

    @Test
    @Order(2)
    void statusHasTheDocumentedFields() throws Exception {
        HttpResponse<String> status = http().get(MIGRATION);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body())
                .contains(
                        "\"name\":\"customer-name-split\"",
                        "\"phase\":\"OLD_ONLY\"",
                        "\"allowedTransitions\":[\"DUAL_WRITE\"]",
                        "\"gates\":[{\"name\":\"all-instances-applied\",\"passed\":true,\"detail\":\"1 of 1 live"
                                + " instances apply OLD_ONLY (version 0)\"},{\"name\":\"test-hold\",\"passed\":true,"
                                + "\"detail\":\"nothing to hold\"}]",
                        "\"backfill\":{\"state\":\"IDLE\"",
                        "\"rowsCopied\":0",
                        "\"rowsEstimated\":0",
                        "\"rowsPerSecond\"",
                        "\"eta\"",
                        "\"shadowReads\":{\"counts\":",
                        "\"mismatchRate\":",
                        "\"verification\":{\"state\":\"IDLE\"",
                        "\"lastCompletedAt\"",
                        "\"divergences\":0",
                        "\"ledger\":{\"size\":0,\"error\":null}",
                        "\"instances\":[{\"id\":",
                        "\"lastSeen\"",
                        "\"audit\":[]");
    }

    @Test
    @Order(3)
    void anUnknownMigrationIs404() throws Exception {
        assertThat(http().get("/actuator/dualwrite/no-such-migration").statusCode())
                .isEqualTo(404);
        HttpResponse<String> post = http().post("/actuator/dualwrite/no-such-migration", "{\"action\":\"advance\"}");
        assertThat(post.statusCode()).isEqualTo(404);
        assertThat(post.body()).contains("registered migrations are [customer-name-split, subscriptions]");
    }

    @Test
    @Order(4)
    void malformedRequestsAre400AndChangeNothing() throws Exception {
        assertThat(http().post(MIGRATION, "{\"action\":\"jump\"}").body()).contains("Unknown action 'jump'");
        assertThat(http().post(MIGRATION, "{\"action\":\"jump\"}").statusCode()).isEqualTo(400);
        assertThat(http().post(MIGRATION, "{\"target\":\"READ_NEW\"}").statusCode())
                .isEqualTo(400);
        assertThat(http().post(MIGRATION, "not json").statusCode()).isEqualTo(400);
        HttpResponse<String> noReason = http().post(MIGRATION, "{\"action\":\"force\",\"target\":\"DUAL_WRITE\"}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("'force' needs a \\\"reason\\\"");
        assertThat(http().post(MIGRATION, "{\"action\":\"force\",\"target\":\"SIDEWAYS\",\"reason\":\"x\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(http().get(MIGRATION).body()).contains("\"phase\":\"OLD_ONLY\"");
    }

    @Test
    @Order(5)
    void advanceMovesForwardAndIsAudited() throws Exception {
        HttpResponse<String> advanced =
                http().post(MIGRATION, "{\"action\":\"advance\",\"reason\":\"start dual writes\"}");
        assertThat(advanced.statusCode()).isEqualTo(200);
        assertThat(advanced.body())
                .contains(
                        "\"phase\":\"DUAL_WRITE\"",
                        "\"event\":\"ADVANCED\"",
                        "\"actor\":\"operator\"",
                        "\"reason\":\"start dual writes\"");
    }

    @Test
    @Order(6)
    void anIllegalMoveIs409() throws Exception {
        HttpResponse<String> illegal =
                http().post(MIGRATION, "{\"action\":\"force\",\"target\":\"DROP_OLD\",\"reason\":\"skip ahead\"}");
        assertThat(illegal.statusCode()).isEqualTo(409);
        assertThat(illegal.body()).contains("cannot move from DUAL_WRITE to DROP_OLD");
    }

    @Test
    @Order(7)
    void backfillActionsAndARefusedMoveWithItsGates() throws Exception {
        http().put("/customers/1", "{\"fullName\":\"Ada Lovelace\",\"email\":null}");
        assertThat(http().post(MIGRATION, "{\"action\":\"advance\"}").body()).contains("\"phase\":\"BACKFILL\"");
        assertThat(http().post(MIGRATION, "{\"action\":\"pause-backfill\"}").statusCode())
                .isEqualTo(200);
        assertThat(http().post(MIGRATION, "{\"action\":\"resume-backfill\"}").statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> http().get(MIGRATION).body().contains("\"state\":\"COMPLETED\""));

        HttpResponse<String> refused = http().post(MIGRATION, "{\"action\":\"advance\",\"reason\":\"looks done\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body())
                .contains(
                        "\"error\":\"transition-refused\"",
                        "\"failedGates\":[",
                        "{\"name\":\"verified-after-backfill\",\"passed\":false,",
                        "{\"name\":\"test-hold\",\"passed\":false,\"detail\":\"held back by the test\"}");
        assertThat(http().get(MIGRATION).body()).contains("\"phase\":\"BACKFILL\"", "\"event\":\"REFUSED\"");
    }

    @Test
    @Order(8)
    void verifyRepairForceAndRollback() throws Exception {
        assertThat(http().post(MIGRATION, "{\"action\":\"verify\"}").statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> http().get(MIGRATION).body().contains("\"verification\":{\"state\":\"COMPLETED\""));
        assertThat(http().post(MIGRATION, "{\"action\":\"repair\"}").statusCode())
                .isEqualTo(200);

        HttpResponse<String> forced = http().post(
                        MIGRATION, "{\"action\":\"force\",\"target\":\"READ_NEW\",\"reason\":\"gate is a test stub\"}");
        assertThat(forced.statusCode()).isEqualTo(200);
        assertThat(forced.body()).contains("\"phase\":\"READ_NEW\"", "\"event\":\"FORCED\"");

        HttpResponse<String> back = http().post(MIGRATION, "{\"action\":\"rollback\",\"reason\":\"drill\"}");
        assertThat(back.body()).contains("\"phase\":\"BACKFILL\"", "\"event\":\"ROLLED_BACK\"");
    }

    @Test
    @Order(9)
    void finishingInDropOldIsThePointOfNoReturn() throws Exception {
        http().post(MIGRATION, "{\"action\":\"force\",\"target\":\"READ_NEW\",\"reason\":\"gate is a test stub\"}");
        HttpResponse<String> dropOld =
                http().post(MIGRATION, "{\"action\":\"force\",\"target\":\"DROP_OLD\",\"reason\":\"soaked\"}");
        assertThat(dropOld.body())
                .contains("\"phase\":\"DROP_OLD\"", "\"finishing\":{\"finished\":false", "Finish the migration");

        HttpResponse<String> noReason = http().post(MIGRATION, "{\"action\":\"finish\"}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("'finish' needs a \\\"reason\\\"");

        HttpResponse<String> finished =
                http().post(MIGRATION, "{\"action\":\"finish\",\"reason\":\"nothing reads the old column\"}");
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body())
                .contains("\"event\":\"FINISHED\"", "\"finishing\":{\"finished\":true", "Remove the migration bean");

        HttpResponse<String> back = http().post(MIGRATION, "{\"action\":\"rollback\",\"reason\":\"too late\"}");
        assertThat(back.statusCode()).isEqualTo(409);
        assertThat(back.body()).contains("was finished by");
    }

    private SampleHttp http() {
        return new SampleHttp(port).asOperator();
    }
}
