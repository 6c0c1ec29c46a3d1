package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.io.File;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The multi-instance drill: three sample-app JVMs on one PostgreSQL with their traffic generators on and a client
 * spreading requests over all three. The subscription migration is driven through the admin endpoint from
 * OLD_ONLY to READ_NEW, back to BACKFILL and forward again; in the middle of the backfill the instance copying is
 * killed with SIGKILL (another takes the copy over once its lease expires, and the barrier stops waiting for it
 * after its heartbeat timeout), and it is restarted. At the end: zero divergence by the verifier and by plain SQL,
 * no failed request but those sent to the killed instance, and an audit trail that tells the story.
 *
 * <p>Short form in {@code mvn verify}; the long form ({@code -Ddualwrite.drill.rows=200000}) is in
 * docs/benchmarks.md.
 */
class MultiInstanceDrillTest {

    private static final int ROWS = Integer.getInteger("dualwrite.drill.rows", 20_000);
    private static final String STATUS = "/actuator/dualwrite/subscriptions";

    private final List<Instance> instances = new ArrayList<>();
    private final Map<Integer, AtomicLong> failedRequests = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    /** A running sample-app JVM. */
    private record Instance(int number, int port, Process process) {
        SampleHttp http() {
            return new SampleHttp(port);
        }

        SampleHttp operator() {
            return new SampleHttp(port).asOperator();
        }
    }

    @AfterEach
    void stopInstances() {
        instances.forEach(i -> i.process().destroyForcibly());
    }

    @Test
    void threeInstancesMigrateThroughAKillAndARestart() throws Exception {
        TestDatabase database = TestDatabases.postgres();
        JdbcTemplate jdbc = prepare(database);
        for (int n = 0; n < 3; n++) {
            instances.add(start(database, n));
        }
        for (Instance instance : instances) {
            awaitUp(instance);
        }
        AtomicBoolean clientRunning = new AtomicBoolean(true);
        Thread client = new Thread(() -> spreadRequests(clientRunning));
        client.start();
        try {
            Instance driver = instances.get(0);
            act(driver, "advance", "start dual writes");
            awaitBarrier(driver, "BACKFILL", "copy the history");

            // Kill the instance that copies, mid-copy.
            await().atMost(Duration.ofSeconds(60)).until(() -> rowsCopied(driver) > 0 && leaseOwner(driver) != null);
            Instance copier = instanceOf(leaseOwner(driver));
            long copiedAtKill = rowsCopied(driver);
            assertThat(copiedAtKill).isLessThan(ROWS);
            copier.process().destroyForcibly().waitFor();
            instances.remove(copier);
            Instance survivor = instances.get(0);
            long killedPid = copier.process().pid();
            // The registry still lists the dead instance, until its heartbeat is older than the timeout.
            assertThat(status(survivor)).contains("\"id\":\"" + killedPid + "@");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !status(survivor).contains("\"id\":\"" + killedPid + "@"));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> leaseOwner(survivor) != null && pidOf(leaseOwner(survivor)) != killedPid);
            await().atMost(Duration.ofSeconds(120)).until(() -> status(survivor).contains("\"state\":\"COMPLETED\""));

            Instance restarted = start(database, copier.number());
            instances.add(restarted);
            awaitUp(restarted);

            verify(survivor);
            awaitBarrier(survivor, "READ_NEW", "the evidence is there");
            act(survivor, "rollback", "drill: back to BACKFILL");
            verify(survivor);
            awaitBarrier(survivor, "READ_NEW", "forward again");

            clientRunning.set(false);
            client.join(10_000);
            for (Instance instance : instances) {
                instance.http().post("/traffic", "{\"enabled\":false}");
            }
            Thread.sleep(1_000);
            verify(survivor);
            assertThat(status(survivor)).contains("\"divergences\":0", "\"ledger\":{\"size\":0");
            List<Map<String, Object>> legacy =
                    jdbc.queryForList("SELECT id, plan, status, renewal_date FROM customer ORDER BY id");
            List<Map<String, Object>> migrated = jdbc.queryForList(
                    "SELECT customer_id AS id, plan, status, renewal_date FROM subscription ORDER BY customer_id");
            assertThat(migrated).hasSizeGreaterThanOrEqualTo(ROWS).isEqualTo(legacy);
            for (Instance instance : instances) {
                assertThat(instance.http().get("/traffic").body())
                        .as("traffic generator of instance %d", instance.number())
                        .contains("\"failures\":0");
            }
            failedRequests.forEach((number, failed) -> assertThat(failed.get())
                    .as("client requests that failed on instance %d (killed: %d)", number, copier.number())
                    .isEqualTo(number == copier.number() ? failed.get() : 0));
            assertThat(requests.get()).isPositive();
            System.out.printf(
                    "Drill: %,d rows; instance %d killed after %,d rows copied; client requests %,d, failed %s;"
                            + " subscription rows %,d%n",
                    ROWS, copier.number(), copiedAtKill, requests.get(), failedRequests, migrated.size());
            String audit = status(survivor);
            assertThat(audit)
                    .contains("\"event\":\"ROLLED_BACK\"", "\"event\":\"COMPLETED\"", "\"actor\":\"operator\"");
        } finally {
            clientRunning.set(false);
        }
    }

    /** Fresh tables with ROWS customers, created once so that the instances' own schema scripts change nothing. */
    private static JdbcTemplate prepare(TestDatabase database) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
        for (String table : new String[] {"customer_name", "subscription", "customer"}) {
            jdbc.execute("DROP TABLE IF EXISTS " + table);
        }
        DualWriteSchema.create(database.dataSource());
        io.dualwrite.testsupport.DualWriteTables.forget(database.dataSource(), "subscriptions", "customer-name-split");
        for (String statement :
                Files.readString(Path.of("src/main/resources/schema.sql")).split(";")) {
            String sql = statement.replaceAll("(?m)^--.*$", "").strip();
            if (!sql.isEmpty()) {
                jdbc.execute(sql);
            }
        }
        jdbc.update("INSERT INTO customer (id, full_name, email, plan, status) SELECT g, 'First' || g || ' Last' || g,"
                + " NULL, 'free', 'active' FROM generate_series(1001, " + (1000 + ROWS) + ") g");
        return jdbc;
    }

    private Instance start(TestDatabase database, int number) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SampleApplication.class.getName(),
                        "--server.port=" + port,
                        "--spring.datasource.url=" + database.jdbcUrl(),
                        "--spring.datasource.username=" + database.user(),
                        "--spring.datasource.password=" + database.password(),
                        "--spring.sql.init.mode=never",
                        "--dualwrite.instances.heartbeat-interval=200ms",
                        "--dualwrite.instances.timeout=3s",
                        "--dualwrite.backfill.lease-duration=3s",
                        "--dualwrite.backfill.poll-interval=200ms",
                        "--dualwrite.migrations.subscriptions.backfill-max-rows-per-second="
                                + Math.max(1_000, ROWS / 8),
                        "--sample.traffic.enabled=true",
                        "--sample.traffic.rate=30"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/drill-instance-" + number + ".log")))
                .start();
        return new Instance(number, port, process);
    }

    private static void awaitUp(Instance instance) {
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> instance.http().get("/actuator/health").statusCode() == 200);
    }

    /** A client spreading reads and writes over every instance, as a load balancer would. */
    private void spreadRequests(AtomicBoolean running) {
        long n = 0;
        while (running.get()) {
            List<Instance> targets = List.copyOf(instances);
            Instance target = targets.get((int) (n % targets.size()));
            long id = 600 + (n % 300);
            try {
                HttpResponse<String> answer = n % 3 == 0
                        ? target.http().put("/customers/" + id, "{\"fullName\":\"Client " + n + "\",\"plan\":\"pro\"}")
                        : target.http().get("/customers/" + id);
                if (answer.statusCode() >= 500) {
                    failedRequests
                            .computeIfAbsent(target.number(), k -> new AtomicLong())
                            .incrementAndGet();
                }
            } catch (Exception e) {
                failedRequests
                        .computeIfAbsent(target.number(), k -> new AtomicLong())
                        .incrementAndGet();
            }
            requests.incrementAndGet();
            n++;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void act(Instance instance, String action, String reason) throws Exception {
        HttpResponse<String> answer =
                instance.operator().post(STATUS, "{\"action\":\"" + action + "\",\"reason\":\"" + reason + "\"}");
        assertThat(answer.statusCode()).as("%s: %s", action, answer.body()).isEqualTo(200);
    }

    /** Advances once the barrier lets it: every live instance applies the current phase. */
    private static void awaitBarrier(Instance instance, String target, String reason) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> instance.operator()
                        .post(STATUS, "{\"action\":\"advance\",\"reason\":\"" + reason + "\"}")
                        .body()
                        .contains("\"phase\":\"" + target + "\""));
    }

    private static void verify(Instance instance) throws Exception {
        String before = completedAt(instance);
        act(instance, "verify", "drill");
        await().atMost(Duration.ofSeconds(120))
                .until(() ->
                        completedAt(instance) != null && !completedAt(instance).equals(before));
    }

    private static String completedAt(Instance instance) throws Exception {
        Matcher m = Pattern.compile("\"verification\":\\{\"state\":\"COMPLETED\",\"lastCompletedAt\":\"([^\"]+)\"")
                .matcher(status(instance));
        return m.find() ? m.group(1) : null;
    }

    private static String status(Instance instance) throws Exception {
        return instance.operator().get(STATUS).body();
    }

    private static long rowsCopied(Instance instance) throws Exception {
        Matcher m = Pattern.compile("\"rowsCopied\":(\\d+)").matcher(status(instance));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String leaseOwner(Instance instance) throws Exception {
        Matcher m = Pattern.compile("\"leaseOwner\":\"([^\"]+)\"").matcher(status(instance));
        return m.find() ? m.group(1) : null;
    }

    /** The instance whose JVM (pid@host) owns an instance id. */
    private Instance instanceOf(String instanceId) {
        return instances.stream()
                .filter(i -> i.process().pid() == pidOf(instanceId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No running instance is " + instanceId));
    }

    private static long pidOf(String instanceId) {
        return Long.parseLong(instanceId.substring(0, instanceId.indexOf('@')));
    }
}
