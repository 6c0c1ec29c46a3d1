package io.dualwrite.core;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How the OLD table was used by others than dualwrite in the current window, from the table's own counters (docs/
 * gates.md): in BACKFILL the writes beside dualwrite's since BACKFILL was entered (or since the latest verification
 * started), in DROP_OLD every read and write since DROP_OLD was applied everywhere. A figure the database cannot give
 * is null, with {@link #unknown()} saying why; it is never reported as zero.
 *
 * @param window what the window covers, in words
 * @param since when it opened, null if no baseline was recorded
 * @param tableReads reads of the table in the window (PostgreSQL: scans; MariaDB: rows read), null if unknown
 * @param tableWrites row writes of the table in the window, everyone's, null if unknown
 * @param dualwriteWrites rows dualwrite's own writes addressed in the table in the window, all instances', null if
 *     unknown
 * @param bypassingWrites the table's writes beyond dualwrite's ({@code tableWrites - dualwriteWrites}, at least 0),
 *     null if unknown
 * @param unknown why the figures are unknown, null if they are known
 * @param detail the counters as the database names them, then and now
 */
public record OldSideUsage(
        String window,
        @Nullable Instant since,
        @Nullable Long tableReads,
        @Nullable Long tableWrites,
        @Nullable Long dualwriteWrites,
        @Nullable Long bypassingWrites,
        @Nullable String unknown,
        String detail) {

    /** Whether the database could tell. */
    public boolean known() {
        return unknown == null;
    }
}
