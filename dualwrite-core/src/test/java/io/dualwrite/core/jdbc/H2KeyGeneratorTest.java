package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * H2 keeps a key column's default as written: {@code NEXT VALUE FOR s}, or {@code NEXTVAL('s')} where one schema
 * script serves PostgreSQL too (the sample's does). Both draw from {@code s}.
 */
class H2KeyGeneratorTest {

    private final TestDatabase database = TestDatabases.h2();
    private final JdbcTransactions transactions = JdbcTransactions.of(database.dataSource());

    @Test
    void aNextvalDefaultDrawsFromItsSequence() throws Exception {
        execute(
                "CREATE SEQUENCE customer_id START WITH 1000",
                "CREATE TABLE customer (id BIGINT DEFAULT nextval('customer_id') PRIMARY KEY, name VARCHAR(20))",
                "CREATE TABLE spelled (id BIGINT DEFAULT NEXTVAL('PUBLIC', 'customer_id') PRIMARY KEY)");

        KeyGenerator generator =
                KeyGenerator.read(transactions, "customer", "id").orElseThrow();
        KeyGenerator qualified =
                KeyGenerator.read(transactions, "spelled", "id").orElseThrow();

        assertThat(generator.kind()).isEqualTo(KeyGenerator.Kind.SEQUENCE);
        assertThat(generator.drawsFrom("customer_id")).isTrue();
        assertThat(qualified.drawsFrom("customer_id")).isTrue();
        assertThat(KeySequence.ofColumn(transactions, "customer", "id").sequence())
                .isEqualToIgnoringCase("customer_id");
    }

    @Test
    void aNextvalDefaultOfAnotherSequenceIsRefusedAtRegistration() throws Exception {
        execute(
                "CREATE SEQUENCE customer_id START WITH 1000",
                "CREATE SEQUENCE other_id START WITH 1000",
                "CREATE TABLE customer (id BIGINT DEFAULT nextval('other_id') PRIMARY KEY, name VARCHAR(20))",
                "CREATE TABLE customer_name (id BIGINT PRIMARY KEY, name VARCHAR(20))");
        JdbcStore<Long, long[]> old = store("customer");
        JdbcStore<Long, long[]> fresh = store("customer_name");

        assertThatThrownBy(
                        () -> KeySequenceCheck.check("split", KeySequence.of(transactions, "customer_id"), old, fresh))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("draws from other_id");
    }

    private JdbcStore<Long, long[]> store(String table) {
        return JdbcStore.builder(transactions, Long.class, long[].class)
                .table(table)
                .key("id", row -> row[0])
                .mapper(rs -> new long[] {rs.getLong("id")})
                .binder((row, values) -> {})
                .build();
    }

    private void execute(String... statements) throws Exception {
        try (Connection c = database.dataSource().getConnection();
                Statement statement = c.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
