package io.dualwrite.core;

import static io.dualwrite.core.model.MigrationPhase.BACKFILL;
import static io.dualwrite.core.model.MigrationPhase.DROP_OLD;
import static io.dualwrite.core.model.MigrationPhase.DUAL_WRITE;
import static io.dualwrite.core.model.MigrationPhase.OLD_ONLY;
import static io.dualwrite.core.model.MigrationPhase.READ_NEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.model.IllegalPhaseTransitionException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.UnknownPhaseException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MigrationPhaseTest {

    @Test
    void eachPhaseReadsItsSourceOfTruthAndWritesItFirst() {
        assertThat(OLD_ONLY.sourceOfTruth()).isEqualTo(Side.OLD);
        assertThat(OLD_ONLY.writeOrder()).containsExactly(Side.OLD);
        assertThat(DUAL_WRITE.sourceOfTruth()).isEqualTo(Side.OLD);
        assertThat(DUAL_WRITE.writeOrder()).containsExactly(Side.OLD, Side.NEW);
        assertThat(BACKFILL.sourceOfTruth()).isEqualTo(Side.OLD);
        assertThat(BACKFILL.writeOrder()).containsExactly(Side.OLD, Side.NEW);
        assertThat(READ_NEW.sourceOfTruth()).isEqualTo(Side.NEW);
        assertThat(READ_NEW.writeOrder()).containsExactly(Side.NEW, Side.OLD);
        assertThat(DROP_OLD.sourceOfTruth()).isEqualTo(Side.NEW);
        assertThat(DROP_OLD.writeOrder()).containsExactly(Side.NEW);
    }

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void sourceOfTruthIsAlwaysWrittenFirst(MigrationPhase phase) {
        assertThat(phase.writeOrder().get(0)).isEqualTo(phase.sourceOfTruth());
    }

    @Test
    void everyStepForwardAndBackIsAllowed() {
        List<MigrationPhase> order = List.of(OLD_ONLY, DUAL_WRITE, BACKFILL, READ_NEW, DROP_OLD);
        for (int i = 0; i + 1 < order.size(); i++) {
            assertThat(PhaseTransition.find(order.get(i), order.get(i + 1))).isPresent();
            assertThat(PhaseTransition.find(order.get(i + 1), order.get(i)))
                    .get()
                    .extracting(PhaseTransition::isRollback)
                    .isEqualTo(true);
        }
        // Besides one step each way: READ_NEW straight back to DUAL_WRITE (old was kept current).
        assertThat(PhaseTransition.find(READ_NEW, DUAL_WRITE))
                .get()
                .extracting(PhaseTransition::isRollback)
                .isEqualTo(true);
        assertThat(PhaseTransition.values()).hasSize(9);
    }

    @Test
    void skippingAPhaseIsIllegalAndNamesMigrationAndBothPhases() {
        assertThatThrownBy(() -> PhaseTransition.between("orders", OLD_ONLY, READ_NEW))
                .isInstanceOf(IllegalPhaseTransitionException.class)
                .hasMessageContaining("'orders'")
                .hasMessageContaining("OLD_ONLY")
                .hasMessageContaining("READ_NEW")
                .hasMessageContaining("allowed from OLD_ONLY: DUAL_WRITE")
                .satisfies(e -> {
                    IllegalPhaseTransitionException illegal = (IllegalPhaseTransitionException) e;
                    assertThat(illegal.migration()).isEqualTo("orders");
                    assertThat(illegal.from()).isEqualTo(OLD_ONLY);
                    assertThat(illegal.to()).isEqualTo(READ_NEW);
                });
    }

    @ParameterizedTest
    @EnumSource(MigrationPhase.class)
    void stayingInTheSamePhaseIsNotATransition(MigrationPhase phase) {
        assertThatThrownBy(() -> PhaseTransition.between("m", phase, phase))
                .isInstanceOf(IllegalPhaseTransitionException.class);
    }

    @Test
    void parsesPhaseNamesLeniently() {
        assertThat(MigrationPhase.parse("read-new")).isEqualTo(READ_NEW);
        assertThat(MigrationPhase.parse(" Dual_Write ")).isEqualTo(DUAL_WRITE);
        assertThatThrownBy(() -> MigrationPhase.parse("READ_NEWER"))
                .isInstanceOf(UnknownPhaseException.class)
                .hasMessageContaining("READ_NEWER")
                .hasMessageContaining("OLD_ONLY, DUAL_WRITE, BACKFILL, READ_NEW, DROP_OLD");
    }

    @Test
    void nextAndPreviousWalkTheOrder() {
        assertThat(OLD_ONLY.next()).contains(DUAL_WRITE);
        assertThat(DROP_OLD.next()).isEmpty();
        assertThat(OLD_ONLY.previous()).isEmpty();
        assertThat(READ_NEW.previous()).contains(BACKFILL);
    }
}
