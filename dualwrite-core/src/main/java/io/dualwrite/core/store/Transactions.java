package io.dualwrite.core.store;

import java.util.function.Supplier;

/**
 * Transactions of one database. Equal instances stand for the same database, so that a migration knows when both
 * of its sides can be written atomically.
 */
public interface Transactions {

    /**
     * Runs the work in a transaction: the one already open on this thread, which it joins, or a new one that
     * commits when the work returns and rolls back when it throws.
     */
    <T> T inTransaction(Supplier<T> work);

    /** Runs the work in a transaction, as {@link #inTransaction(Supplier)}. */
    default void inTransaction(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }
}
