package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Grafana dashboard in docs/dashboards queries only metrics the sample app publishes: after some generated
 * traffic, every metric name in the dashboard's queries is in {@code /actuator/prometheus}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardMetricsTest {

    private static final Path DASHBOARD = Path.of("..", "docs", "dashboards", "dualwrite.json");

    /** Published only for migrations whose sides live in two databases; the sample's share one. */
    private static final Set<String> CROSS_DATABASE_ONLY = Set.of("dualwrite_breaker_state");

    /** Published only for migrations that capture bypass writes; the sample's do not. */
    private static final Set<String> CAPTURE_ONLY = Set.of("dualwrite_bypass_writes_total", "dualwrite_bypass_pending");

    @LocalServerPort
    private int port;

    @Test
    void everyMetricTheDashboardQueriesIsPublished() throws Exception {
        Set<String> queried = new TreeSet<>();
        Matcher names = Pattern.compile("dualwrite_[a-z_]+").matcher(Files.readString(DASHBOARD));
        while (names.find()) {
            queried.add(names.group());
        }
        assertThat(queried)
                .hasSizeGreaterThan(10)
                .containsAll(CROSS_DATABASE_ONLY)
                .containsAll(CAPTURE_ONLY);

        SampleHttp http = new SampleHttp(port);
        http.post("/traffic", "{\"enabled\":true,\"rate\":100}");
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> http.get("/traffic").body().matches(".*\"reads\":[1-9][0-9]{2,}.*"));
        } finally {
            http.post("/traffic", "{\"enabled\":false}");
        }
        String scrape = http.get("/actuator/prometheus").body();

        for (String metric : queried) {
            if (!CROSS_DATABASE_ONLY.contains(metric) && !CAPTURE_ONLY.contains(metric)) {
                assertThat(scrape).as("the dashboard queries %s", metric).containsPattern("(?m)^" + metric + "[{ ]");
            }
        }
    }
}
