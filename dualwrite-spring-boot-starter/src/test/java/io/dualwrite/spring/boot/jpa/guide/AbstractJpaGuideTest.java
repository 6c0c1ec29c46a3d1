package io.dualwrite.spring.boot.jpa.guide;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.Resync;
import io.dualwrite.core.shadow.QueryShadow;
import io.dualwrite.core.shadow.ShadowResult;
import io.dualwrite.spring.boot.DualWriteAutoConfiguration;
import io.dualwrite.spring.boot.DualWriteJdbcAutoConfiguration;
import io.dualwrite.spring.boot.DualWriteJpaAutoConfiguration;
import io.dualwrite.spring.boot.DualWriteResilienceAutoConfiguration;
import io.dualwrite.spring.boot.jpa.guide.onedatabase.Customer;
import io.dualwrite.spring.boot.jpa.guide.onedatabase.CustomerMigration;
import io.dualwrite.spring.boot.jpa.guide.onedatabase.CustomerName;
import io.dualwrite.spring.boot.jpa.guide.onedatabase.CustomerService;
import io.dualwrite.spring.boot.jpa.guide.onedatabase.FinishedCustomerService;
import io.dualwrite.spring.boot.jpa.guide.onedatabase.Product;
import io.dualwrite.spring.boot.jpa.guide.onedatabase.ProductPriceMigration;
import io.dualwrite.testsupport.DualWriteTables;
import io.dualwrite.testsupport.TestDatabase;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs the classes docs/jpa.md shows for one database ({@code guide.onedatabase}) as an application runs them:
 * the customer name split walked through every phase by its service, with the backfill, a verification that finds
 * a divergence planted with plain SQL, a rollback from DROP_OLD and its re-sync, finishing, and the service that
 * replaces it; the product price moved out of a product the application keeps, phase by phase. Both tables are read
 * with plain SQL at every step.
 */
abstract class AbstractJpaGuideTest {

    private static final String CUSTOMERS = CustomerMigration.NAME;
    private static final String PRICES = ProductPriceMigration.NAME;

    protected abstract TestDatabase database();

    private ApplicationContextRunner runner;

    /** The application of the guide: its @SpringBootApplication would be in the package of its entities. */
    @Configuration(proxyBeanMethods = false)
    @AutoConfigurationPackage(basePackageClasses = Customer.class)
    @Import({CustomerMigration.class, ProductPriceMigration.class, CustomerService.class})
    static class GuideApplication {}

    /** The same application once the customer migration is finished and its bean removed. */
    @Configuration(proxyBeanMethods = false)
    @AutoConfigurationPackage(basePackageClasses = Customer.class)
    @Import(FinishedCustomerService.class)
    static class FinishedApplication {}

    @BeforeEach
    void forgetEarlierRuns() {
        TestDatabase db = database();
        DualWriteTables.forget(db.dataSource(), CUSTOMERS, PRICES);
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        HibernateJpaAutoConfiguration.class,
                        DataJpaRepositoriesAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        DualWriteJpaAutoConfiguration.class,
                        DualWriteJdbcAutoConfiguration.class,
                        DualWriteResilienceAutoConfiguration.class,
                        DualWriteAutoConfiguration.class))
                .withPropertyValues(
                        "spring.datasource.url=" + db.jdbcUrl(),
                        "spring.datasource.username=" + db.user(),
                        "spring.datasource.password=" + db.password(),
                        "spring.jpa.open-in-view=false",
                        "dualwrite.refresh-interval=0s",
                        "dualwrite.backfill.initial-chunk-size=20",
                        "dualwrite.backfill.min-chunk-size=10",
                        "dualwrite.backfill.poll-interval=20ms",
                        "dualwrite.shadow-reads.sample-rate=1",
                        "dualwrite.shadow-reads.recheck-delay=20ms",
                        "dualwrite.gates.min-shadow-samples=0",
                        "dualwrite.gates.min-shadow-time=0s",
                        "dualwrite.gates.read-new-soak=0s");
    }

    @Test
    void theGuidesCustomerMigrationRunsThroughEveryPhaseRollsBackAndFinishes() {
        runner.withUserConfiguration(GuideApplication.class)
                .withPropertyValues("spring.jpa.hibernate.ddl-auto=create")
                .run(context -> {
                    CustomerService service = context.getBean(CustomerService.class);
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    assertThat(context.getBean("customerNameSplitDualRepository", DualRepository.class)
                                    .migration()
                                    .name())
                            .isEqualTo(CUSTOMERS);

                    // OLD_ONLY: the history, in OLD only.
                    Map<Long, String> expected = new TreeMap<>();
                    for (long id = 1; id <= 60; id++) {
                        save(service, expected, new Customer(id, "First" + id + " Last" + id, mail(id)));
                    }
                    assertThat(oldRows(context)).isEqualTo(expected);
                    assertThat(newRows(context)).isEmpty();
                    assertThat(service.find(1L)).map(CustomerName::getLastName).contains("Last1");

                    // DUAL_WRITE: every write reaches both sides, in the caller's transaction.
                    advance(dualWrite, "write both sides");
                    save(service, expected, new Customer(61, "Grace Brewster Hopper", "grace@navy.example"));
                    service.changeEmail(2, "two@other.example");
                    expected.put(2L, "First2 Last2|two@other.example");
                    assertThat(oldRows(context)).isEqualTo(expected);
                    assertThat(newRows(context)).containsOnlyKeys(2L, 61L);
                    assertThat(newRows(context)).containsEntry(61L, "Grace Brewster|Hopper|grace@navy.example");

                    // BACKFILL: the history is copied; both tables hold the same customers.
                    advance(dualWrite, "copy the history");
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(60))
                            .until(() ->
                                    dualWrite.backfill(CUSTOMERS).progress().state() == BackfillState.COMPLETED);
                    assertSidesEqual(context, expected);

                    // Routed queries answer NEW entities from OLD, and are compared with NEW.
                    assertThat(service.findByEmail("customer7@example.com"))
                            .map(CustomerName::getId)
                            .contains(7L);
                    assertThat(service.inDomain("@other.example"))
                            .extracting(CustomerName::getId)
                            .containsExactly(2L);
                    List<CustomerName> first = service.page(CustomerService.Page.after(0, 25));
                    assertThat(first)
                            .extracting(CustomerName::getId)
                            .startsWith(1L)
                            .hasSize(25);
                    List<CustomerName> next = service.page(CustomerService.Page.after(
                            first.get(first.size() - 1).getId(), 25));
                    assertThat(next)
                            .extracting(CustomerName::getId)
                            .startsWith(26L)
                            .hasSize(25);
                    assertThat(service.countInDomain("@example.com")).isEqualTo(59);
                    awaitMatches(dualWrite, "by-email", 1);
                    awaitMatches(dualWrite, "in-domain", 1);
                    awaitMatches(dualWrite, "page", 2);

                    // A divergence planted behind the library's back is found by the verification, then repaired.
                    assertThat(dualWrite.verify(CUSTOMERS).divergences()).isZero();
                    jdbc(context)
                            .update("UPDATE guide_customer_name SET last_name = 'Corrupted' WHERE customer_id = 7");
                    assertThat(dualWrite.verify(CUSTOMERS).divergences()).isEqualTo(1);
                    assertThat(dualWrite.repair(CUSTOMERS, 10).repaired()).isEqualTo(1);
                    assertThat(dualWrite.verify(CUSTOMERS).divergences()).isZero();
                    assertSidesEqual(context, expected);

                    // READ_NEW: NEW is the source of truth, written first; OLD is kept current through toOld.
                    advance(dualWrite, "read the new side");
                    assertThat(dualWrite.phase(CUSTOMERS)).isEqualTo(MigrationPhase.READ_NEW);
                    save(service, expected, new Customer(62, "Katherine Johnson", "katherine@nasa.example"));
                    service.delete(3);
                    expected.remove(3L);
                    assertSidesEqual(context, expected);
                    assertThat(service.countInDomain("@nasa.example")).isEqualTo(1);

                    // DROP_OLD: NEW only.
                    advance(dualWrite, "stop writing the old side");
                    save(service, expected, new Customer(63, "Margaret Hamilton", "margaret@mit.example"));
                    service.changeEmail(1, "one@other.example");
                    expected.put(1L, "First1 Last1|one@other.example");
                    assertThat(newRows(context)).isEqualTo(split(expected));
                    assertThat(oldRows(context)).doesNotContainKey(63L).containsEntry(1L, "First1 Last1|" + mail(1));

                    // Rollback to READ_NEW: the re-sync brings OLD up to date with what DROP_OLD wrote.
                    dualWrite.rollback(CUSTOMERS, TransitionRequest.by("alice", "a report still reads full_name"));
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> dualWrite
                                            .managed(CUSTOMERS)
                                            .resync()
                                            .map(Resync::state)
                                            .orElse(null)
                                    == Resync.State.COMPLETED);
                    assertSidesEqual(context, expected);

                    // Forward again, and finish.
                    advance(dualWrite, "the report reads customer_name now");
                    dualWrite.managed(CUSTOMERS).finish(TransitionRequest.by("alice", "nothing reads full_name"));
                    assertThat(dualWrite.managed(CUSTOMERS).finished()).isPresent();
                });

        // The deploy after finishing: no migration bean, NEW's own repository.
        runner.withUserConfiguration(FinishedApplication.class)
                .withPropertyValues("spring.jpa.hibernate.ddl-auto=none")
                .run(context -> {
                    assertThat(context).doesNotHaveBean("customerNameSplitDualRepository");
                    FinishedCustomerService service = context.getBean(FinishedCustomerService.class);
                    assertThat(service.find(63L)).map(CustomerName::getLastName).contains("Hamilton");
                    service.save(new CustomerName(64, "Dorothy", "Vaughan", "dorothy@nasa.example"));
                    assertThat(service.findByEmail("dorothy@nasa.example")).isPresent();
                    assertThat(oldRows(context)).doesNotContainKey(64L);
                });
    }

    @Test
    void theGuidesPriceMigrationWritesTheNameInEveryPhaseAndThePriceWhereThePhaseSays() {
        runner.withUserConfiguration(GuideApplication.class)
                .withPropertyValues("spring.jpa.hibernate.ddl-auto=create")
                .run(context -> {
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    @SuppressWarnings("unchecked")
                    DualRepository<Long, Product, ?> products =
                            context.getBean("productPricesDualRepository", DualRepository.class);
                    Map<Long, String> prices = new TreeMap<>();
                    for (MigrationPhase phase : MigrationPhase.values()) {
                        if (phase != MigrationPhase.OLD_ONLY) {
                            dualWrite.advance(PRICES, TransitionRequest.by("alice", "to " + phase));
                        }
                        if (phase == MigrationPhase.BACKFILL) {
                            Awaitility.await()
                                    .atMost(Duration.ofSeconds(60))
                                    .until(() -> dualWrite
                                                    .backfill(PRICES)
                                                    .progress()
                                                    .state()
                                            == BackfillState.COMPLETED);
                            assertThat(dualWrite.verify(PRICES).divergences()).isZero();
                        }
                        long id = phase.ordinal() + 1;
                        products.write(new Product(id, "Made in " + phase, new BigDecimal(id + ".50")));
                        products.write(new Product(100, "Renamed in " + phase, new BigDecimal(id + ".99")));

                        String products100 = productRows(context).get(100L);
                        assertThat(products100).startsWith("Renamed in " + phase + "|");
                        boolean writesOld = phase != MigrationPhase.DROP_OLD;
                        assertThat(productRows(context).get(id))
                                .isEqualTo("Made in " + phase + "|" + (writesOld ? id + ".50" : "null"));
                        if (writesOld) {
                            assertThat(products100).endsWith("|" + id + ".99");
                        }
                        if (phase != MigrationPhase.OLD_ONLY) {
                            prices.put(id, id + ".50");
                        }
                        prices.put(100L, id + ".99");
                        if (phase == MigrationPhase.BACKFILL) {
                            prices.put(1L, "1.50"); // written in OLD_ONLY, copied by the backfill
                        }
                        if (phase.ordinal() >= MigrationPhase.BACKFILL.ordinal()) {
                            assertThat(priceRows(context))
                                    .as("prices in " + phase)
                                    .isEqualTo(prices);
                        }
                    }
                });
    }

    private static void advance(DualWrite dualWrite, String reason) {
        dualWrite.advance(CUSTOMERS, TransitionRequest.by("alice", reason));
    }

    private static void save(CustomerService service, Map<Long, String> expected, Customer customer) {
        service.save(customer);
        expected.put(customer.getId(), customer.getFullName() + "|" + customer.getEmail());
    }

    private static String mail(long id) {
        return "customer" + id + "@example.com";
    }

    private static void awaitMatches(DualWrite dualWrite, String query, long count) {
        QueryShadow<?, ?> shadow = dualWrite.managed(CUSTOMERS).shadowReads().queries().stream()
                .filter(q -> q.name().equals(query))
                .findFirst()
                .orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        shadow.stats().count(ShadowResult.MATCH))
                .as(shadow.stats() + " " + shadow.recentMismatches())
                .isGreaterThanOrEqualTo(count));
        assertThat(shadow.stats().count(ShadowResult.MISMATCH)).isZero();
    }

    private static void assertSidesEqual(ApplicationContext context, Map<Long, String> expected) {
        assertThat(oldRows(context)).isEqualTo(expected);
        assertThat(newRows(context)).isEqualTo(split(expected));
    }

    /** The expected OLD rows (full name|email) as NEW rows (first|last|email). */
    private static Map<Long, String> split(Map<Long, String> oldRows) {
        Map<Long, String> rows = new TreeMap<>();
        oldRows.forEach((id, row) -> {
            int space = row.lastIndexOf(' ', row.indexOf('|'));
            rows.put(id, row.substring(0, space) + "|" + row.substring(space + 1));
        });
        return rows;
    }

    private static JdbcTemplate jdbc(ApplicationContext context) {
        return new JdbcTemplate(context.getBean(DataSource.class));
    }

    private static Map<Long, String> oldRows(ApplicationContext context) {
        return rows(context, "SELECT id, CONCAT(full_name, '|', email) FROM guide_customer");
    }

    private static Map<Long, String> newRows(ApplicationContext context) {
        return rows(
                context, "SELECT customer_id, CONCAT(first_name, '|', last_name, '|', email) FROM guide_customer_name");
    }

    private static Map<Long, String> productRows(ApplicationContext context) {
        Map<Long, String> rows = new TreeMap<>();
        jdbc(context).query("SELECT id, name, price FROM guide_product", rs -> {
            rows.put(rs.getLong(1), rs.getString(2) + "|" + rs.getString(3));
        });
        return rows;
    }

    private static Map<Long, String> priceRows(ApplicationContext context) {
        return rows(context, "SELECT product_id, amount FROM guide_price");
    }

    private static Map<Long, String> rows(ApplicationContext context, String sql) {
        Map<Long, String> rows = new TreeMap<>();
        jdbc(context).query(sql, rs -> {
            rows.put(rs.getLong(1), rs.getString(2));
        });
        return rows;
    }
}
