package io.dualwrite.core.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShadowReadOptionsTest {

    private final ShadowReadOptions base =
            new ShadowReadOptions(0.2, Duration.ofMillis(300), Duration.ofMillis(100), 10, true, 40);

    @Test
    void aBuilderFromABaseKeepsEveryValueOfTheBase() {
        assertThat(ShadowReadOptions.from(base).build()).isEqualTo(base);
        assertThat(ShadowReadOptions.from(ShadowReadOptions.defaults()).build())
                .isEqualTo(ShadowReadOptions.defaults());
    }

    @Test
    void aBuilderChangesOnlyTheComponentsItIsGiven() {
        assertThat(ShadowReadOptions.from(base).sampleRate(1).mismatchSamples(0).build())
                .isEqualTo(new ShadowReadOptions(1, Duration.ofMillis(300), Duration.ofMillis(100), 0, true, 40));
        assertThat(ShadowReadOptions.from(ShadowReadOptions.defaults())
                        .sampleRate(base.sampleRate())
                        .timeout(base.timeout())
                        .recheckDelay(base.recheckDelay())
                        .mismatchSamples(base.mismatchSamples())
                        .redactValues(base.redactValues())
                        .maxComparisonsPerSecond(base.maxComparisonsPerSecond())
                        .build())
                .isEqualTo(base);
        assertThat(base.sampleRate()).isEqualTo(0.2);
    }

    @Test
    void invalidValuesFailTheBuildNamingTheComponent() {
        assertThatThrownBy(() -> ShadowReadOptions.from(base).sampleRate(1.5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sampleRate must be between 0 and 1, but was 1.5");
        assertThatThrownBy(() ->
                        ShadowReadOptions.from(base).timeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be positive, but was PT0S");
        assertThatThrownBy(() -> ShadowReadOptions.from(base)
                        .recheckDelay(Duration.ofMillis(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("recheckDelay must be zero or positive, but was PT-0.001S");
        assertThatThrownBy(
                        () -> ShadowReadOptions.from(base).mismatchSamples(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mismatchSamples must be at least 0, but was -1");
        assertThatThrownBy(() ->
                        ShadowReadOptions.from(base).maxComparisonsPerSecond(-2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxComparisonsPerSecond must be at least 0, but was -2");
    }

    @Test
    void theWithersStillDeriveOptionsAsTheBuilderDoes() {
        assertThat(base.withSampleRate(0.5))
                .isEqualTo(ShadowReadOptions.from(base).sampleRate(0.5).build());
        assertThat(base.withTimeout(Duration.ofSeconds(1)).timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(base.withRecheckDelay(Duration.ZERO).recheckDelay()).isEqualTo(Duration.ZERO);
        assertThat(base.withRedactedValues(false).redactValues()).isFalse();
        assertThat(base.withMaxComparisonsPerSecond(0))
                .isEqualTo(
                        ShadowReadOptions.from(base).maxComparisonsPerSecond(0).build());
        assertThatThrownBy(() -> base.withSampleRate(-0.1))
                .hasMessage("sampleRate must be between 0 and 1, but was -0.1");
    }
}
