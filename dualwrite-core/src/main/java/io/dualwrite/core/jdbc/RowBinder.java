package io.dualwrite.core.jdbc;

/** Sets the store's non-key columns from a value; the key column is set from the store's key extractor. */
@FunctionalInterface
public interface RowBinder<V> {

    void bind(V value, RowValues row);
}
