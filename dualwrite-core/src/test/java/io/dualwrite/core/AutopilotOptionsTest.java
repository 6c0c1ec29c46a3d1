package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.model.MigrationPhase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AutopilotOptionsTest {

    private final AutopilotOptions base =
            new AutopilotOptions(true, MigrationPhase.DROP_OLD, Duration.ofMinutes(1), 0.02, 0.1, 10);

    @Test
    void aBuilderFromABaseKeepsEveryValueOfTheBase() {
        assertThat(AutopilotOptions.from(base).build()).isEqualTo(base);
        assertThat(AutopilotOptions.from(AutopilotOptions.off()).build()).isEqualTo(AutopilotOptions.off());
        assertThat(AutopilotOptions.from(AutopilotOptions.off()).enabled(true).build())
                .isEqualTo(AutopilotOptions.upToReadNew());
    }

    @Test
    void aBuilderChangesOnlyTheComponentsItIsGiven() {
        assertThat(AutopilotOptions.from(base)
                        .finalPhase(MigrationPhase.BACKFILL)
                        .minSamples(3)
                        .build())
                .isEqualTo(new AutopilotOptions(true, MigrationPhase.BACKFILL, Duration.ofMinutes(1), 0.02, 0.1, 3));
        assertThat(AutopilotOptions.from(AutopilotOptions.off())
                        .enabled(base.enabled())
                        .finalPhase(base.finalPhase())
                        .soak(base.soak())
                        .rollbackMismatchRate(base.rollbackMismatchRate())
                        .rollbackWriteErrorRate(base.rollbackWriteErrorRate())
                        .minSamples(base.minSamples())
                        .build())
                .isEqualTo(base);
        assertThat(base.finalPhase()).isEqualTo(MigrationPhase.DROP_OLD);
    }

    @Test
    void invalidValuesFailTheBuildNamingTheComponent() {
        assertThatThrownBy(() -> AutopilotOptions.from(base)
                        .finalPhase(MigrationPhase.OLD_ONLY)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("finalPhase must be after OLD_ONLY, but was OLD_ONLY");
        assertThatThrownBy(() ->
                        AutopilotOptions.from(base).soak(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("soak must not be negative, but was PT-1S");
        assertThatThrownBy(() ->
                        AutopilotOptions.from(base).rollbackMismatchRate(1.1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rollbackMismatchRate must be between 0 and 1, but was 1.1");
        assertThatThrownBy(() ->
                        AutopilotOptions.from(base).rollbackWriteErrorRate(-0.5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rollbackWriteErrorRate must be between 0 and 1, but was -0.5");
        assertThatThrownBy(() -> AutopilotOptions.from(base).minSamples(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minSamples must be at least 1, but was 0");
    }

    @Test
    void theWithersStillDeriveOptionsAsTheBuilderDoes() {
        assertThat(base.withEnabled(false))
                .isEqualTo(AutopilotOptions.from(base).enabled(false).build());
        assertThat(base.withFinalPhase(MigrationPhase.READ_NEW).finalPhase()).isEqualTo(MigrationPhase.READ_NEW);
        assertThat(base.withSoak(Duration.ZERO).soak()).isEqualTo(Duration.ZERO);
        assertThat(base.withRollbackMismatchRate(0.5).rollbackMismatchRate()).isEqualTo(0.5);
        assertThat(base.withRollbackWriteErrorRate(0.5).rollbackWriteErrorRate())
                .isEqualTo(0.5);
        assertThat(base.withMinSamples(99).minSamples()).isEqualTo(99);
        assertThatThrownBy(() -> base.withMinSamples(0)).hasMessage("minSamples must be at least 1, but was 0");
    }
}
