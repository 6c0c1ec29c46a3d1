package io.dualwrite.batch;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/** The test domain: a full name (OLD, one column) split into first and last name (NEW, two columns). */
final class People {

    record Person(long id, String fullName) {}

    record PersonName(long id, String firstName, String lastName) {}

    private People() {}

    static PersonName split(Person person) {
        String full = person.fullName();
        int space = full.indexOf(' ');
        return space < 0
                ? new PersonName(person.id(), full, "")
                : new PersonName(person.id(), full.substring(0, space), full.substring(space + 1));
    }

    static Migration<Long, Person, PersonName> migration(JdbcTransactions transactions, String prefix, String name) {
        JdbcStore<Long, Person> old = JdbcStore.builder(transactions, Long.class, Person.class)
                .table(prefix + "_old")
                .key("id", Person::id)
                .columns("full_name")
                .mapper(rs -> new Person(rs.getLong("id"), rs.getString("full_name")))
                .binder((person, row) -> row.set("full_name", person.fullName()))
                .build();
        JdbcStore<Long, PersonName> neu = JdbcStore.builder(transactions, Long.class, PersonName.class)
                .table(prefix + "_new")
                .key("id", PersonName::id)
                .columns("first_name", "last_name")
                .mapper(rs -> new PersonName(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                .binder((n, row) -> row.set("first_name", n.firstName()).set("last_name", n.lastName()))
                .build();
        return Migration.builder(name, Long.class, old, neu)
                .toNew(People::split)
                .build();
    }

    static void createTables(DataSource dataSource, String prefix) {
        execute(
                dataSource,
                "DROP TABLE IF EXISTS " + prefix + "_old",
                "DROP TABLE IF EXISTS " + prefix + "_new",
                "CREATE TABLE " + prefix + "_old (id BIGINT PRIMARY KEY, full_name VARCHAR(200) NOT NULL)",
                "CREATE TABLE " + prefix + "_new (id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                        + " last_name VARCHAR(100))");
    }

    /** Inserts {@code rows} OLD rows with keys 3, 6, 9, ... by plain SQL; returns them as id -> full name. */
    static Map<Long, String> seed(DataSource dataSource, String prefix, int rows) throws SQLException {
        Map<Long, String> seeded = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO " + prefix + "_old (id, full_name) VALUES (?, ?)")) {
            for (long i = 1; i <= rows; i++) {
                String name = "First" + i + " Last" + i;
                insert.setLong(1, i * 3);
                insert.setString(2, name);
                insert.addBatch();
                seeded.put(i * 3, name);
                if (i % 5000 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        return seeded;
    }

    /** Every row of a table as id -> column values joined by '|', read with plain SQL. */
    static Map<Long, String> rows(DataSource dataSource, String table) {
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

    /** OLD's rows as NEW should hold them: id -> first|last. */
    static Map<Long, String> mapped(Map<Long, String> oldRows) {
        Map<Long, String> expected = new TreeMap<>();
        oldRows.forEach((id, full) -> {
            PersonName name = split(new Person(id, full));
            expected.put(id, name.firstName() + "|" + name.lastName());
        });
        return expected;
    }

    static void execute(DataSource dataSource, String... statements) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(DataSource dataSource, String sql) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
