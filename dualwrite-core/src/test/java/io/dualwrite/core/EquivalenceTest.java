package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class EquivalenceTest {

    record Account(long id, String name, String code, Instant updatedAt) {}

    private final Instant now = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void recordsCompareComponentByComponentByDefault() {
        Equivalence<Account> equivalence = Equivalence.forRecord(Account.class);

        assertThat(equivalence.equivalent(new Account(1, "a", "x", now), new Account(1, "a", "x", now)))
                .isTrue();
        assertThat(equivalence.equivalent(new Account(1, "a", "x", now), new Account(1, "b", "x", now)))
                .isFalse();
    }

    @Test
    void ignoredComponentsDoNotCount() {
        Equivalence<Account> equivalence = Equivalence.forRecord(Account.class).ignoring("updatedAt");

        assertThat(equivalence.equivalent(new Account(1, "a", "x", now), new Account(1, "a", "x", now.plusSeconds(9))))
                .isTrue();
    }

    @Test
    void normalizersApplyPerComponentAndPerType() {
        Equivalence<Account> equivalence = Equivalence.forRecord(Account.class)
                .normalizingAll(String.class, String::stripTrailing)
                .normalizing("code", (String code) -> code.toUpperCase(Locale.ROOT));

        assertThat(equivalence.equivalent(new Account(1, "a", "xy", now), new Account(1, "a   ", "XY   ", now)))
                .isTrue();
        assertThat(equivalence.equivalent(new Account(1, "a", null, now), new Account(1, "a", null, now)))
                .isTrue();
        assertThat(equivalence.equivalent(new Account(1, "a", null, now), new Account(1, "a", "", now)))
                .as("NULL and empty stay different")
                .isFalse();
    }

    @Test
    void anUnknownComponentIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> Equivalence.forRecord(Account.class).ignoring("updated_at"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Account has no component 'updated_at'; its components are [code, id, name, updatedAt]");
    }

    @Test
    void aNormalizerMakesAnyTypeComparable() {
        Equivalence<String> json = Equivalence.by(text -> text.replaceAll("\\s+", ""));

        assertThat(json.equivalent("{\"a\": 1}", "{\"a\":1}")).isTrue();
        assertThat(json.equivalent("{\"a\": 1}", "{\"a\":2}")).isFalse();
    }
}
