package io.dualwrite.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.People;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.SqlMapping;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The per-chunk checksums of a SQL-mapped migration: rows that differ must never hash alike because their text
 * forms collide (a separator inside a value, NULL against the text of a NULL marker, binary values a cast to text
 * renders alike), and equal values of different SQL types must hash alike. One subclass per database.
 */
abstract class AbstractChecksumEncodingTest {

    record Sample(long id, String a, String b, String data) {}

    record Amount(long id, BigDecimal amount) {}

    protected abstract DataSource database();

    /** The column type of variable-length binary values. */
    protected abstract String binaryType();

    @Test
    void rowsWhoseTextFormsCollideAreFoundByTheChecksums() {
        DataSource dataSource = database();
        DualWriteSchema.create(dataSource);
        String columns = " (id BIGINT PRIMARY KEY, a VARCHAR(50), b VARCHAR(50), data " + binaryType() + ")";
        People.execute(
                dataSource,
                "DROP TABLE IF EXISTS cs_enc_old",
                "DROP TABLE IF EXISTS cs_enc_new",
                "CREATE TABLE cs_enc_old" + columns,
                "CREATE TABLE cs_enc_new" + columns);
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        JdbcStore<Long, Sample> oldStore = sampleStore(transactions, "cs_enc_old");
        JdbcStore<Long, Sample> newStore = sampleStore(transactions, "cs_enc_new");
        Migration<Long, Sample, Sample> migration = Migration.builder(
                        "cs-enc-" + UUID.randomUUID(), Long.class, oldStore, newStore)
                .toNew(sample -> sample)
                .sqlMapping(SqlMapping.builder()
                        .column("a", "a")
                        .column("b", "b")
                        .column("data", "data")
                        .build())
                .build();
        for (long id = 1; id <= 15; id++) {
            Sample agreeing = new Sample(id, "a" + id, "b" + id, "0a0b");
            oldStore.upsert(agreeing);
            newStore.upsert(agreeing);
        }
        // One planted difference in each of the first four chunks of three keys; the fifth chunk agrees.
        oldStore.upsert(new Sample(2, "A", "B|C", "0a0b"));
        newStore.upsert(new Sample(2, "A|B", "C", "0a0b"));
        oldStore.upsert(new Sample(5, null, "b5", "0a0b"));
        newStore.upsert(new Sample(5, "<null>", "b5", "0a0b"));
        oldStore.upsert(new Sample(8, "a8", "b8", "ff"));
        newStore.upsert(new Sample(8, "a8", "b8", "fe"));
        oldStore.upsert(new Sample(11, "", "|B", "0a0b"));
        newStore.upsert(new Sample(11, "|", "B", "0a0b"));
        Verifier<Long, Sample, Sample> verifier = verifier(dataSource, migration);

        VerificationProgress progress = verifier.verify(() -> true);

        assertThat(verifier.comparesChecksumsInTheDatabase()).isTrue();
        assertThat(verifier.reported())
                .as(progress.toString())
                .extracting(Divergence::key, Divergence::kind)
                .containsExactly(
                        tuple(2L, Divergence.Kind.DIFFERENT),
                        tuple(5L, Divergence.Kind.DIFFERENT),
                        tuple(8L, Divergence.Kind.DIFFERENT),
                        tuple(11L, Divergence.Kind.DIFFERENT));
        assertThat(verifier.chunksComparedByRow())
                .as("every chunk with a planted difference has checksums that differ")
                .isEqualTo(4);
        assertThat(verifier.chunksMatchedByChecksum()).isEqualTo(1);
    }

    @Test
    void equalValuesOfDifferentSqlTypesHashAlike() {
        DataSource dataSource = database();
        DualWriteSchema.create(dataSource);
        People.execute(
                dataSource,
                "DROP TABLE IF EXISTS cs_amount_old",
                "DROP TABLE IF EXISTS cs_amount_new",
                "CREATE TABLE cs_amount_old (id BIGINT PRIMARY KEY, cents BIGINT)",
                "CREATE TABLE cs_amount_new (id BIGINT PRIMARY KEY, amount DECIMAL(12, 2))");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        JdbcStore<Long, Amount> cents = JdbcStore.builder(transactions, Long.class, Amount.class)
                .table("cs_amount_old")
                .key("id", Amount::id)
                .columns("cents")
                .mapper(rs -> new Amount(rs.getLong("id"), BigDecimal.valueOf(rs.getLong("cents"), 2)))
                .binder((amount, row) ->
                        row.set("cents", amount.amount().movePointRight(2).longValueExact()))
                .build();
        JdbcStore<Long, Amount> amounts = JdbcStore.builder(transactions, Long.class, Amount.class)
                .table("cs_amount_new")
                .key("id", Amount::id)
                .columns("amount")
                .mapper(rs -> new Amount(rs.getLong("id"), rs.getBigDecimal("amount")))
                .binder((amount, row) -> row.set("amount", amount.amount()))
                .build();
        Migration<Long, Amount, Amount> migration = Migration.builder(
                        "cs-amount-" + UUID.randomUUID(), Long.class, cents, amounts)
                .toNew(amount -> amount)
                .sqlMapping(
                        SqlMapping.builder().column("amount", "cents / 100.0").build())
                .build();
        for (long id = 1; id <= 9; id++) {
            Amount amount = new Amount(id, BigDecimal.valueOf(1234 * id + 1, 2));
            cents.upsert(amount);
            amounts.upsert(amount);
        }
        Verifier<Long, Amount, Amount> verifier = verifier(dataSource, migration);

        VerificationProgress progress = verifier.verify(() -> true);

        assertThat(progress.divergences()).isZero();
        assertThat(verifier.chunksMatchedByChecksum())
                .as("12.34 computed as cents / 100.0 and stored in a DECIMAL(12, 2) column is the same value")
                .isEqualTo(3);
        assertThat(verifier.chunksComparedByRow()).isZero();
    }

    private static <O, N> Verifier<Long, O, N> verifier(DataSource dataSource, Migration<Long, O, N> migration) {
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .verificationStore(new JdbcVerificationStore(dataSource))
                .verifierOptions(new VerifierOptions(3, Duration.ZERO, 0))
                .build();
        dualWrite.advance(migration.name(), TransitionRequest.by("test", null));
        return dualWrite.managed(migration).verifier();
    }

    private static JdbcStore<Long, Sample> sampleStore(JdbcTransactions transactions, String table) {
        return JdbcStore.builder(transactions, Long.class, Sample.class)
                .table(table)
                .key("id", Sample::id)
                .columns("a", "b", "data")
                .mapper(rs -> new Sample(
                        rs.getLong("id"),
                        rs.getString("a"),
                        rs.getString("b"),
                        HexFormat.of().formatHex(rs.getBytes("data"))))
                .binder((sample, row) -> row.set("a", sample.a())
                        .set("b", sample.b())
                        .set("data", HexFormat.of().parseHex(sample.data())))
                .build();
    }
}
