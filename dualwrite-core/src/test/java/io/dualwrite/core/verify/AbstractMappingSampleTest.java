package io.dualwrite.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.backfill.InMemoryBackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.SqlMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A SQL mapping that disagrees with the Java mapping on a few rows: the backfill copies with the SQL, so NEW agrees
 * with it and every chunk passes by checksum; only comparing a sample of rows through the Java mapping finds it.
 * One subclass per database.
 */
abstract class AbstractMappingSampleTest {

    private static final int ROWS = 10_000;

    /** The seed of the sample (-Ddualwrite.seed=N picks another). */
    private static final long SEED = Long.getLong("dualwrite.seed", 20261201L);

    /** One row in a thousand has a middle name: 10 of 10,000. */
    private static final Set<Long> MIDDLE_NAMES = middleNames();

    /** The Java mapping splits at the first space, this SQL at the last: they disagree on middle names only. */
    private static final SqlMapping SPLIT_AT_LAST_SPACE = SqlMapping.builder()
            .column("first_name", "regexp_replace(full_name, ' [^ ]*$', '')")
            .column("last_name", "regexp_replace(full_name, '^.* ', '')")
            .build();

    /** What the Java mapping computes, in SQL. */
    private static final SqlMapping SPLIT_AT_FIRST_SPACE = SqlMapping.builder()
            .column("first_name", "regexp_replace(full_name, ' .*$', '')")
            .column("last_name", "regexp_replace(full_name, '^[^ ]* ', '')")
            .build();

    private DataSource dataSource;

    protected abstract DataSource database();

    protected abstract String prefix();

    @BeforeEach
    void setUp() throws SQLException {
        dataSource = database();
        DualWriteSchema.create(dataSource);
        People.createTables(dataSource, prefix());
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO " + prefix() + "_old (id, full_name) VALUES (?, ?)")) {
            for (long id = 1; id <= ROWS; id++) {
                insert.setLong(1, id);
                insert.setString(
                        2,
                        MIDDLE_NAMES.contains(id) ? "First" + id + " Middle Last" + id : "First" + id + " Last" + id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @Test
    void aSqlMappingWrongOnOneRowInAThousandIsCaughtByTheJavaMappingSample() {
        Verifier<Long, Person, PersonName> verifier = backfilledWith(SPLIT_AT_LAST_SPACE);

        VerificationProgress progress = verifier.verify(() -> true);

        assertThat(verifier.chunksMatchedByChecksum())
                .as("NEW holds what the SQL mapping computes, so every chunk's checksums agree")
                .isEqualTo(ROWS / 500);
        assertThat(verifier.reported()).as("seed " + SEED + ", " + progress).isNotEmpty();
        assertThat(verifier.reported()).allSatisfy(divergence -> {
            assertThat(MIDDLE_NAMES).contains(divergence.key());
            assertThat(divergence.kind()).isEqualTo(Divergence.Kind.DIFFERENT);
            assertThat(divergence.foundBy()).isEqualTo(Divergence.FoundBy.MAPPING_SAMPLE);
            assertThat(divergence.describe())
                    .contains("the SQL mapping and the Java mapping disagree for key " + divergence.key());
        });
        assertThat(progress.divergences()).isEqualTo(verifier.reported().size());
        assertThat(progress.inFlight()).isZero();
    }

    @Test
    void onceTheMappingsAgreeTheNextVerificationFindsEveryRowCopiedWrongAndTheRepairerFixesThem() {
        backfilledWith(SPLIT_AT_LAST_SPACE).verify(() -> true);
        Migration<Long, Person, PersonName> corrected = migration(SPLIT_AT_FIRST_SPACE);
        DualWrite dualWrite = dualWrite(corrected);
        Verifier<Long, Person, PersonName> verifier =
                dualWrite.managed(corrected).verifier();

        VerificationProgress progress = verifier.verify(() -> true);

        assertThat(verifier.reported())
                .as(progress.toString())
                .extracting(Divergence::key)
                .containsExactlyElementsOf(MIDDLE_NAMES);
        assertThat(verifier.reported()).extracting(Divergence::foundBy).containsOnly(Divergence.FoundBy.ROW_COMPARISON);
        assertThat(verifier.chunksComparedByRow()).isEqualTo(MIDDLE_NAMES.size());
        assertThat(dualWrite.repair(corrected.name(), 100).repaired()).isEqualTo(MIDDLE_NAMES.size());
        assertThat(dualWrite.verify(corrected.name()).divergences()).isZero();
    }

    @Test
    void aSqlMappingThatAgreesWithTheJavaMappingPassesTheSample() {
        Verifier<Long, Person, PersonName> verifier = backfilledWith(SPLIT_AT_FIRST_SPACE);

        VerificationProgress progress = verifier.verify(() -> true);

        assertThat(verifier.chunksMatchedByChecksum()).isEqualTo(ROWS / 500);
        assertThat(verifier.chunksComparedByRow()).isZero();
        assertThat(progress.divergences()).isZero();
        assertThat(progress.inFlight()).isZero();
        assertThat(progress.rowsChecked()).isEqualTo(ROWS);
    }

    /** A verifier of a migration whose NEW side the backfill copied with {@code mapping}, in chunks of 500. */
    private Verifier<Long, Person, PersonName> backfilledWith(SqlMapping mapping) {
        Migration<Long, Person, PersonName> migration = migration(mapping);
        DualWrite dualWrite = dualWrite(migration);
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "backfill"));
        Backfill<?, ?, ?> backfill = dualWrite.backfill(migration.name());
        backfill.start();
        assertThat(backfill.copiesInTheDatabase()).isTrue();
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(backfill.progress().state()).isEqualTo(BackfillState.COMPLETED);
        return dualWrite.managed(migration).verifier();
    }

    private Migration<Long, Person, PersonName> migration(SqlMapping mapping) {
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        return Migration.builder(
                        "sample-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, prefix()),
                        People.newStore(transactions, prefix()))
                .toNew(People::split)
                .sqlMapping(mapping)
                .build();
    }

    /** DualWrite for the migration, in DUAL_WRITE. */
    private DualWrite dualWrite(Migration<Long, Person, PersonName> migration) {
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .backfillStore(new InMemoryBackfillStore())
                .verificationStore(new JdbcVerificationStore(dataSource))
                .verifierOptions(new VerifierOptions(500, Duration.ofMillis(20), 0)
                        .withMappingSample(VerifierOptions.DEFAULT_MAPPING_SAMPLE_ROWS, SEED))
                .build();
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "dual writes"));
        return dualWrite;
    }

    private static Set<Long> middleNames() {
        Set<Long> keys = new TreeSet<>();
        for (long id = 500; id <= ROWS; id += 1000) {
            keys.add(id);
        }
        return keys;
    }
}
