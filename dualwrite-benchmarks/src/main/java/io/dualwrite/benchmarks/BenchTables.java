package io.dualwrite.benchmarks;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.InsertPath;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.SqlMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The benchmark tables {@code bench_old (id, full_name)} and {@code bench_new (id, first_name, last_name)}, on
 * PostgreSQL or MariaDB.
 */
public final class BenchTables {

    /** Old and new rows. */
    public record OldRow(long id, String fullName) {}

    public record NewRow(long id, String firstName, String lastName) {}

    private final DataSource dataSource;

    public BenchTables(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Re-creates both tables with {@code rows} old rows and an empty new table. */
    public void populate(int rows) {
        execute("DROP TABLE IF EXISTS bench_old");
        execute("DROP TABLE IF EXISTS bench_new");
        execute("CREATE TABLE bench_old (id BIGINT PRIMARY KEY, full_name VARCHAR(200) NOT NULL)");
        execute("CREATE TABLE bench_new (id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                + " last_name VARCHAR(100) NOT NULL)");
        if (mariadb()) {
            if (rows > 0) {
                execute("INSERT INTO bench_old SELECT seq, CONCAT('First', seq, ' Last', seq) FROM seq_1_to_" + rows);
            }
            execute("ANALYZE TABLE bench_old");
            return;
        }
        execute("INSERT INTO bench_old SELECT g, 'First' || g || ' Last' || g FROM generate_series(1, " + rows + ") g");
        execute("VACUUM ANALYZE bench_old");
    }

    /** Re-creates an empty {@code bench_new} alone: the target of a copy from another database. */
    public void createNewTable() {
        execute("DROP TABLE IF EXISTS bench_new");
        execute("CREATE TABLE bench_new (id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                + " last_name VARCHAR(100) NOT NULL)");
    }

    /** Whether the tables are on MariaDB (else PostgreSQL). */
    public boolean mariadb() {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
            return product.contains("mariadb") || product.contains("mysql");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fills the new table from the old one with plain SQL. */
    public void copyWithSql() {
        execute("INSERT INTO bench_new (id, first_name, last_name) SELECT id, " + Names.FIRST_NAME_SQL + ", "
                + Names.LAST_NAME_SQL + " FROM bench_old");
        execute("VACUUM ANALYZE bench_new");
    }

    /** A migration between the two tables, with a new name each time so that runs do not share state. */
    public Migration<Long, OldRow, NewRow> migration(boolean withSqlMapping) {
        return migration(withSqlMapping, InsertPath.AUTO);
    }

    /**
     * A migration whose NEW store writes absent rows by {@code path}; its SQL mapping, if asked for, is in the
     * database's own dialect (PostgreSQL or MariaDB).
     */
    public Migration<Long, OldRow, NewRow> migration(boolean withSqlMapping, InsertPath path) {
        return migration(dataSource, dataSource, withSqlMapping, path, withSqlMapping && mariadb());
    }

    /**
     * A migration from {@code bench_old} in {@code oldDatabase} to {@code bench_new} in {@code newDatabase} (the same
     * or another database), mapped in Java, or also declared in SQL when {@code withSqlMapping} (in MariaDB's dialect
     * when {@code mariadbSql}, else PostgreSQL's; only a copy within one database runs it).
     */
    public static Migration<Long, OldRow, NewRow> migration(
            DataSource oldDatabase,
            DataSource newDatabase,
            boolean withSqlMapping,
            InsertPath path,
            boolean mariadbSql) {
        JdbcTransactions oldTransactions = JdbcTransactions.of(oldDatabase);
        JdbcTransactions newTransactions =
                newDatabase == oldDatabase ? oldTransactions : JdbcTransactions.of(newDatabase);
        JdbcStore<Long, OldRow> old = JdbcStore.builder(oldTransactions, Long.class, OldRow.class)
                .table("bench_old")
                .key("id", OldRow::id)
                .columns("full_name")
                .mapper(rs -> new OldRow(rs.getLong(1), rs.getString(2)))
                .binder((row, values) -> values.set("full_name", row.fullName()))
                .build();
        JdbcStore<Long, NewRow> fresh = JdbcStore.builder(newTransactions, Long.class, NewRow.class)
                .table("bench_new")
                .key("id", NewRow::id)
                .columns("first_name", "last_name")
                .mapper(rs -> new NewRow(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .binder((row, values) ->
                        values.set("first_name", row.firstName()).set("last_name", row.lastName()))
                .insertPath(path)
                .build();
        Migration.Builder<Long, OldRow, NewRow> definition = Migration.builder(
                        "bench-" + System.nanoTime(), Long.class, old, fresh)
                .toNew(row -> {
                    String[] name = Names.split(row.fullName());
                    return new NewRow(row.id(), name[0], name[1]);
                });
        if (withSqlMapping) {
            definition.sqlMapping(SqlMapping.builder()
                    .column("first_name", Names.firstNameSql(mariadbSql))
                    .column("last_name", Names.lastNameSql(mariadbSql))
                    .build());
        }
        return definition.build();
    }

    public long execute(String sql) {
        try (Connection c = dataSource.getConnection();
                Statement statement = c.createStatement()) {
            statement.execute(sql);
            return statement.getUpdateCount();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public long queryLong(String sql) {
        try (Connection c = dataSource.getConnection();
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public long count(String table) {
        return queryLong("SELECT COUNT(*) FROM " + table);
    }
}
