package io.dualwrite.contract.example;

import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.core.store.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MigrationStore} written by hand, as docs/writing-a-store.md shows it: customers in one PostgreSQL table
 * {@code example_customer (id BIGINT PRIMARY KEY, email VARCHAR(200))}, read and written with plain JDBC on the
 * connection of the transaction {@link JdbcTransactions} has open on the thread.
 */
public final class CustomerStore implements MigrationStore<Long, CustomerStore.Customer> {

    /** One customer. */
    public record Customer(long id, String email) {}

    private static final String SELECT = "SELECT id, email FROM example_customer";

    private final JdbcTransactions transactions;

    public CustomerStore(JdbcTransactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public Long keyOf(Customer customer) {
        return customer.id();
    }

    @Override
    public Optional<Customer> read(Long id) {
        return select(SELECT + " WHERE id = ?", id).stream().findFirst();
    }

    @Override
    public Map<Long, Customer> readAll(Collection<Long> ids) {
        Map<Long, Customer> found = new HashMap<>();
        List<Long> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += 500) {
            Long[] batch = all.subList(from, Math.min(all.size(), from + 500)).toArray(Long[]::new);
            transactions.withConnection(c -> {
                try (PreparedStatement select = c.prepareStatement(SELECT + " WHERE id = ANY (?)")) {
                    select.setArray(1, c.createArrayOf("bigint", batch));
                    for (Customer customer : customers(select)) {
                        found.put(customer.id(), customer);
                    }
                    return null;
                }
            });
        }
        return found;
    }

    @Override
    public Optional<Customer> readLocked(Long id) {
        return select(SELECT + " WHERE id = ? FOR SHARE", id).stream().findFirst();
    }

    @Override
    public void upsert(Customer customer) {
        update(
                "INSERT INTO example_customer (id, email) VALUES (?, ?)"
                        + " ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email",
                customer.id(),
                customer.email());
    }

    /** One batch of inserts; a key present, or being inserted by a transaction still open, is skipped. */
    @Override
    public void insertAbsent(List<Customer> customers) {
        transactions.withConnection(c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO example_customer (id, email) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
                for (Customer customer : customers) {
                    insert.setLong(1, customer.id());
                    insert.setString(2, customer.email());
                    insert.addBatch();
                }
                return insert.executeBatch();
            }
        });
    }

    @Override
    public void delete(Long id) {
        update("DELETE FROM example_customer WHERE id = ?", id);
    }

    @Override
    public List<Customer> scan(@Nullable Long afterExclusive, @Nullable Long upToInclusive, int limit) {
        return select(
                SELECT + " WHERE id > ? AND id <= ? ORDER BY id LIMIT ?", bounds(afterExclusive, upToInclusive, limit));
    }

    @Override
    public List<Customer> scanLocked(@Nullable Long afterExclusive, @Nullable Long upToInclusive, int limit) {
        return select(
                SELECT + " WHERE id > ? AND id <= ? ORDER BY id LIMIT ? FOR SHARE",
                bounds(afterExclusive, upToInclusive, limit));
    }

    @Override
    public Optional<Long> maxKey() {
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT MAX(id) FROM example_customer");
                    ResultSet rs = select.executeQuery()) {
                rs.next();
                long max = rs.getLong(1);
                return rs.wasNull() ? Optional.<Long>empty() : Optional.of(max);
            }
        });
    }

    @Override
    public long estimateSize() {
        return transactions.withConnection(c -> {
            try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM example_customer");
                    ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public Transactions transactions() {
        return transactions;
    }

    @Override
    public String description() {
        return "table example_customer";
    }

    @Override
    public Optional<Class<Customer>> valueType() {
        return Optional.of(Customer.class);
    }

    private static Object[] bounds(@Nullable Long afterExclusive, @Nullable Long upToInclusive, int limit) {
        return new Object[] {
            afterExclusive == null ? Long.MIN_VALUE : afterExclusive,
            upToInclusive == null ? Long.MAX_VALUE : upToInclusive,
            limit
        };
    }

    private List<Customer> select(String sql, Object... parameters) {
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                bind(select, parameters);
                return customers(select);
            }
        });
    }

    private void update(String sql, Object... parameters) {
        transactions.withConnection(c -> {
            try (PreparedStatement update = c.prepareStatement(sql)) {
                bind(update, parameters);
                return update.executeUpdate();
            }
        });
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }

    private static List<Customer> customers(PreparedStatement select) throws SQLException {
        List<Customer> customers = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                customers.add(new Customer(rs.getLong("id"), rs.getString("email")));
            }
        }
        return customers;
    }
}
