package io.dualwrite.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.People;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.Equivalence;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Type-encoding edge cases: JSON stored as text with other whitespace, and a CHAR column that pads values with
 * trailing spaces. Plain equality reports them; a normalizing equivalence tells them from real divergence.
 */
abstract class AbstractEncodingVerificationTest {

    record Document(long id, String body, String code) {}

    protected abstract DataSource database();

    /** Whether the database returns CHAR values padded to their length (PostgreSQL does, MariaDB does not). */
    protected abstract boolean padsChar();

    @Test
    void encodingDifferencesAreFoundByEqualityAndToldApartByANormalizingEquivalence() {
        DataSource dataSource = database();
        DualWriteSchema.create(dataSource);
        People.execute(
                dataSource,
                "DROP TABLE IF EXISTS doc_old",
                "DROP TABLE IF EXISTS doc_new",
                "CREATE TABLE doc_old (id BIGINT PRIMARY KEY, body VARCHAR(2000), code VARCHAR(10))",
                "CREATE TABLE doc_new (id BIGINT PRIMARY KEY, body VARCHAR(2000), code CHAR(10))");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        Migration<Long, Document, Document> plain = migration("plain", transactions, Equivalence.byEquals());
        Migration<Long, Document, Document> normalized = migration(
                "normalized",
                transactions,
                Equivalence.forRecord(Document.class)
                        .normalizingAll(String.class, String::stripTrailing)
                        .normalizing("body", (String body) -> body.replaceAll("\\s+", "")));
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(plain)
                .migration(normalized)
                .verificationStore(new JdbcVerificationStore(dataSource))
                .verifierOptions(new VerifierOptions(2, Duration.ZERO, 0))
                .build();
        for (String name : Set.of(plain.name(), normalized.name())) {
            dualWrite.advance(name, TransitionRequest.by("test", null));
        }
        var documents = dualWrite.repository(normalized);
        documents.write(new Document(1, "{\"a\":1,\"b\":\"x\"}", "abc"));
        documents.write(new Document(2, "{\"a\":2}", "de"));
        documents.write(new Document(3, "{\"a\":3}", "f"));
        People.execute(
                dataSource,
                "UPDATE doc_new SET body = '{\"a\": 2}' WHERE id = 2",
                "UPDATE doc_new SET body = '{\"a\":4}' WHERE id = 3");

        Verifier<Long, Document, Document> strict = dualWrite.managed(plain).verifier();
        strict.verify(() -> true);
        assertThat(keys(strict)).isEqualTo(padsChar() ? Set.of(1L, 2L, 3L) : Set.of(2L, 3L));

        Verifier<Long, Document, Document> lenient =
                dualWrite.managed(normalized).verifier();
        VerificationProgress lenientRun = lenient.verify(() -> true);
        assertThat(keys(lenient)).as(lenientRun.toString()).containsExactly(3L);

        assertThat(dualWrite.repair(normalized.name(), 10).repaired()).isEqualTo(1);
        assertThat(dualWrite.verify(normalized.name()).divergences()).isZero();
        assertThat(People.rows(dataSource, "doc_new").get(3L)).startsWith("{\"a\":3}|f");
    }

    private static Set<Long> keys(Verifier<Long, Document, Document> verifier) {
        return verifier.reported().stream().map(Divergence::key).collect(Collectors.toSet());
    }

    private static Migration<Long, Document, Document> migration(
            String name, JdbcTransactions transactions, Equivalence<Document> equivalence) {
        return Migration.builder(
                        name + "-" + UUID.randomUUID(),
                        Long.class,
                        store(transactions, "doc_old"),
                        store(transactions, "doc_new"))
                .toNew(document -> document)
                .equivalence(equivalence)
                .build();
    }

    private static JdbcStore<Long, Document> store(JdbcTransactions transactions, String table) {
        return JdbcStore.builder(transactions, Long.class, Document.class)
                .table(table)
                .key("id", Document::id)
                .columns("body", "code")
                .mapper(rs -> new Document(rs.getLong("id"), rs.getString("body"), rs.getString("code")))
                .binder((document, row) -> row.set("body", document.body()).set("code", document.code()))
                .build();
    }
}
