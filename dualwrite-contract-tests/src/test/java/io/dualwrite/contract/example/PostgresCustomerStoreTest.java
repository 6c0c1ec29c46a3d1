package io.dualwrite.contract.example;

import io.dualwrite.contract.AbstractMigrationStoreContractTest;
import io.dualwrite.contract.example.CustomerStore.Customer;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The example of docs/writing-a-store.md: the MigrationStore contract on a store written by hand. */
class PostgresCustomerStoreTest extends AbstractMigrationStoreContractTest<Long, Customer> {

    @Override
    protected MigrationStore<Long, Customer> createStore() {
        DataSource dataSource = TestDatabases.postgres().dataSource();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS example_customer");
            statement.execute("CREATE TABLE example_customer (id BIGINT PRIMARY KEY, email VARCHAR(200))");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new CustomerStore(JdbcTransactions.of(dataSource));
    }

    @Override
    protected Long key(int n) {
        return (long) n;
    }

    @Override
    protected Customer value(Long key, int variant) {
        return new Customer(key, "customer-" + key + "-" + variant + "@example.com");
    }
}
