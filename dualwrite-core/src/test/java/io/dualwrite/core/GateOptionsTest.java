package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GateOptionsTest {

    private final GateOptions base = new GateOptions(true, 0.05, 7, Duration.ofMinutes(2), Duration.ofHours(1));

    @Test
    void aBuilderFromABaseKeepsEveryValueOfTheBase() {
        assertThat(GateOptions.from(base).build()).isEqualTo(base);
        assertThat(GateOptions.from(GateOptions.defaults()).build()).isEqualTo(GateOptions.defaults());
        assertThat(GateOptions.from(GateOptions.off()).build()).isEqualTo(GateOptions.off());
    }

    @Test
    void aBuilderChangesOnlyTheComponentsItIsGiven() {
        assertThat(GateOptions.from(base).enabled(false).minShadowSamples(9).build())
                .isEqualTo(new GateOptions(false, 0.05, 9, Duration.ofMinutes(2), Duration.ofHours(1)));
        assertThat(GateOptions.from(GateOptions.off())
                        .enabled(base.enabled())
                        .maxMismatchRate(base.maxMismatchRate())
                        .minShadowSamples(base.minShadowSamples())
                        .minShadowTime(base.minShadowTime())
                        .readNewSoak(base.readNewSoak())
                        .build())
                .isEqualTo(base);
        assertThat(base.minShadowSamples()).isEqualTo(7);
    }

    @Test
    void invalidValuesFailTheBuildNamingTheComponent() {
        assertThatThrownBy(() -> GateOptions.from(base).maxMismatchRate(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxMismatchRate must be between 0 and 1, but was 2.0");
        assertThatThrownBy(() -> GateOptions.from(base).minShadowSamples(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minShadowSamples must not be negative, but was -1");
        assertThatThrownBy(() -> GateOptions.from(base)
                        .readNewSoak(Duration.ofSeconds(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("readNewSoak must not be negative, but was PT-1S");
        assertThatThrownBy(() -> GateOptions.from(base).minShadowTime(null).build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("minShadowTime");
    }

    @Test
    void theWithersStillDeriveOptionsAsTheBuilderDoes() {
        assertThat(GateOptions.off()).isEqualTo(GateOptions.defaults().withEnabled(false));
        assertThat(base.withMaxMismatchRate(0.5))
                .isEqualTo(GateOptions.from(base).maxMismatchRate(0.5).build());
        assertThat(base.withMinShadowSamples(1).minShadowSamples()).isEqualTo(1);
        assertThat(base.withMinShadowTime(Duration.ZERO).minShadowTime()).isEqualTo(Duration.ZERO);
        assertThat(base.withReadNewSoak(Duration.ofMinutes(3)).readNewSoak()).isEqualTo(Duration.ofMinutes(3));
        assertThatThrownBy(() -> base.withMaxMismatchRate(-1))
                .hasMessage("maxMismatchRate must be between 0 and 1, but was -1.0");
    }
}
