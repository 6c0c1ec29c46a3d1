package io.dualwrite.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.MutableClock;
import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.RoutedListQuery;
import io.dualwrite.core.RoutedQuery;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.InMemoryBackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.testsupport.TestDatabases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class DualWriteMetricsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));

    @Test
    void gaugesFollowThePhaseAndTheBackfill() {
        DataSource dataSource = TestDatabases.h2().dataSource();
        People.createTables(dataSource, "metrics");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        for (long id = 1; id <= 40; id++) {
            People.oldStore(transactions, "metrics").upsert(new Person(id, "A B"));
        }
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "names",
                        Long.class,
                        People.oldStore(transactions, "metrics"),
                        People.newStore(transactions, "metrics"))
                .toNew(People::split)
                .build();
        DualWrite dualWrite = DualWrite.builder(new InMemoryPhaseStore())
                .singleInstance()
                .migration(migration)
                .backfillStore(new InMemoryBackfillStore())
                .backfillOptions(BackfillOptions.defaults().withChunkSizes(10, 10, 10))
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new DualWriteMetrics(dualWrite, clock).bindTo(registry);

        assertThat(gauge(registry, "dualwrite.migration.phase")).isEqualTo(0);
        assertThat(registry.get("dualwrite.backfill.state")
                        .tag("state", "IDLE")
                        .gauge()
                        .value())
                .isEqualTo(1);

        dualWrite.advance("names", TransitionRequest.by("ops", null));
        dualWrite.advance("names", TransitionRequest.by("ops", null));
        assertThat(((Backfill<?, ?, ?>) dualWrite.backfill("names")).run(() -> true))
                .isEqualTo(Backfill.Outcome.COMPLETED);
        clock.advance(Duration.ofSeconds(2));

        assertThat(gauge(registry, "dualwrite.migration.phase")).isEqualTo(2);
        assertThat(gauge(registry, "dualwrite.backfill.rows.copied")).isEqualTo(40);
        assertThat(gauge(registry, "dualwrite.backfill.rows.estimated")).isEqualTo(40);
        assertThat(gauge(registry, "dualwrite.backfill.progress")).isEqualTo(1.0);
        assertThat(registry.get("dualwrite.backfill.state")
                        .tag("state", "COMPLETED")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(registry.get("dualwrite.backfill.state")
                        .tag("state", "RUNNING")
                        .gauge()
                        .value())
                .isZero();
    }

    @Test
    void writeOutcomesAreCountedPerSide() {
        DataSource dataSource = TestDatabases.h2().dataSource();
        People.createTables(dataSource, "metrics_writes");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "names",
                        Long.class,
                        People.oldStore(transactions, "metrics_writes"),
                        People.newStore(transactions, "metrics_writes"))
                .toNew(People::split)
                .build();
        DualWrite dualWrite = DualWrite.builder(new InMemoryPhaseStore())
                .singleInstance()
                .migration(migration)
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new DualWriteMetrics(dualWrite, clock).bindTo(registry);
        var people = dualWrite.repository(migration);

        people.write(new Person(1, "Ada Lovelace")); // OLD_ONLY
        dualWrite.advance("names", TransitionRequest.by("ops", null));
        people.write(new Person(2, "Alan Turing"));
        people.delete(1L);
        People.execute(dataSource, "DROP TABLE metrics_writes_new");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> people.write(new Person(3, "Grace Hopper")))
                .isInstanceOf(RuntimeException.class);

        assertThat(writes(registry, "old", "success")).isEqualTo(3);
        assertThat(writes(registry, "new", "success")).isEqualTo(2);
        assertThat(writes(registry, "old", "failure")).isEqualTo(1);
        assertThat(writes(registry, "new", "failure")).isEqualTo(1);
    }

    @Test
    void aMigrationAcrossTwoDatabasesPublishesItsBreakerStates() {
        DataSource first = TestDatabases.h2().dataSource();
        DataSource second = new org.h2.jdbcx.JdbcDataSource();
        ((org.h2.jdbcx.JdbcDataSource) second).setURL("jdbc:h2:mem:metrics-second;DB_CLOSE_DELAY=-1");
        People.createTables(first, "metrics_cross");
        People.createTables(second, "metrics_cross");
        io.dualwrite.core.jdbc.DualWriteSchema.create(first);
        io.dualwrite.core.jdbc.DualWriteSchema.create(second);
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "names",
                        Long.class,
                        People.oldStore(JdbcTransactions.of(first), "metrics_cross"),
                        People.newStore(JdbcTransactions.of(second), "metrics_cross"))
                .toNew(People::split)
                .build();
        DualWrite dualWrite = DualWrite.builder(new InMemoryPhaseStore())
                .singleInstance()
                .migration(migration)
                .circuitBreakers(io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.ofDefaults())
                .build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new DualWriteMetrics(dualWrite, clock).bindTo(registry);

        assertThat(registry.get("dualwrite.breaker.state")
                        .tag("migration", "names")
                        .tag("side", "new")
                        .tag("state", "closed")
                        .gauge()
                        .value())
                .isEqualTo(1);
        dualWrite
                .managed("names")
                .circuitBreakers()
                .get(io.dualwrite.core.model.Side.NEW)
                .transitionToOpenState();
        assertThat(registry.get("dualwrite.breaker.state")
                        .tag("side", "new")
                        .tag("state", "open")
                        .gauge()
                        .value())
                .isEqualTo(1);
    }

    @Test
    void routedQueriesHaveMetersTaggedWithTheirNameAlsoWhenDeclaredAfterBinding() {
        DataSource dataSource = TestDatabases.h2().dataSource();
        People.createTables(dataSource, "metrics_queries");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "names",
                        Long.class,
                        People.oldStore(transactions, "metrics_queries"),
                        People.newStore(transactions, "metrics_queries"))
                .toNew(People::split)
                .build();
        DualWrite dualWrite = DualWrite.builder(new InMemoryPhaseStore())
                .singleInstance()
                .migration(migration)
                .shadowReads(ShadowReadOptions.defaults().withSampleRate(1).withRecheckDelay(Duration.ofMillis(10)))
                .build();
        var people = dualWrite.repository(migration);
        RoutedQuery<Long, PersonName> before =
                people.query("before-binding", id -> migration.oldStore().read(id), id -> migration
                        .newStore()
                        .read(id));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new DualWriteMetrics(dualWrite, clock).bindTo(registry);
        RoutedListQuery<Long, PersonName> after =
                people.listQuery("after-binding", id -> migration.oldStore().scan(null, id, 10), id -> migration
                        .newStore()
                        .scan(null, id, 10));
        dualWrite.advance("names", TransitionRequest.by("ops", null));
        people.write(new Person(1, "Ada Lovelace"));
        people.write(new Person(2, "Alan Turing"));
        People.execute(dataSource, "UPDATE metrics_queries_new SET last_name = 'Changed' WHERE id = 2");

        before.find(1L);
        after.list(2L);

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(queries(registry, "before-binding", "match")).isEqualTo(1);
            assertThat(queries(registry, "after-binding", "mismatch")).isEqualTo(1);
        });
        assertThat(queries(registry, "after-binding", "match")).isZero();
        assertThat(registry.get("dualwrite.shadow.query.mismatch.rate")
                        .tag("query", "after-binding")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        assertThat(registry.get("dualwrite.query.latency")
                        .tag("migration", "names")
                        .tag("query", "before-binding")
                        .tag("side", "primary")
                        .functionTimer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("dualwrite.query.latency")
                        .tag("query", "after-binding")
                        .tag("side", "candidate")
                        .functionTimer()
                        .count())
                .isEqualTo(2); // both looks
        dualWrite.close();
    }

    private static double queries(SimpleMeterRegistry registry, String query, String result) {
        return registry.get("dualwrite.shadow.queries")
                .tag("migration", "names")
                .tag("query", query)
                .tag("result", result)
                .functionCounter()
                .count();
    }

    private static double writes(SimpleMeterRegistry registry, String side, String outcome) {
        return registry.get("dualwrite.writes")
                .tag("migration", "names")
                .tag("side", side)
                .tag("outcome", outcome)
                .functionCounter()
                .count();
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("migration", "names").gauge().value();
    }
}
