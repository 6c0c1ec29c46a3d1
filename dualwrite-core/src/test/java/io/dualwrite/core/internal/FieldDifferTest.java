package io.dualwrite.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.internal.FieldDiffer.Difference;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class FieldDifferTest {

    static class Account {
        long id;
        String owner;
        BigDecimal balance;
        Address address;

        Account(long id, String owner, BigDecimal balance, Address address) {
            this.id = id;
            this.owner = owner;
            this.balance = balance;
            this.address = address;
        }
    }

    static class Address {
        String city;

        Address(String city) {
            this.city = city;
        }
    }

    record Pair(String left, String right) {}

    @Test
    void classesWithoutEqualsDifferFieldByFieldAndRenderTheirFields() {
        Account expected = new Account(1, "Ada", new BigDecimal("1.5"), new Address("London"));
        Account actual = new Account(1, "Ada", new BigDecimal("1.50"), new Address("Paris"));

        assertThat(FieldDiffer.differences(expected, actual)).singleElement().satisfies(difference -> {
            assertThat(difference.field()).isEqualTo("address");
            assertThat(FieldDiffer.render(difference.expected())).isEqualTo("Address{city=London}");
        });
        assertThat(FieldDiffer.render(expected))
                .isEqualTo("Account{id=1, owner=Ada, balance=1.5, address=Address{city=London}}");
        assertThat(FieldDiffer.render(new byte[] {1, 2})).isEqualTo("[1, 2]");
    }

    @Test
    void recordsDifferComponentByComponentAndOtherValuesAsAWhole() {
        assertThat(FieldDiffer.differences(new Pair("a", "b"), new Pair("a", "c")))
                .containsExactly(new Difference("right", "b", "c"));
        assertThat(FieldDiffer.differences("x", "y"))
                .containsExactly(new Difference(FieldDiffer.WHOLE_VALUE, "x", "y"));
        assertThat(FieldDiffer.differences(new Pair("a", "b"), null))
                .containsExactly(new Difference(FieldDiffer.WHOLE_VALUE, new Pair("a", "b"), null));
    }
}
