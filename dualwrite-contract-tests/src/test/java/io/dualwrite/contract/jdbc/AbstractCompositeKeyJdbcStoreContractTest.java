package io.dualwrite.contract.jdbc;

import io.dualwrite.contract.AbstractMigrationStoreContractTest;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The {@link MigrationStore} contract on a {@link JdbcStore} whose key spans two columns {@code (tenant, order_no)},
 * declared with {@code compositeKey} and the application's own functions, one subclass per database.
 */
abstract class AbstractCompositeKeyJdbcStoreContractTest
        extends AbstractMigrationStoreContractTest<AbstractCompositeKeyJdbcStoreContractTest.OrderKey, Order> {

    private static final String TABLE = "jdbc_store_contract_ck";

    /** A key over two columns. */
    record OrderKey(String tenant, int orderNo) {}

    private TestDatabase database;

    protected abstract TestDatabase database();

    @Override
    protected MigrationStore<OrderKey, Order> createStore() {
        database = database();
        execute(
                "DROP TABLE IF EXISTS " + TABLE,
                "CREATE TABLE " + TABLE + " (tenant VARCHAR(20) NOT NULL, order_no INT NOT NULL,"
                        + " item VARCHAR(200), PRIMARY KEY (tenant, order_no))");
        return JdbcStore.builder(JdbcTransactions.of(database.dataSource()), OrderKey.class, Order.class)
                .table(TABLE)
                .compositeKey(
                        List.of("tenant", "order_no"),
                        Order::key,
                        key -> List.of(key.tenant(), key.orderNo()),
                        rs -> new OrderKey(rs.getString("tenant"), rs.getInt("order_no")))
                .columns("item")
                .mapper(rs ->
                        new Order(new OrderKey(rs.getString("tenant"), rs.getInt("order_no")), rs.getString("item")))
                .binder((order, row) -> row.set("item", order.item()))
                .build();
    }

    /** Seven orders per tenant, tenants {@code t0000}, {@code t0001}, ...: ascending in (tenant, order_no). */
    @Override
    protected OrderKey key(int n) {
        return new OrderKey(String.format("t%04d", n / 7), n % 7);
    }

    @Override
    protected Order value(OrderKey key, int variant) {
        return new Order(key, "Item " + key + " (" + variant + ")");
    }

    @Override
    protected void updateStatistics() {
        switch (database.kind()) {
            case POSTGRESQL -> execute("ANALYZE " + TABLE);
            case MARIADB -> execute("ANALYZE TABLE " + TABLE);
            case H2 -> {}
        }
    }

    private void execute(String... statements) {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
