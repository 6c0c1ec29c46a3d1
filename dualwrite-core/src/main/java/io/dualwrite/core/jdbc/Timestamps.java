package io.dualwrite.core.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** dualwrite's tables keep instants as UTC wall-clock timestamps, which every supported driver reads alike. */
final class Timestamps {

    private Timestamps() {}

    static void set(PreparedStatement statement, int index, Instant instant) throws SQLException {
        statement.setObject(index, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    static Instant get(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }

    static Instant getNullable(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    /** Runs an update whose parameters are bound in order, instants as UTC timestamps; returns the rows changed. */
    static int update(JdbcTransactions transactions, String sql, Object... parameters) {
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    if (parameters[i] instanceof Instant instant) {
                        set(statement, i + 1, instant);
                    } else {
                        statement.setObject(i + 1, parameters[i]);
                    }
                }
                return statement.executeUpdate();
            }
        });
    }
}
