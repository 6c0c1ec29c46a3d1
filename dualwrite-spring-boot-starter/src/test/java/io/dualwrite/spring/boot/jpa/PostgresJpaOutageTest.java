package io.dualwrite.spring.boot.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.model.Side;
import io.dualwrite.spring.boot.jpa.people.PersonEntity;
import io.dualwrite.spring.boot.jpa.people.PersonNameEntity;
import io.dualwrite.spring.boot.jpa.people.PersonNameRepository;
import io.dualwrite.spring.boot.jpa.people.PersonRepository;
import io.dualwrite.testsupport.TcpProxy;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Primary;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A Spring Boot application with a JPA migration whose NEW entities live behind a second connection pool, reached
 * through a TCP proxy. During DUAL_WRITE under load the proxy is cut: every request still succeeds (the failure
 * policy records the keys for repair), the NEW side's breaker opens, and after recovery continuous repair brings
 * the two sides back to zero divergence, by the verifier and by plain SQL.
 */
@SpringBootTest(
        classes = PostgresJpaOutageTest.OutageApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class PostgresJpaOutageTest {

    // Found before the class rather than in a static initializer: without a database the class is then skipped
    // (an abort thrown from a static initializer would be an error), and the context is not started for nothing.
    private static TestDatabase database;
    private static TcpProxy proxy;
    private static final String MIGRATION = "jpa-outage";

    /** How long the outage lasts beyond the breaker opening: a moment in mvn verify, 30 s in the long drill. */
    private static final Duration OUTAGE = Duration.parse(System.getProperty("dualwrite.drill.outage", "PT1S"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        io.dualwrite.testsupport.DualWriteTables.forget(database.dataSource(), MIGRATION);
        registry.add("dualwrite.refresh-interval", () -> "0s");
        registry.add("dualwrite.repair-interval", () -> "200ms");
        registry.add("dualwrite.circuit-breaker.minimum-number-of-calls", () -> "5");
        registry.add("dualwrite.circuit-breaker.wait-duration-in-open-state", () -> "1s");
    }

    @BeforeAll
    static void findDatabase() {
        database = TestDatabases.postgres();
        proxy = proxyTo(database.jdbcUrl());
    }

    @AfterAll
    static void closeProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Autowired
    DualWrite dualWrite;

    @Autowired
    DualRepository<Long, PersonEntity, PersonNameEntity> people;

    @Autowired
    @Qualifier("oldDataSource")
    DataSource oldDataSource;

    @Test
    void requestsKeepSucceedingThroughAnOutageOfTheNewDatabaseAndRepairConvergesAfterIt() throws Exception {
        long seed = Long.getLong("dualwrite.seed", System.nanoTime());
        try {
            outage(new Random(seed));
        } catch (TestAbortedException e) {
            throw e;
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("Outage test failed; reproduce with -Ddualwrite.seed=" + seed, e);
        }
    }

    private void outage(Random random) throws Exception {
        dualWrite.advance(MIGRATION, TransitionRequest.by("test", "dual writes"));
        CircuitBreaker breaker = dualWrite.managed(MIGRATION).circuitBreakers().get(Side.NEW);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong requests = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        Future<?>[] load = new Future<?>[4];
        for (int c = 0; c < load.length; c++) {
            long clientSeed = random.nextLong();
            int client = c;
            load[c] = clients.submit(() -> {
                Random requestsOf = new Random(clientSeed);
                while (running.get()) {
                    // Each client owns its keys: two JPA saves creating one new id at once fail without dualwrite too.
                    long id = 1 + client + load.length * requestsOf.nextInt(40);
                    try {
                        switch (requestsOf.nextInt(10)) {
                            case 0 -> people.delete(id);
                            case 1, 2 -> people.read(id);
                            default ->
                                people.write(new PersonEntity(id, "Name" + requestsOf.nextInt(1000) + " Of" + id));
                        }
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        throw e;
                    }
                    requests.incrementAndGet();
                }
                return null;
            });
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> requests.get() > 300);

        proxy.cut();
        long beforeOutage = requests.get();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> requests.get() > beforeOutage + 300);
        // The drill's long form holds the outage longer: -Ddualwrite.drill.outage=PT30S (docs/benchmarks.md).
        Thread.sleep(OUTAGE.toMillis());
        assertThat(failures).as("requests failed during the outage").hasValue(0);
        // The keys are recorded in the source of truth's database; the NEW side's part of the ledger is unreachable.
        assertThat(dualWrite.migration(MIGRATION).ledger(Side.OLD).orElseThrow().size(MIGRATION))
                .isPositive();
        proxy.restore();

        long afterOutage = requests.get();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> breaker.getState() == CircuitBreaker.State.CLOSED && requests.get() > afterOutage + 300);
        running.set(false);
        for (Future<?> client : load) {
            client.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
        assertThat(failures).hasValue(0);

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .alias("the ledger drains; repairer totals so far: "
                        + dualWrite.managed(MIGRATION).repairer().totals())
                .until(() -> dualWrite.ledgerSize(MIGRATION) == 0);
        assertThat(dualWrite.verify(MIGRATION).divergences()).isZero();
        Map<Long, String> oldRows = new TreeMap<>();
        new JdbcTemplate(oldDataSource).query("SELECT id, full_name FROM jpa_person", rs -> {
            oldRows.put(rs.getLong(1), rs.getString(2));
        });
        Map<Long, String> newRows = new TreeMap<>();
        new JdbcTemplate(oldDataSource).query("SELECT id, first_name, last_name FROM jpa_person_name", rs -> {
            newRows.put(rs.getLong(1), rs.getString(2) + " " + rs.getString(3));
        });
        assertThat(oldRows).isNotEmpty();
        assertThat(newRows).isEqualTo(oldRows);
    }

    private static TcpProxy proxyTo(String jdbcUrl) {
        Matcher url = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/.*").matcher(jdbcUrl);
        if (!url.matches()) {
            throw new IllegalStateException("Cannot proxy " + jdbcUrl + "; expected jdbc:postgresql://host:port/db");
        }
        return TcpProxy.to(url.group(1), Integer.parseInt(url.group(2)));
    }

    private static String throughProxy(String jdbcUrl) {
        return jdbcUrl.replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
    }

    /** The application: OLD entities in one persistence unit, NEW ones in another, each with its own pool. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @ComponentScan(useDefaultFilters = false)
    static class OutageApplication {

        @Bean
        @Primary
        DataSource oldDataSource() {
            return pool(database.jdbcUrl(), "old");
        }

        @Bean
        DataSource newDataSource() {
            HikariDataSource pool = pool(throughProxy(database.jdbcUrl()), "new");
            pool.setConnectionTimeout(500);
            pool.addDataSourceProperty("connectTimeout", "1");
            pool.addDataSourceProperty("socketTimeout", "5");
            return pool;
        }

        @Bean
        @Primary
        LocalContainerEntityManagerFactoryBean oldEntityManagerFactory() {
            return unit("old", oldDataSource(), PersonEntity.class);
        }

        @Bean
        LocalContainerEntityManagerFactoryBean newEntityManagerFactory() {
            return unit("new", newDataSource(), PersonNameEntity.class);
        }

        @Bean
        @Primary
        JpaTransactionManager oldTransactionManager(@Qualifier("oldEntityManagerFactory") EntityManagerFactory emf) {
            return new JpaTransactionManager(emf);
        }

        @Bean
        JpaTransactionManager newTransactionManager(@Qualifier("newEntityManagerFactory") EntityManagerFactory emf) {
            return new JpaTransactionManager(emf);
        }

        @Bean
        Migration<Long, PersonEntity, PersonNameEntity> jpaOutage(
                PersonRepository people,
                PersonNameRepository names,
                @Qualifier("oldEntityManagerFactory") EntityManagerFactory oldUnit,
                @Qualifier("oldTransactionManager") PlatformTransactionManager oldTransactions,
                @Qualifier("newEntityManagerFactory") EntityManagerFactory newUnit,
                @Qualifier("newTransactionManager") PlatformTransactionManager newTransactions) {
            return Migration.builder(
                            MIGRATION,
                            Long.class,
                            JpaStore.of(people, PersonEntity.class, oldUnit, oldTransactions),
                            JpaStore.of(names, PersonNameEntity.class, newUnit, newTransactions))
                    .toNew(PersonNameEntity::of)
                    .equivalence(Equivalence.by(PersonNameEntity::content))
                    .failurePolicy(SecondaryFailurePolicy.RECORD_FOR_REPAIR)
                    .build();
        }

        private static HikariDataSource pool(String url, String name) {
            HikariDataSource pool = new HikariDataSource();
            pool.setJdbcUrl(url);
            pool.setUsername(database.user());
            pool.setPassword(database.password());
            pool.setMaximumPoolSize(6);
            pool.setPoolName("outage-" + name);
            return pool;
        }

        private static LocalContainerEntityManagerFactoryBean unit(
                String name, DataSource dataSource, Class<?> entity) {
            LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
            factory.setPersistenceUnitName(name);
            factory.setDataSource(dataSource);
            factory.setManagedTypes(PersistenceManagedTypes.of(entity.getName()));
            factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
            factory.setJpaPropertyMap(Map.of("hibernate.hbm2ddl.auto", "create-drop"));
            return factory;
        }

        @EnableJpaRepositories(
                basePackageClasses = PersonRepository.class,
                includeFilters =
                        @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = PersonRepository.class),
                entityManagerFactoryRef = "oldEntityManagerFactory",
                transactionManagerRef = "oldTransactionManager")
        @Configuration(proxyBeanMethods = false)
        static class OldRepositories {}

        @EnableJpaRepositories(
                basePackageClasses = PersonNameRepository.class,
                includeFilters =
                        @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = PersonNameRepository.class),
                entityManagerFactoryRef = "newEntityManagerFactory",
                transactionManagerRef = "newTransactionManager")
        @Configuration(proxyBeanMethods = false)
        static class NewRepositories {}
    }
}
