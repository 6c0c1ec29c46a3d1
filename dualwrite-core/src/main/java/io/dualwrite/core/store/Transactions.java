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

    /**
     * Runs the work in a transaction of its own, which commits or rolls back by itself whatever transaction is open
     * on this thread (that one is suspended meanwhile and resumed afterwards).
     */
    <T> T inNewTransaction(Supplier<T> work);

    /** Runs the work in a transaction of its own, as {@link #inNewTransaction(Supplier)}. */
    default void inNewTransaction(Runnable work) {
        inNewTransaction(() -> {
            work.run();
            return null;
        });
    }

    /** Whether a transaction is open on this thread in this database (one that work would join). */
    boolean hasOpenTransaction();

    /**
     * Runs the action once the transaction open on this thread has committed, and never if it rolls back; at once
     * when no transaction is open. An exception of the action reaches the code that committed, after the commit.
     */
    void afterCommit(Runnable action);

    /**
     * Runs the work inside the transaction open on this thread, with lock waits in it limited to {@code timeout}: a
     * statement that would wait longer for a lock fails instead (see {@link #isLockTimeout}). The limit ends with
     * the work and never outlives the transaction (nor reaches a pooled connection's next user). By default no
     * limit is set: a store that cannot limit lock waits simply runs the work.
     */
    default <T> T withLockTimeout(java.time.Duration timeout, Supplier<T> work) {
        return work.get();
    }

    /** Whether {@code failure} (or one of its causes) is a lock wait given up on, by a timeout or a deadlock. */
    default boolean isLockTimeout(Throwable failure) {
        return false;
    }

    /**
     * The divergence ledger kept in this database, if this kind of database provides one (the JDBC transactions
     * do, in dualwrite's tables): what a migration records its intents in when none is declared for a side.
     */
    default java.util.Optional<DivergenceLedger> divergenceLedger() {
        return java.util.Optional.empty();
    }
}
