package io.dualwrite.spring.boot.jpa.kept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.Resync;
import io.dualwrite.spring.boot.jpa.JpaStores;
import io.dualwrite.spring.boot.jpa.JpaTestContexts;
import io.dualwrite.testsupport.DualWriteTables;
import io.dualwrite.testsupport.TestDatabase;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A JPA migration that moves some attributes of an entity the application keeps ({@code JpaStore.migrating}): a
 * product's price moves to its own entity, its name stays and is written in every phase, DROP_OLD included; the
 * re-sync after DROP_OLD brings prices back without touching names; divergences of entities that are equal by id
 * and have no {@code toString} are reported field by field. Both tables are read with plain SQL.
 */
abstract class AbstractJpaKeptAttributesTest {

    private static final String NAME = KeptAttributesApplication.MIGRATION;

    protected abstract TestDatabase database();

    private ApplicationContextRunner runner;

    @BeforeEach
    void forgetEarlierRuns() {
        TestDatabase db = database();
        DualWriteTables.forget(db.dataSource(), NAME);
        runner = JpaTestContexts.runner(
                db,
                KeptAttributesApplication.class,
                "dualwrite.refresh-interval=0s",
                "dualwrite.backfill.initial-chunk-size=50",
                "dualwrite.backfill.min-chunk-size=10",
                "dualwrite.backfill.max-chunk-size=200",
                "dualwrite.backfill.poll-interval=20ms");
    }

    @Test
    void theNameIsWrittenInEveryPhaseAndThePriceWhereThePhaseWritesOld() {
        runner.run(context -> {
            DualRepository<Long, ProductEntity, PriceEntity> products = repository(context);
            Map<Long, String> expectedOld = new TreeMap<>();
            for (MigrationPhase phase : MigrationPhase.values()) {
                moveTo(context, phase);
                long id = phase.ordinal() + 1;
                products.write(new ProductEntity(id, "Created in " + phase, new BigDecimal("1.50")));
                products.write(new ProductEntity(100, "Renamed in " + phase, new BigDecimal(id + ".25")));

                boolean writesOld = phase.writes(Side.OLD);
                String oldPrice100 =
                        writesOld ? id + ".25" : expectedOld.get(100L).split("\\|")[1];
                expectedOld.put(id, "Created in " + phase + "|" + (writesOld ? "1.50" : "null"));
                expectedOld.put(100L, "Renamed in " + phase + "|" + oldPrice100);
                assertThat(oldRows(context)).as("OLD in " + phase).isEqualTo(expectedOld);
                // The backfill may copy earlier keys meanwhile: NEW is checked for this phase's writes.
                Map<Long, String> newRows = newRows(context);
                if (phase.writes(Side.NEW)) {
                    assertThat(newRows)
                            .as("NEW in " + phase)
                            .containsEntry(id, "1.50")
                            .containsEntry(100L, id + ".25");
                } else {
                    assertThat(newRows).as("NEW in " + phase).doesNotContainKeys(id, 100L);
                }
            }
        });
    }

    @Test
    void theApplicationsDeleteRemovesTheEntityInEveryPhase() {
        runner.run(context -> {
            DualRepository<Long, ProductEntity, PriceEntity> products = repository(context);
            for (MigrationPhase phase : MigrationPhase.values()) {
                moveTo(context, phase);
                products.write(new ProductEntity(7, "Seven", new BigDecimal("7.00")));
                products.delete(7L);
                assertThat(oldRows(context)).as("OLD in " + phase).doesNotContainKey(7L);
                assertThat(newRows(context)).as("NEW in " + phase).doesNotContainKey(7L);
            }
        });
    }

    /*
     * Interleaving (one instance, one database):
     *   1. 200 products written in DUAL_WRITE; BACKFILL copies them; a verification finds NEW equal; READ_NEW;
     *      DROP_OLD.
     *   2. DROP_OLD: products 1..20 get a new name and a new price; product 300 is created (OLD gets its name only);
     *      product 30 is deleted.
     *   3. DROP_OLD -> READ_NEW: the re-sync copies NEW's prices into OLD, mapped back with no name.
     * The re-sync must write the price only: copying the whole entity back would clear every name.
     */
    @Test
    void aRollbackFromDropOldBringsPricesBackAndKeepsEveryName() {
        runner.run(context -> {
            DualWrite dualWrite = context.getBean(DualWrite.class);
            DualRepository<Long, ProductEntity, PriceEntity> products = repository(context);
            Map<Long, String> expectedOld = new TreeMap<>();
            for (long id = 1; id <= 200; id++) {
                context.getBean(ProductRepository.class)
                        .save(new ProductEntity(id, "Product " + id, new BigDecimal(id + ".00")));
                expectedOld.put(id, "Product " + id + "|" + id + ".00");
            }
            moveTo(context, MigrationPhase.BACKFILL);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> dualWrite.backfill(NAME).progress().state() == BackfillState.COMPLETED);
            assertThat(dualWrite.verify(NAME).divergences()).isZero();
            moveTo(context, MigrationPhase.DROP_OLD);
            for (long id = 1; id <= 20; id++) {
                products.write(new ProductEntity(id, "Renamed " + id, new BigDecimal(id + ".99")));
                expectedOld.put(id, "Renamed " + id + "|" + id + ".99");
            }
            products.write(new ProductEntity(300, "Created in DROP_OLD", new BigDecimal("3.00")));
            products.delete(30L);
            expectedOld.remove(30L);
            assertThat(oldRows(context)).containsEntry(300L, "Created in DROP_OLD|null");
            expectedOld.put(300L, "Created in DROP_OLD|3.00");

            dualWrite.transition(NAME, MigrationPhase.READ_NEW, TransitionRequest.by("test", "roll back"));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() ->
                            dualWrite.managed(NAME).resync().map(Resync::state).orElse(null) == Resync.State.COMPLETED);

            assertThat(oldRows(context)).isEqualTo(expectedOld);
            Map<Long, String> prices = new TreeMap<>();
            expectedOld.forEach((id, row) -> prices.put(id, row.split("\\|")[1]));
            assertThat(newRows(context)).isEqualTo(prices);

            // Entities equal by id and without a toString: the verifier reports which attribute differs, and how.
            jdbc(context).update("UPDATE jpa_price SET amount = 0.01 WHERE product_id = 5");
            assertThat(dualWrite.verify(NAME).divergences()).isEqualTo(1);
            String detail = jdbc(context)
                    .queryForObject(
                            "SELECT detail FROM dualwrite_divergence WHERE migration = ? AND entity_key = '5'",
                            String.class,
                            NAME);
            assertThat(detail).isEqualTo("DIFFERENT in amount");
        });
    }

    /*
     * Interleaving (one instance, one database, the caller's transaction):
     *   1. The caller's transaction takes a reference to product 5 (getReferenceById, as code that links an order
     *      to a product does): its persistence context holds an uninitialized Hibernate proxy of it.
     *   2. In that transaction, the caller writes product 5 detached, renamed and repriced, through the migration.
     *   3. The store's locking find returns the proxy from the persistence context; the attributes are copied onto
     *      the proxy object's own fields, not onto the entity behind it, so nothing is flushed.
     * The write must reach OLD as it does without the reference.
     */
    @Test
    void aWriteInATransactionThatHoldsAReferenceToTheEntityReachesOld() {
        runner.run(context -> {
            DualRepository<Long, ProductEntity, PriceEntity> products = repository(context);
            moveTo(context, MigrationPhase.DUAL_WRITE);
            products.write(new ProductEntity(5, "Five", new BigDecimal("5.00")));
            ProductRepository repository = context.getBean(ProductRepository.class);
            context.getBean(org.springframework.transaction.support.TransactionTemplate.class)
                    .executeWithoutResult(tx -> {
                        repository.getReferenceById(5L);
                        products.write(new ProductEntity(5, "Renamed five", new BigDecimal("5.55")));
                    });

            assertThat(oldRows(context)).containsEntry(5L, "Renamed five|5.55");
            assertThat(newRows(context)).containsEntry(5L, "5.55");
        });
    }

    @Test
    void anUnknownOrPrimitiveAttributeIsRefusedWithTheFix() {
        runner.run(context -> {
            JpaStores jpa = context.getBean(JpaStores.class);
            ProductRepository products = context.getBean(ProductRepository.class);
            assertThatThrownBy(() -> jpa.store(products, ProductEntity.class).migrating("cost"))
                    .isInstanceOf(InvalidMigrationException.class)
                    .hasMessageContaining("no attribute 'cost'")
                    .hasMessageContaining("[id, name, price]");
            assertThatThrownBy(() -> jpa.store(products, ProductEntity.class).migrating("id"))
                    .isInstanceOf(InvalidMigrationException.class)
                    .hasMessageContaining("is its id");
        });
    }

    private static void moveTo(ApplicationContext context, MigrationPhase target) {
        DualWrite dualWrite = context.getBean(DualWrite.class);
        while (dualWrite.phase(NAME) != target) {
            MigrationPhase current = dualWrite.phase(NAME);
            MigrationPhase step =
                    (target.ordinal() > current.ordinal() ? current.next() : current.previous()).orElseThrow();
            dualWrite.transition(NAME, step, TransitionRequest.forcedBy("test", "to " + target));
        }
    }

    @SuppressWarnings("unchecked")
    private static DualRepository<Long, ProductEntity, PriceEntity> repository(ApplicationContext context) {
        return context.getBean("productPricesDualRepository", DualRepository.class);
    }

    private static JdbcTemplate jdbc(ApplicationContext context) {
        return new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
    }

    private static Map<Long, String> oldRows(ApplicationContext context) {
        Map<Long, String> rows = new TreeMap<>();
        jdbc(context).query("SELECT id, name, price FROM jpa_product", rs -> {
            rows.put(rs.getLong(1), rs.getString(2) + "|" + rs.getString(3));
        });
        return rows;
    }

    private static Map<Long, String> newRows(ApplicationContext context) {
        Map<Long, String> rows = new TreeMap<>();
        jdbc(context).query("SELECT product_id, amount FROM jpa_price", rs -> {
            rows.put(rs.getLong(1), rs.getString(2));
        });
        return rows;
    }
}
