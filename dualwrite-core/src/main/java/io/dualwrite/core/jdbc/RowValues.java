package io.dualwrite.core.jdbc;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The column values of one row being written, set by name by a {@link RowBinder}. */
public final class RowValues {

    private static final Object UNSET = new Object();

    private final String table;
    private final Map<String, Integer> indexes;
    private final List<String> columns;
    private final Object[] values;

    RowValues(String table, List<String> columns, Map<String, Integer> indexes) {
        this.table = table;
        this.columns = columns;
        this.indexes = indexes;
        this.values = new Object[columns.size()];
        Arrays.fill(values, UNSET);
    }

    /**
     * Sets a column's value; null writes SQL NULL.
     *
     * @throws IllegalArgumentException if the store did not declare the column
     */
    public RowValues set(String column, @Nullable Object value) {
        Integer index = indexes.get(column);
        if (index == null) {
            throw new IllegalArgumentException(
                    "Table " + table + " has no declared column '" + column + "'; declared columns are " + columns);
        }
        values[index] = value;
        return this;
    }

    Object[] values() {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == UNSET) {
                throw new IllegalStateException("The binder of table " + table + " did not set column '"
                        + columns.get(i) + "'; set every declared column, null included");
            }
        }
        return values;
    }
}
