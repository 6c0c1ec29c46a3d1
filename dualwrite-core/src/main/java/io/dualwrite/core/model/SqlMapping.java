package io.dualwrite.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The OLD -> NEW mapping written in SQL: for each NEW column, an expression over the OLD table's columns. When a
 * migration declares one and both sides are JDBC stores ({@code JdbcStore}) in one PostgreSQL or MariaDB database, the backfill
 * copies each chunk with a single {@code INSERT ... SELECT} inside the database instead of mapping rows in Java.
 * It must compute what the Java mapping computes; the verifier compares the two.
 *
 * <pre>{@code
 * SqlMapping.builder()
 *         .column("first_name", "split_part(full_name, ' ', 1)")
 *         .column("last_name", "substr(full_name, strpos(full_name, ' ') + 1)")
 *         .build();
 * }</pre>
 *
 * The NEW key column is filled from the OLD key column.
 */
public final class SqlMapping {

    private final Map<String, String> expressions;

    private SqlMapping(Map<String, String> expressions) {
        this.expressions = Collections.unmodifiableMap(new LinkedHashMap<>(expressions));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** NEW column -> SQL expression over OLD columns, in declaration order. */
    public Map<String, String> expressions() {
        return expressions;
    }

    /** Builds a {@link SqlMapping}. */
    public static final class Builder {
        private final Map<String, String> expressions = new LinkedHashMap<>();

        private Builder() {}

        /** The SQL expression, over the OLD table's columns, that computes a NEW column. */
        public Builder column(String newColumn, String expression) {
            Objects.requireNonNull(newColumn, "newColumn");
            if (expression == null || expression.isBlank() || expression.contains(";")) {
                throw new IllegalArgumentException("The SQL expression for column '" + newColumn
                        + "' must be one non-blank expression without ';', but was '" + expression + "'");
            }
            expressions.put(newColumn, expression);
            return this;
        }

        public SqlMapping build() {
            return new SqlMapping(expressions);
        }
    }
}
