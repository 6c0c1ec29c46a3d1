package io.dualwrite.core.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Builds a value from the current row of a result set holding the store's key column and columns. */
@FunctionalInterface
public interface RowMapper<V> {

    V map(ResultSet row) throws SQLException;
}
