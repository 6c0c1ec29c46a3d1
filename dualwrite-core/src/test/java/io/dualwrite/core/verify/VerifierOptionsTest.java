package io.dualwrite.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class VerifierOptionsTest {

    private final VerifierOptions base = new VerifierOptions(300, Duration.ofMillis(50), 1_000, 99, 42L);

    @Test
    void aBuilderFromABaseKeepsEveryValueOfTheBase() {
        assertThat(VerifierOptions.from(base).build()).isEqualTo(base);
        assertThat(VerifierOptions.from(VerifierOptions.defaults()).build()).isEqualTo(VerifierOptions.defaults());
    }

    @Test
    void aBuilderChangesOnlyTheComponentsItIsGiven() {
        assertThat(VerifierOptions.from(base)
                        .chunkSize(10)
                        .mappingSampleSeed(null)
                        .build())
                .isEqualTo(new VerifierOptions(10, Duration.ofMillis(50), 1_000, 99, null));
        assertThat(VerifierOptions.from(VerifierOptions.defaults())
                        .chunkSize(base.chunkSize())
                        .recheckDelay(base.recheckDelay())
                        .maxRowsPerSecond(base.maxRowsPerSecond())
                        .mappingSampleRows(base.mappingSampleRows())
                        .mappingSampleSeed(base.mappingSampleSeed())
                        .build())
                .isEqualTo(base);
        assertThat(base.mappingSampleSeed()).isEqualTo(42L);
    }

    @Test
    void invalidValuesFailTheBuildNamingTheComponent() {
        assertThatThrownBy(() -> VerifierOptions.from(base).chunkSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chunkSize must be at least 1, but was 0");
        assertThatThrownBy(() -> VerifierOptions.from(base)
                        .recheckDelay(Duration.ofMillis(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recheckDelay must be zero or positive, but was PT-0.001S");
        assertThatThrownBy(() -> VerifierOptions.from(base).maxRowsPerSecond(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRowsPerSecond must be at least 0, but was -1");
        assertThatThrownBy(() -> VerifierOptions.from(base).mappingSampleRows(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mappingSampleRows must be at least 1, but was 0");
    }

    @Test
    void theWitherStillDerivesOptionsAsTheBuilderDoes() {
        assertThat(base.withMappingSample(7, null))
                .isEqualTo(VerifierOptions.from(base)
                        .mappingSampleRows(7)
                        .mappingSampleSeed(null)
                        .build());
        assertThat(VerifierOptions.defaults())
                .isEqualTo(VerifierOptions.from(base)
                        .chunkSize(VerifierOptions.DEFAULT_CHUNK_SIZE)
                        .recheckDelay(VerifierOptions.DEFAULT_RECHECK_DELAY)
                        .maxRowsPerSecond(0)
                        .mappingSampleRows(VerifierOptions.DEFAULT_MAPPING_SAMPLE_ROWS)
                        .mappingSampleSeed(null)
                        .build());
    }
}
