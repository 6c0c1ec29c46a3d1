package io.dualwrite.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackfillOptionsTest {

    private final BackfillOptions base = new BackfillOptions(
            200,
            20,
            2_000,
            Duration.ofMillis(300),
            750,
            Duration.ofSeconds(45),
            3,
            Duration.ofMillis(100),
            Duration.ofSeconds(10),
            Duration.ofMillis(400));

    @Test
    void aBuilderFromABaseKeepsEveryValueOfTheBase() {
        assertThat(BackfillOptions.from(base).build()).isEqualTo(base);
        assertThat(BackfillOptions.from(BackfillOptions.defaults()).build()).isEqualTo(BackfillOptions.defaults());
    }

    @Test
    void aBuilderChangesOnlyTheComponentsItIsGiven() {
        BackfillOptions options = BackfillOptions.from(base)
                .maxRowsPerSecond(1_000)
                .pollInterval(Duration.ofSeconds(2))
                .build();

        assertThat(options)
                .isEqualTo(new BackfillOptions(
                        200,
                        20,
                        2_000,
                        Duration.ofMillis(300),
                        1_000,
                        Duration.ofSeconds(45),
                        3,
                        Duration.ofMillis(100),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(2)));
        assertThat(base.maxRowsPerSecond()).isEqualTo(750);
    }

    @Test
    void everyComponentHasASetter() {
        BackfillOptions options = BackfillOptions.from(BackfillOptions.defaults())
                .initialChunkSize(base.initialChunkSize())
                .minChunkSize(base.minChunkSize())
                .maxChunkSize(base.maxChunkSize())
                .targetChunkTime(base.targetChunkTime())
                .maxRowsPerSecond(base.maxRowsPerSecond())
                .leaseDuration(base.leaseDuration())
                .maxRetries(base.maxRetries())
                .retryBackoff(base.retryBackoff())
                .maxBackoff(base.maxBackoff())
                .pollInterval(base.pollInterval())
                .build();

        assertThat(options).isEqualTo(base);
    }

    @Test
    void theBuilderValidatesAllComponentsTogetherWhenBuilt() {
        // Each step alone would leave the chunk sizes out of order; together they are valid.
        BackfillOptions options = BackfillOptions.from(base)
                .initialChunkSize(50_000)
                .maxChunkSize(100_000)
                .minChunkSize(30_000)
                .build();

        assertThat(options.initialChunkSize()).isEqualTo(50_000);
        assertThat(options.minChunkSize()).isEqualTo(30_000);
        assertThat(options.maxChunkSize()).isEqualTo(100_000);
    }

    @Test
    void invalidValuesFailTheBuildNamingTheComponent() {
        assertThatThrownBy(() -> BackfillOptions.from(base)
                        .minChunkSize(500)
                        .maxChunkSize(100)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxChunkSize (at least minChunkSize) must be at least 500, but was 100");
        assertThatThrownBy(() -> BackfillOptions.from(base).initialChunkSize(10).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initialChunkSize must be between minChunkSize 20 and maxChunkSize 2000, but was 10");
        assertThatThrownBy(() -> BackfillOptions.from(base).maxRowsPerSecond(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRowsPerSecond must be at least 0, but was -1");
        assertThatThrownBy(() ->
                        BackfillOptions.from(base).leaseDuration(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leaseDuration must be positive, but was PT0S");
        assertThatThrownBy(() -> BackfillOptions.from(base).pollInterval(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pollInterval must be positive, but was null");
    }

    @Test
    void theWithersStillDeriveOptionsAsTheBuilderDoes() {
        assertThat(base.withChunkSizes(100, 10, 1_000))
                .isEqualTo(BackfillOptions.from(base)
                        .initialChunkSize(100)
                        .minChunkSize(10)
                        .maxChunkSize(1_000)
                        .build());
        assertThat(base.withTargetChunkTime(Duration.ofSeconds(1)))
                .isEqualTo(BackfillOptions.from(base)
                        .targetChunkTime(Duration.ofSeconds(1))
                        .build());
        assertThat(base.withMaxRowsPerSecond(5).maxRowsPerSecond()).isEqualTo(5);
        assertThat(base.withLeaseDuration(Duration.ofMinutes(1)).leaseDuration())
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(base.withRetries(7, Duration.ofMillis(50), Duration.ofSeconds(5)))
                .isEqualTo(BackfillOptions.from(base)
                        .maxRetries(7)
                        .retryBackoff(Duration.ofMillis(50))
                        .maxBackoff(Duration.ofSeconds(5))
                        .build());
        assertThat(base.withPollInterval(Duration.ofMillis(20)).pollInterval()).isEqualTo(Duration.ofMillis(20));
        assertThatThrownBy(() -> base.withMaxRowsPerSecond(-1))
                .hasMessage("maxRowsPerSecond must be at least 0, but was -1");
    }
}
