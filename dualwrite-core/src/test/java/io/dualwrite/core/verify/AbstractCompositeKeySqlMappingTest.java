package io.dualwrite.core.verify;

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
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.SqlMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A migration keyed by {@code (tenant, seq)} through the SQL fast paths: the backfill copies chunks inside the
 * database ({@code SqlChunkCopier}, lexicographic key ranges over both columns), the verifier compares chunks by
 * checksum and samples them through the Java mapping, and finds divergences planted with plain SQL by row
 * comparison; the repair fixes them. The tenants sort otherwise in Java than in the database. One subclass per
 * database.
 */
abstract class AbstractCompositeKeySqlMappingTest {

    /** The key: a tenant and a number within it. */
    record TenantKey(String tenant, long seq) {}

    /** The old representation. */
    record Row(TenantKey key, String fullName) {}

    /** The new representation. */
    record Name(TenantKey key, String firstName, String lastName) {}

    private static final String[] TENANTS = {"a", "B", "é", "Z", "ü"};
    private static final int SEQS = 400;
    private static final int ROWS = TENANTS.length * SEQS;

    private static final SqlMapping SPLIT_AT_FIRST_SPACE = SqlMapping.builder()
            .column("first_name", "regexp_replace(full_name, ' .*$', '')")
            .column("last_name", "regexp_replace(full_name, '^[^ ]* ', '')")
            .build();

    private DataSource dataSource;

    protected abstract DataSource database();

    protected abstract String prefix();

    /** The tenant column's type, with a collation that orders tenants otherwise than Java. */
    protected abstract String tenantType();

    @BeforeEach
    void setUp() throws SQLException {
        dataSource = database();
        DualWriteSchema.create(dataSource);
        execute(
                "DROP TABLE IF EXISTS " + prefix() + "_old",
                "DROP TABLE IF EXISTS " + prefix() + "_new",
                "CREATE TABLE " + prefix() + "_old (tenant " + tenantType() + " NOT NULL, seq BIGINT NOT NULL,"
                        + " full_name VARCHAR(200), PRIMARY KEY (tenant, seq))",
                "CREATE TABLE " + prefix() + "_new (tenant " + tenantType() + " NOT NULL, seq BIGINT NOT NULL,"
                        + " first_name VARCHAR(100) NOT NULL, last_name VARCHAR(100), PRIMARY KEY (tenant, seq))");
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO " + prefix() + "_old (tenant, seq, full_name) VALUES (?, ?, ?)")) {
            for (String tenant : TENANTS) {
                for (long seq = 1; seq <= SEQS; seq++) {
                    insert.setString(1, tenant);
                    insert.setLong(2, seq);
                    insert.setString(3, "First" + seq + " Last" + tenant);
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }

    @Test
    void theSqlCopierAndTheChecksumsWalkCompositeKeysAndThePlantedDivergencesAreFoundAndRepaired() {
        Migration<TenantKey, Row, Name> migration = migration();
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .backfillStore(new InMemoryBackfillStore())
                .verificationStore(new JdbcVerificationStore(dataSource))
                .verifierOptions(new VerifierOptions(150, Duration.ofMillis(20), 0))
                .build();
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "dual writes"));
        @SuppressWarnings("unchecked")
        DualRepository<TenantKey, Row, Name> rows =
                (DualRepository<TenantKey, Row, Name>) dualWrite.repository(migration.name());
        // Live writes before the backfill: the copy must keep them.
        rows.write(new Row(new TenantKey("é", 7), "Live Writer"));
        rows.write(new Row(new TenantKey("Z", SEQS + 1), "Added Later"));

        dualWrite.advance(migration.name(), TransitionRequest.by("test", "backfill"));
        Backfill<?, ?, ?> backfill = dualWrite.backfill(migration.name());
        backfill.start();
        assertThat(backfill.copiesInTheDatabase()).isTrue();
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(backfill.progress().state()).isEqualTo(BackfillState.COMPLETED);

        Map<String, String> old = rows(prefix() + "_old");
        Map<String, String> expected = new TreeMap<>();
        old.forEach((key, full) -> expected.put(key, full.replaceFirst(" ", "|")));
        assertThat(old).hasSize(ROWS + 1).containsEntry("é/7", "Live Writer");
        assertThat(rows(prefix() + "_new")).as("NEW, by plain SQL").isEqualTo(expected);

        Verifier<TenantKey, Row, Name> verifier = dualWrite.managed(migration).verifier();
        VerificationProgress clean = verifier.verify(() -> true);
        assertThat(clean.divergences()).as(clean.toString()).isZero();
        assertThat(clean.rowsChecked()).isEqualTo(ROWS + 1);
        assertThat(verifier.chunksMatchedByChecksum())
                .as("chunks that passed by checksum")
                .isGreaterThan(10);

        execute(
                "UPDATE " + prefix() + "_new SET last_name = 'Planted' WHERE tenant = 'B' AND seq = 200",
                "DELETE FROM " + prefix() + "_new WHERE tenant = 'ü' AND seq = 1",
                "INSERT INTO " + prefix() + "_new (tenant, seq, first_name, last_name) VALUES ('a', 9999, 'Extra',"
                        + " 'Row')");
        Verifier<TenantKey, Row, Name> again = dualWrite.managed(migration).verifier();
        VerificationProgress planted = again.verify(() -> true);
        assertThat(again.reported())
                .as(planted.toString())
                .extracting(Divergence::key)
                .containsExactlyInAnyOrder(new TenantKey("B", 200), new TenantKey("ü", 1), new TenantKey("a", 9999));

        assertThat(dualWrite.repair(migration.name(), 100).repaired()).isEqualTo(3);
        assertThat(dualWrite.verify(migration.name()).divergences()).isZero();
        assertThat(rows(prefix() + "_new")).as("NEW after the repair").isEqualTo(expected);
    }

    private Migration<TenantKey, Row, Name> migration() {
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        JdbcStore<TenantKey, Row> old = JdbcStore.builder(transactions, TenantKey.class, Row.class)
                .table(prefix() + "_old")
                .compositeKey(List.of("tenant", "seq"), Row::key)
                .columns("full_name")
                .mapper(rs -> new Row(key(rs), rs.getString("full_name")))
                .binder((row, values) -> values.set("full_name", row.fullName()))
                .build();
        JdbcStore<TenantKey, Name> fresh = JdbcStore.builder(transactions, TenantKey.class, Name.class)
                .table(prefix() + "_new")
                .compositeKey(List.of("tenant", "seq"), Name::key)
                .columns("first_name", "last_name")
                .mapper(rs -> new Name(key(rs), rs.getString("first_name"), rs.getString("last_name")))
                .binder((name, values) ->
                        values.set("first_name", name.firstName()).set("last_name", name.lastName()))
                .build();
        return Migration.builder("composite-" + UUID.randomUUID(), TenantKey.class, old, fresh)
                .toNew(row -> {
                    int space = row.fullName().indexOf(' ');
                    return new Name(
                            row.key(),
                            row.fullName().substring(0, space),
                            row.fullName().substring(space + 1));
                })
                .toOld(name -> new Row(name.key(), name.firstName() + " " + name.lastName()))
                .sqlMapping(SPLIT_AT_FIRST_SPACE)
                .build();
    }

    private static TenantKey key(ResultSet rs) throws SQLException {
        return new TenantKey(rs.getString("tenant"), rs.getLong("seq"));
    }

    /** Every row as "tenant/seq" -> its other columns joined by '|', by plain SQL. */
    private Map<String, String> rows(String table) {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder value = new StringBuilder();
                for (int i = 3; i <= columns; i++) {
                    value.append(i > 3 ? "|" : "").append(rs.getString(i));
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
