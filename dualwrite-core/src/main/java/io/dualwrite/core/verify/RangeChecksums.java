package io.dualwrite.core.verify;

import io.dualwrite.core.definition.Migration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The verifier's fast path: both sides' rows of a key range compared inside their database by checksums, so that
 * equal ranges need not be fetched. Implemented beside the JDBC stores, which know their SQL; offered only when both
 * sides live in one database and order keys alike, so that a key range holds the same keys on both sides.
 *
 * <p>Checksums prove that NEW holds what the migration's SQL mapping computes, not what its Java mapping computes
 * for live writes: every range that passes is also compared on a sample of its rows through the Java mapping.
 */
public interface RangeChecksums<K> {

    /** The key ending a range of {@code size} OLD keys after {@code after}, or null when fewer remain. */
    @Nullable
    K chunkEnd(@Nullable K after, int size);

    /** The OLD row count of ({@code after}, {@code end}], and whether both sides' checksums of it agree. */
    Comparison compare(@Nullable K after, K end);

    /**
     * For a range whose checksums agree: the suspects among a sample of its rows compared through the Java mapping,
     * to re-check and report as any other.
     */
    <O, N> List<Divergence<K, N>> sampleThroughJavaMapping(
            Migration<K, O, N> migration, @Nullable K after, K end, long oldRows);

    /**
     * @param oldRows the OLD rows in the range
     * @param agree whether the row counts and checksums of both sides agree
     */
    record Comparison(long oldRows, boolean agree) {}
}
