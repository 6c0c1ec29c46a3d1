package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The test domain: people whose full name (OLD, one column) is split into first and last name (NEW, two columns,
 * the first one NOT NULL so that a NEW write can be made to fail with an empty name).
 */
public final class People {

    /** The old representation. */
    public record Person(long id, String fullName) {}

    /** The new representation. */
    public record PersonName(long id, String firstName, String lastName) {}

    private People() {}

    public static PersonName split(Person person) {
        String full = person.fullName();
        if (full == null || full.isEmpty()) {
            return new PersonName(person.id(), null, null);
        }
        int space = full.indexOf(' ');
        return space < 0
                ? new PersonName(person.id(), full, "")
                : new PersonName(person.id(), full.substring(0, space), full.substring(space + 1));
    }

    public static Person join(PersonName name) {
        return new Person(
                name.id(), name.lastName().isEmpty() ? name.firstName() : name.firstName() + " " + name.lastName());
    }

    /**
     * The people migration of a JVM started by a test ({@code BackfillProcess}, {@code InstanceProcess}): its own
     * small pool on {@code jdbcUrl}, the tables {@code <prefix>_old} and {@code <prefix>_new}.
     */
    public static Migration<Long, Person, PersonName> migrationInChildJvm(
            String jdbcUrl, String user, String prefix, String name) {
        com.zaxxer.hikari.HikariDataSource dataSource = new com.zaxxer.hikari.HikariDataSource();
        dataSource.setJdbcUrl(jdbcUrl);
        if (!user.isEmpty()) {
            dataSource.setUsername(user);
        }
        dataSource.setMaximumPoolSize(2);
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        return Migration.builder(name, Long.class, oldStore(transactions, prefix), newStore(transactions, prefix))
                .toNew(People::split)
                .build();
    }

    /** Drops and creates {@code <prefix>_old} and {@code <prefix>_new}. */
    public static void createTables(DataSource dataSource, String prefix) {
        execute(
                dataSource,
                "DROP TABLE IF EXISTS " + prefix + "_old",
                "DROP TABLE IF EXISTS " + prefix + "_new",
                "CREATE TABLE " + prefix + "_old (id BIGINT PRIMARY KEY, full_name VARCHAR(200))",
                "CREATE TABLE " + prefix + "_new (id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                        + " last_name VARCHAR(100))");
    }

    public static JdbcStore<Long, Person> oldStore(JdbcTransactions transactions, String prefix) {
        return JdbcStore.builder(transactions, Long.class, Person.class)
                .table(prefix + "_old")
                .key("id", Person::id)
                .columns("full_name")
                .mapper(rs -> new Person(rs.getLong("id"), rs.getString("full_name")))
                .binder((person, row) -> row.set("full_name", person.fullName()))
                .build();
    }

    public static JdbcStore<Long, PersonName> newStore(JdbcTransactions transactions, String prefix) {
        return JdbcStore.builder(transactions, Long.class, PersonName.class)
                .table(prefix + "_new")
                .key("id", PersonName::id)
                .columns("first_name", "last_name")
                .mapper(rs -> new PersonName(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                .binder((name, row) -> row.set("first_name", name.firstName()).set("last_name", name.lastName()))
                .build();
    }

    /** Every row of a table as id -> column values joined by '|', read with plain SQL, not through a store. */
    public static Map<Long, String> rows(DataSource dataSource, String table) {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder value = new StringBuilder();
                for (int i = 2; i <= columns; i++) {
                    value.append(i > 2 ? "|" : "").append(rs.getString(i));
                }
                rows.put(rs.getLong(1), value.toString());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    public static void execute(DataSource dataSource, String... statements) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
