package io.dualwrite.contract.jdbc;

import io.dualwrite.contract.AbstractMigrationStoreContractTest;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The {@link MigrationStore} contract on dualwrite's {@link JdbcStore}, one subclass per database. What JdbcStore
 * adds (its SQL per dialect, shared rows) is tested in dualwrite-core's {@code AbstractJdbcStoreTest}.
 */
abstract class AbstractJdbcStoreContractTest extends AbstractMigrationStoreContractTest<Long, Person> {

    private static final String TABLE = "jdbc_store_contract";

    private TestDatabase database;

    protected abstract TestDatabase database();

    @Override
    protected MigrationStore<Long, Person> createStore() {
        database = database();
        execute(
                "DROP TABLE IF EXISTS " + TABLE,
                "CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, full_name VARCHAR(200))");
        return JdbcStore.builder(JdbcTransactions.of(database.dataSource()), Long.class, Person.class)
                .table(TABLE)
                .key("id", Person::id)
                .columns("full_name")
                .mapper(rs -> new Person(rs.getLong("id"), rs.getString("full_name")))
                .binder((person, row) -> row.set("full_name", person.fullName()))
                .build();
    }

    @Override
    protected Long key(int n) {
        return (long) n;
    }

    @Override
    protected Person value(Long key, int variant) {
        return new Person(key, "Person " + key + " (" + variant + ")");
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
