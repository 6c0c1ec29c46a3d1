package io.dualwrite.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.model.Side;
import io.dualwrite.core.store.KeyCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalkPositionTest {

    private static final KeyCodec<String> STRINGS = KeyCodec.forType(String.class);

    @ParameterizedTest(name = "key \"{0}\"")
    @ValueSource(strings = {"", "abc", "Zé ", "~", "~tilde", "~old:x", "~old+new:x", "~new", "~new:x"})
    void everyPositionSurvivesItsCheckpointText(String key) {
        for (WalkPosition<String> position : java.util.List.of(
                new WalkPosition<>(Side.OLD, key, false),
                new WalkPosition<>(Side.OLD, key, true),
                WalkPosition.newSide(key))) {
            assertThat(WalkPosition.decode(position.encode(STRINGS), STRINGS)).isEqualTo(position);
        }
    }

    @Test
    void aWalkOfOldIsStoredAsItsKeySoThatEarlierCheckpointsResume() {
        assertThat(new WalkPosition<>(Side.OLD, 21L, false).encode(KeyCodec.forType(Long.class)))
                .isEqualTo("21");
        assertThat(WalkPosition.decode("21", KeyCodec.forType(Long.class)))
                .isEqualTo(new WalkPosition<>(Side.OLD, 21L, false));
        assertThat(WalkPosition.decode(null, STRINGS)).isEqualTo(WalkPosition.start());
    }

    @Test
    void theWalkOfNewFromItsFirstKeyHasAText() {
        assertThat(WalkPosition.<String>newSide(null).encode(STRINGS)).isEqualTo("~new");
        assertThat(WalkPosition.decode("~new", STRINGS)).isEqualTo(WalkPosition.newSide(null));
        assertThatThrownBy(() -> WalkPosition.<String>start().encode(STRINGS))
                .isInstanceOf(IllegalStateException.class);
    }
}
