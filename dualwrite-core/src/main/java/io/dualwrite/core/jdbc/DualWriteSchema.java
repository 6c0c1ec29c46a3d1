package io.dualwrite.core.jdbc;

import io.dualwrite.core.model.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * dualwrite's own tables ({@code dualwrite_phase}, {@code dualwrite_audit}, {@code dualwrite_divergence}), created
 * by the per-dialect scripts {@code io/dualwrite/core/jdbc/schema-<dialect>.sql} shipped in this jar. The scripts are
 * idempotent; teams that manage schemas with Flyway or Liquibase copy them into their own migrations instead.
 */
public final class DualWriteSchema {

    private DualWriteSchema() {}

    /** Creates the tables that do not exist yet in the data source's database. */
    public static void create(DataSource dataSource) {
        create(JdbcTransactions.of(dataSource));
    }

    /** Creates the tables that do not exist yet in the database of these transactions. */
    public static void create(JdbcTransactions transactions) {
        SqlDialect dialect = transactions.dialect();
        List<String> statements = statements(script(dialect));
        transactions.withConnection(c -> {
            try (Statement statement = c.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            }
            return null;
        });
    }

    /** The text of the schema script for a dialect. */
    public static String script(SqlDialect dialect) {
        String resource = "schema-" + dialect.scriptSuffix() + ".sql";
        try (InputStream in = DualWriteSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing " + resource + " next to " + DualWriteSchema.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("Could not read " + resource, e);
        }
    }

    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        return statements;
    }
}
