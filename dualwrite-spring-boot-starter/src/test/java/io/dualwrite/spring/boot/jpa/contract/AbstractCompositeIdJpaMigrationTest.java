package io.dualwrite.spring.boot.jpa.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.backfill.InMemoryBackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.store.KeyCodec;
import io.dualwrite.core.verify.Divergence;
import io.dualwrite.core.verify.Verifier;
import io.dualwrite.core.verify.VerifierOptions;
import io.dualwrite.spring.boot.jpa.JpaStore;
import io.dualwrite.testsupport.TestDatabase;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Composite ids through a JpaStore in a migration on a real database: an {@code @IdClass} entity as the OLD side
 * and an {@code @EmbeddedId} entity as the NEW side, each against a JdbcStore keyed by the same columns. Live
 * writes, the backfill, verification with divergences planted by plain SQL, and the repair; both tables compared
 * by plain SQL. The tenants sort otherwise in Java than in the database. One subclass per database.
 */
abstract class AbstractCompositeIdJpaMigrationTest {

    private static final String[] TENANTS = {"a", "B", "é", "Z", "ü"};
    private static final int SEQS = 60;

    /** A line of the NEW table that the {@code @IdClass} entity migrates to. */
    record LineCopy(OrderLineId id, String item) {}

    /** A person of the OLD table that the {@code @EmbeddedId} entity migrates from. */
    record Person(ShipmentId id, String fullName) {}

    private ConfigurableApplicationContext context;
    private DataSource dataSource;

    protected abstract TestDatabase database();

    @BeforeEach
    void start() {
        context = JpaContexts.of(database());
        dataSource = context.getBean(DataSource.class);
        DualWriteSchema.create(dataSource);
        context.getBean(OrderLineRepository.class).deleteAllInBatch();
        context.getBean(ShipmentRepository.class).deleteAllInBatch();
    }

    @AfterAll
    static void closeContexts() {
        JpaContexts.closeAll();
    }

    @Test
    void anIdClassEntityIsBackfilledVerifiedAndRepairedByItsCompositeId() {
        execute(
                "DROP TABLE IF EXISTS jpa_ck_line_new",
                "CREATE TABLE jpa_ck_line_new (tenant VARCHAR(20) NOT NULL, seq BIGINT NOT NULL, item VARCHAR(200),"
                        + " PRIMARY KEY (tenant, seq))");
        OrderLineRepository lines = context.getBean(OrderLineRepository.class);
        for (String tenant : TENANTS) {
            for (long seq = 1; seq <= SEQS; seq++) {
                lines.save(new OrderLineEntity(new OrderLineId(tenant, seq), "item " + tenant + seq));
            }
        }
        JpaStore<OrderLineId, OrderLineEntity> old = jpaStore(lines, OrderLineEntity.class);
        JdbcStore<OrderLineId, LineCopy> fresh = JdbcStore.builder(
                        old.transactions(), OrderLineId.class, LineCopy.class)
                .table("jpa_ck_line_new")
                .compositeKey(
                        List.of("tenant", "seq"),
                        LineCopy::id,
                        id -> List.of(id.getTenant(), id.getSeq()),
                        rs -> new OrderLineId(rs.getString("tenant"), rs.getLong("seq")))
                .columns("item")
                .mapper(rs ->
                        new LineCopy(new OrderLineId(rs.getString("tenant"), rs.getLong("seq")), rs.getString("item")))
                .binder((line, row) -> row.set("item", line.item()))
                .build();
        Migration<OrderLineId, OrderLineEntity, LineCopy> migration = Migration.builder(
                        "lines-" + UUID.randomUUID(), OrderLineId.class, old, fresh)
                .toNew(line -> new LineCopy(line.id(), line.getItem()))
                .toOld(copy -> new OrderLineEntity(copy.id(), copy.item()))
                .keyCodec(codec(OrderLineId::new, OrderLineId::getTenant, OrderLineId::getSeq))
                .build();

        DualWrite dualWrite = backfilled(migration, repository -> {
            repository.write(new OrderLineEntity(new OrderLineId("é", 7), "live write"));
            repository.write(new OrderLineEntity(new OrderLineId("Z", SEQS + 1), "added later"));
        });

        Map<String, String> expected = rows("jpa_store_contract_line", "item");
        assertThat(expected).hasSize(TENANTS.length * SEQS + 1).containsEntry("é/7", "live write");
        assertThat(rows("jpa_ck_line_new", "item")).as("NEW, by plain SQL").isEqualTo(expected);

        plantFindAndRepair(
                dualWrite,
                migration,
                "UPDATE jpa_ck_line_new SET item = 'planted' WHERE tenant = 'B' AND seq = 30",
                "DELETE FROM jpa_ck_line_new WHERE tenant = 'ü' AND seq = 1",
                "INSERT INTO jpa_ck_line_new (tenant, seq, item) VALUES ('a', 999, 'extra')",
                List.of(new OrderLineId("B", 30), new OrderLineId("ü", 1), new OrderLineId("a", 999)));
        assertThat(rows("jpa_ck_line_new", "item")).as("NEW after the repair").isEqualTo(expected);
    }

    @Test
    void anEmbeddedIdEntityIsBackfilledVerifiedAndRepairedByItsCompositeId() {
        execute(
                "DROP TABLE IF EXISTS jpa_ck_person_old",
                "CREATE TABLE jpa_ck_person_old (tenant VARCHAR(20) NOT NULL, seq BIGINT NOT NULL,"
                        + " full_name VARCHAR(200), PRIMARY KEY (tenant, seq))");
        StringBuilder insert = new StringBuilder("INSERT INTO jpa_ck_person_old (tenant, seq, full_name) VALUES ");
        for (String tenant : TENANTS) {
            for (long seq = 1; seq <= SEQS; seq++) {
                insert.append(tenant.equals(TENANTS[0]) && seq == 1 ? "" : ", ")
                        .append("('")
                        .append(tenant)
                        .append("', ")
                        .append(seq)
                        .append(", 'First")
                        .append(seq)
                        .append(" Last")
                        .append(tenant)
                        .append("')");
            }
        }
        execute(insert.toString());
        ShipmentRepository shipments = context.getBean(ShipmentRepository.class);
        JpaStore<ShipmentId, ShipmentEntity> fresh = jpaStore(shipments, ShipmentEntity.class);
        JdbcStore<ShipmentId, Person> old = JdbcStore.builder(fresh.transactions(), ShipmentId.class, Person.class)
                .table("jpa_ck_person_old")
                .compositeKey(
                        List.of("tenant", "seq"),
                        Person::id,
                        id -> List.of(id.getTenant(), id.getSeq()),
                        rs -> new ShipmentId(rs.getString("tenant"), rs.getLong("seq")))
                .columns("full_name")
                .mapper(rs -> new Person(
                        new ShipmentId(rs.getString("tenant"), rs.getLong("seq")), rs.getString("full_name")))
                .binder((person, row) -> row.set("full_name", person.fullName()))
                .build();
        Migration<ShipmentId, Person, ShipmentEntity> migration = Migration.builder(
                        "shipments-" + UUID.randomUUID(), ShipmentId.class, old, fresh)
                .toNew(person -> {
                    int space = person.fullName().indexOf(' ');
                    return new ShipmentEntity(
                            person.id(),
                            person.fullName().substring(0, space),
                            person.fullName().substring(space + 1));
                })
                .toOld(entity -> new Person(entity.getId(), entity.getFirstName() + " " + entity.getLastName()))
                .equivalence(io.dualwrite.core.model.Equivalence.byFields())
                .keyCodec(codec(ShipmentId::new, ShipmentId::getTenant, ShipmentId::getSeq))
                .build();

        DualWrite dualWrite = backfilled(migration, repository -> {
            repository.write(new Person(new ShipmentId("é", 7), "Live Writer"));
            repository.write(new Person(new ShipmentId("Z", SEQS + 1), "Added Later"));
        });

        Map<String, String> expected = new TreeMap<>();
        rows("jpa_ck_person_old", "full_name").forEach((key, full) -> expected.put(key, full.replaceFirst(" ", "|")));
        assertThat(expected).hasSize(TENANTS.length * SEQS + 1).containsEntry("é/7", "Live|Writer");
        assertThat(rows("jpa_store_contract_shipment", "first_name", "last_name"))
                .as("NEW, by plain SQL")
                .isEqualTo(expected);

        plantFindAndRepair(
                dualWrite,
                migration,
                "UPDATE jpa_store_contract_shipment SET last_name = 'Planted' WHERE tenant = 'B' AND seq = 30",
                "DELETE FROM jpa_store_contract_shipment WHERE tenant = 'ü' AND seq = 1",
                "INSERT INTO jpa_store_contract_shipment (tenant, seq, first_name, last_name)"
                        + " VALUES ('a', 999, 'Extra', 'Row')",
                List.of(new ShipmentId("B", 30), new ShipmentId("ü", 1), new ShipmentId("a", 999)));
        assertThat(rows("jpa_store_contract_shipment", "first_name", "last_name"))
                .as("NEW after the repair")
                .isEqualTo(expected);
    }

    /** Writes through the repository in DUAL_WRITE, then backfills to completion. */
    private <K, O, N> DualWrite backfilled(
            Migration<K, O, N> migration, java.util.function.Consumer<DualRepository<K, O, N>> liveWrites) {
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .backfillStore(new InMemoryBackfillStore())
                .verificationStore(new JdbcVerificationStore(dataSource))
                .verifierOptions(new VerifierOptions(40, Duration.ofMillis(20), 0))
                .build();
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "dual writes"));
        @SuppressWarnings("unchecked")
        DualRepository<K, O, N> repository = (DualRepository<K, O, N>) dualWrite.repository(migration.name());
        liveWrites.accept(repository);
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "backfill"));
        Backfill<?, ?, ?> backfill = dualWrite.backfill(migration.name());
        backfill.start();
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(backfill.progress().state()).isEqualTo(BackfillState.COMPLETED);
        return dualWrite;
    }

    private <K> void plantFindAndRepair(
            DualWrite dualWrite,
            Migration<K, ?, ?> migration,
            String changed,
            String deleted,
            String extra,
            List<K> planted) {
        assertThat(dualWrite.verify(migration.name()).divergences())
                .as("before planting")
                .isZero();
        execute(changed, deleted, extra);
        Verifier<K, ?, ?> verifier = dualWrite.managed(migration).verifier();
        verifier.verify(() -> true);
        assertThat(verifier.reported()).extracting(Divergence::key).containsExactlyInAnyOrderElementsOf(planted);
        assertThat(dualWrite.repair(migration.name(), 100).repaired()).isEqualTo(planted.size());
        assertThat(dualWrite.verify(migration.name()).divergences())
                .as("after the repair")
                .isZero();
    }

    private <K, E> JpaStore<K, E> jpaStore(
            org.springframework.data.jpa.repository.JpaRepository<E, K> repository, Class<E> type) {
        return JpaStore.of(
                repository,
                type,
                context.getBean(EntityManagerFactory.class),
                context.getBean(PlatformTransactionManager.class));
    }

    /** "tenant,seq" (no tenant here holds a comma). */
    private static <K> KeyCodec<K> codec(
            BiFunction<String, Long, K> create,
            java.util.function.Function<K, String> tenant,
            java.util.function.Function<K, Long> seq) {
        return KeyCodec.of(
                key -> tenant.apply(key) + "," + seq.apply(key),
                text -> create.apply(
                        text.substring(0, text.lastIndexOf(',')),
                        Long.valueOf(text.substring(text.lastIndexOf(',') + 1))));
    }

    /** Every row as "tenant/seq" -> the columns joined by '|', by plain SQL. */
    private Map<String, String> rows(String table, String... columns) {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT tenant, seq, " + String.join(", ", columns) + " FROM " + table)) {
            while (rs.next()) {
                StringBuilder value = new StringBuilder();
                for (int i = 0; i < columns.length; i++) {
                    value.append(i > 0 ? "|" : "").append(rs.getString(3 + i));
                }
                rows.put(rs.getString(1) + "/" + rs.getString(2), value.toString());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private void execute(String... statements) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
