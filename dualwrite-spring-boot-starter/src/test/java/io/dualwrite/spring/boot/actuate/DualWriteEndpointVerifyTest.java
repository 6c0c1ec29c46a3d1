package io.dualwrite.spring.boot.actuate;

import static io.dualwrite.spring.boot.actuate.TestSecurityContexts.anyone;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.backfill.InMemoryBackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.verify.InMemoryVerificationStore;
import io.dualwrite.core.verify.VerificationState;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint's verify waits for a copying backfill to end, on one thread for every migration.
 *
 * <p>Interleaving: migration "copying" is in BACKFILL with its backfill RUNNING (a large table, or no instance
 * running background work); an operator asks to verify it, then asks to verify migration "idle", which copies
 * nothing. The first waits, without a limit, for the copy; the second waits behind it on the endpoint's single
 * thread, and is answered 200 at once, so nothing tells the operator that neither runs.
 */
class DualWriteEndpointVerifyTest {

    /** A store that reports rows to copy (its backfill stays RUNNING while nothing copies them). */
    static final class RowsToCopy extends DualWriteEndpointSecurityTest.NoStore {
        @Override
        public Optional<Long> maxKey() {
            return Optional.of(1000L);
        }

        @Override
        public long estimateSize() {
            return 1000;
        }
    }

    private final DualWrite dualWrite = DualWrite.builder(new InMemoryPhaseStore())
            .singleInstance()
            .backfillStore(new InMemoryBackfillStore())
            .verificationStore(new InMemoryVerificationStore())
            .migration(Migration.builder("copying", Long.class, new RowsToCopy(), new RowsToCopy())
                    .toNew(v -> v)
                    .build())
            .migration(Migration.builder(
                            "idle",
                            Long.class,
                            new DualWriteEndpointSecurityTest.NoStore(),
                            new DualWriteEndpointSecurityTest.NoStore())
                    .toNew(v -> v)
                    .build())
            .build();
    private final DualWriteEndpoint endpoint = new DualWriteEndpoint(dualWrite, null);

    @AfterEach
    void close() {
        endpoint.destroy();
        dualWrite.close();
    }

    @Test
    void aVerifyOfOneMigrationDoesNotWaitForTheBackfillOfAnother() {
        dualWrite.transition("copying", MigrationPhase.DUAL_WRITE, TransitionRequest.forcedBy("test", "dual"));
        dualWrite.transition("copying", MigrationPhase.BACKFILL, TransitionRequest.forcedBy("test", "copy"));
        assertThat(dualWrite.backfill("copying").progress().state()).isEqualTo(BackfillState.RUNNING);

        assertThat(endpoint.act("copying", "verify", null, null, anyone()).getStatus())
                .isEqualTo(200);
        assertThat(endpoint.act("idle", "verify", null, null, anyone()).getStatus())
                .isEqualTo(200);

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> dualWrite.verification("idle").state() == VerificationState.COMPLETED);
    }

    @Test
    void aVerifyOfAMigrationThatCopiesNothingCompletes() {
        assertThat(endpoint.act("idle", "verify", null, null, anyone()).getStatus())
                .isEqualTo(200);

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> dualWrite.verification("idle").state() == VerificationState.COMPLETED);
    }
}
