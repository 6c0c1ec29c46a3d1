package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.testsupport.TestDatabases;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How {@code compositeKey} refuses a key it cannot walk, and the SQL it renders per dialect. */
class CompositeKeyBuilderTest {

    record OrderKey(String tenant, long orderNo) {}

    record Order(OrderKey key, String item) {}

    record Odd(java.time.Instant at, long n) {}

    record OddRow(Odd key) {}

    private final JdbcTransactions transactions =
            JdbcTransactions.of(TestDatabases.h2().dataSource());

    private JdbcStore.Builder<OrderKey, Order> orders() {
        return JdbcStore.builder(transactions, OrderKey.class, Order.class)
                .table("orders")
                .mapper(rs -> null)
                .binder((o, row) -> {});
    }

    @Test
    void refusesACompositeKeyWithoutColumns() {
        assertThatThrownBy(() -> orders().compositeKey(List.of(), Order::key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("compositeKey needs at least one key column, but was given none");
    }

    @Test
    void refusesAKeyColumnNamedTwice() {
        assertThatThrownBy(() -> orders().compositeKey(List.of("tenant", "TENANT"), Order::key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the key column 'TENANT' is named twice");
    }

    @Test
    void refusesAKeyColumnAmongTheColumns() {
        assertThatThrownBy(() -> orders().compositeKey(List.of("tenant", "order_no"), Order::key)
                        .columns("item", "order_no")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the key column 'order_no' is set from the key; leave it out of columns(...)");
    }

    @Test
    void refusesARecordKeyWithAnotherNumberOfComponents() {
        assertThatThrownBy(() -> orders().compositeKey(List.of("tenant", "order_no", "line"), Order::key)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 2 components, but 3 key columns [tenant, order_no, line] were declared");
    }

    @Test
    void refusesARecordKeyOfOtherComponentTypesWithoutFunctions() {
        assertThatThrownBy(() -> JdbcStore.builder(transactions, Odd.class, OddRow.class)
                        .table("odd")
                        .compositeKey(List.of("at", "n"), OddRow::key)
                        .mapper(rs -> null)
                        .binder((o, row) -> {})
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("component 'at' of type java.time.Instant")
                .hasMessageContaining("compositeKey(columns, keyOf, keyValues, keyMapper)");
    }

    @Test
    void theSingleKeyColumnIsRefusedForACompositeKey() {
        JdbcStore<OrderKey, Order> store = orders().compositeKey(List.of("tenant", "order_no"), Order::key)
                .columns("item")
                .build();
        assertThat(store.keyColumns()).containsExactly("tenant", "order_no");
        assertThatThrownBy(store::keyColumn)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("use keyColumns()");
    }

    @Test
    void rangesAreRowComparisonsOnPostgresAndH2AndExpandedOnMariaDb() {
        KeyShape<OrderKey> key = KeyShape.ofRecord(
                List.of("tenant", "order_no"), io.dualwrite.core.internal.RecordKeys.of(OrderKey.class));
        assertThat(key.after(SqlDialect.POSTGRESQL, "").sql()).isEqualTo("(tenant, order_no) > (?, ?)");
        assertThat(key.upTo(SqlDialect.H2, "n.").sql()).isEqualTo("(n.tenant, n.order_no) <= (?, ?)");
        assertThat(key.after(SqlDialect.MARIADB, "").sql()).isEqualTo("(tenant > ? OR (tenant = ? AND order_no > ?))");
        assertThat(key.upTo(SqlDialect.MARIADB, "").sql()).isEqualTo("(tenant < ? OR (tenant = ? AND order_no <= ?))");
        assertThat(key.in(SqlDialect.POSTGRESQL, 2)).isEqualTo("(tenant, order_no) IN ((?, ?), (?, ?))");
        assertThat(key.in(SqlDialect.MARIADB, 2))
                .isEqualTo("((tenant = ? AND order_no = ?) OR (tenant = ? AND order_no = ?))");
        assertThat(key.orderBy("", true)).isEqualTo("tenant DESC, order_no DESC");
    }

    @Test
    void theBuiltInCodecOfARecordKeyEscapesItsSeparators() {
        record Mixed(String a, long b, UUID c, Integer d) {}
        var codec = io.dualwrite.core.store.KeyCodec.forType(Mixed.class);
        Mixed tricky = new Mixed("x,y\\z,", 7, UUID.fromString("00000000-0000-0000-0000-00000000002a"), -3);
        String text = codec.encode(tricky);
        assertThat(text).isEqualTo("x\\,y\\\\z\\,,7,00000000-0000-0000-0000-00000000002a,-3");
        assertThat(codec.decode(text)).isEqualTo(tricky);
        assertThat(codec.decode(codec.encode(new Mixed("", 0, tricky.c(), 0))))
                .isEqualTo(new Mixed("", 0, tricky.c(), 0));
        assertThatThrownBy(() -> io.dualwrite.core.store.KeyCodec.forType(Odd.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declare one with keyCodec(...)");
    }
}
