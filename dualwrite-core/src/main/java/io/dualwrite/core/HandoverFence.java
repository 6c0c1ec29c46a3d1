package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.Side;
import java.util.Optional;

/**
 * The fences of a handover across two databases. Before a move that hands the source of truth over (or stops
 * writing a side) commits at version {@code v + 1}, it raises a fence in each side's database to {@code v + 1}: from
 * then on every write that would commit on a side, and every copy into a side, routed by a phase version below the
 * fence, is refused in that database's own transaction, and the writer routes again by the new phase. Raising a
 * fence waits for the writes that passed it (they hold it shared), so once both are raised no write of the old
 * phase can still commit, and the drain and the phase commit see every acknowledged write. If the move is refused,
 * the fences go back to where they were.
 *
 * <p>This closes the two holes the model check found in the unfenced protocol (see model/README.md): instances that
 * have not refreshed committing on the old source of truth after the handover, and a write committing between the
 * drain and the phase commit. In one database a dual write is one transaction and needs no fence.
 */
final class HandoverFence {

    private HandoverFence() {}

    /** A write or copy refused by a fence; nothing was written by it. */
    static final class Fenced extends DualWriteException {
        private final boolean inCallersTransaction;

        Fenced(String message, boolean inCallersTransaction) {
            super(message);
            this.inCallersTransaction = inCallersTransaction;
        }

        /** Whether the refused write had joined a transaction the caller opened. */
        boolean inCallersTransaction() {
            return inCallersTransaction;
        }
    }

    /**
     * Whether a write or copy routed by {@code version} may commit in {@code side}'s database: false once that
     * database's fence is above it. Called inside the transaction open on that database, where it holds the fence
     * shared until the transaction ends.
     */
    static boolean passes(Migration<?, ?, ?> migration, Side side, long version) {
        Optional<io.dualwrite.core.store.DivergenceLedger> ledger = migration.ledger(side);
        return ledger.isEmpty() || version >= ledger.get().fence(migration.name());
    }
}
