package io.dualwrite.core.verify;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a full verification walks the data. Immutable; start from {@link #defaults()} and derive others with
 * {@link #from}.
 *
 * @param chunkSize keys compared per chunk
 * @param recheckDelay how long to wait before looking again at a key that differed: a divergence is reported only
 *     if it is the same on both looks
 * @param maxRowsPerSecond a rate limit, 0 for none
 * @param mappingSampleRows for a migration whose chunks pass by checksums computed in the database: about how many
 *     rows of those chunks, over a whole verification, are also compared through the Java mapping (every row when
 *     the table has fewer). The default, {@value #DEFAULT_MAPPING_SAMPLE_ROWS}, finds a SQL mapping that disagrees
 *     with the Java one on 0.1% of the rows with a probability of at least 99%, whatever the table's size
 * @param mappingSampleSeed the seed that picks those rows, to reproduce a verification; null for a new one each
 *     time (logged when the verification starts)
 * @param workers how many threads walk each side at once: above 1, the rest of a side is split into key ranges
 *     along that side's own key order (4 per thread), compared in parallel, and checkpointed as a prefix of ranges
 *     completes; 1 (the default) walks on the calling thread
 */
public record VerifierOptions(
        int chunkSize,
        Duration recheckDelay,
        int maxRowsPerSecond,
        int mappingSampleRows,
        @Nullable Long mappingSampleSeed,
        int workers) {

    public static final int DEFAULT_CHUNK_SIZE = 1000;
    public static final Duration DEFAULT_RECHECK_DELAY = Duration.ofMillis(250);
    /** The smallest n with e^(-0.001 n) < 0.01. */
    public static final int DEFAULT_MAPPING_SAMPLE_ROWS = 4_606;

    public static final int DEFAULT_WORKERS = 1;

    public VerifierOptions {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1, but was " + chunkSize);
        }
        if (recheckDelay == null || recheckDelay.isNegative()) {
            throw new IllegalArgumentException("recheckDelay must be zero or positive, but was " + recheckDelay);
        }
        if (maxRowsPerSecond < 0) {
            throw new IllegalArgumentException("maxRowsPerSecond must be at least 0, but was " + maxRowsPerSecond);
        }
        if (mappingSampleRows < 1) {
            throw new IllegalArgumentException("mappingSampleRows must be at least 1, but was " + mappingSampleRows
                    + "; without a sample, a SQL mapping that disagrees with the Java mapping passes by checksum");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, but was " + workers);
        }
    }

    /** Options that walk on one thread. */
    public VerifierOptions(
            int chunkSize,
            Duration recheckDelay,
            int maxRowsPerSecond,
            int mappingSampleRows,
            @Nullable Long mappingSampleSeed) {
        this(chunkSize, recheckDelay, maxRowsPerSecond, mappingSampleRows, mappingSampleSeed, DEFAULT_WORKERS);
    }

    /** Options with the default mapping sample: {@value #DEFAULT_MAPPING_SAMPLE_ROWS} rows, a new seed each time. */
    public VerifierOptions(int chunkSize, Duration recheckDelay, int maxRowsPerSecond) {
        this(chunkSize, recheckDelay, maxRowsPerSecond, DEFAULT_MAPPING_SAMPLE_ROWS, null);
    }

    public static VerifierOptions defaults() {
        return new VerifierOptions(DEFAULT_CHUNK_SIZE, DEFAULT_RECHECK_DELAY, 0);
    }

    /**
     * A builder starting from {@code base}'s values, the preferred way to derive options:
     * {@code VerifierOptions.from(VerifierOptions.defaults()).chunkSize(500).maxRowsPerSecond(2_000).build()}.
     */
    public static Builder from(VerifierOptions base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /**
     * These options with another mapping sample (see {@link #mappingSampleRows()}); {@link #from} is the preferred
     * form.
     */
    public VerifierOptions withMappingSample(int rows, @Nullable Long seed) {
        return from(this).mappingSampleRows(rows).mappingSampleSeed(seed).build();
    }

    /**
     * Builds {@link VerifierOptions} from a base, one component at a time; {@link #build()} validates them together
     * (the record's constructor).
     */
    public static final class Builder {
        private int chunkSize;
        private Duration recheckDelay;
        private int maxRowsPerSecond;
        private int mappingSampleRows;

        @Nullable
        private Long mappingSampleSeed;

        private int workers;

        private Builder(VerifierOptions base) {
            this.chunkSize = base.chunkSize;
            this.recheckDelay = base.recheckDelay;
            this.maxRowsPerSecond = base.maxRowsPerSecond;
            this.mappingSampleRows = base.mappingSampleRows;
            this.mappingSampleSeed = base.mappingSampleSeed;
            this.workers = base.workers;
        }

        /** See {@link VerifierOptions#workers()}. */
        public Builder workers(int value) {
            this.workers = value;
            return this;
        }

        /** See {@link VerifierOptions#chunkSize()}. */
        public Builder chunkSize(int value) {
            this.chunkSize = value;
            return this;
        }

        /** See {@link VerifierOptions#recheckDelay()}. */
        public Builder recheckDelay(Duration value) {
            this.recheckDelay = value;
            return this;
        }

        /** See {@link VerifierOptions#maxRowsPerSecond()}. */
        public Builder maxRowsPerSecond(int value) {
            this.maxRowsPerSecond = value;
            return this;
        }

        /** See {@link VerifierOptions#mappingSampleRows()}. */
        public Builder mappingSampleRows(int value) {
            this.mappingSampleRows = value;
            return this;
        }

        /** See {@link VerifierOptions#mappingSampleSeed()}; null for a new seed each verification. */
        public Builder mappingSampleSeed(@Nullable Long value) {
            this.mappingSampleSeed = value;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the first component out of range
         */
        public VerifierOptions build() {
            return new VerifierOptions(
                    chunkSize, recheckDelay, maxRowsPerSecond, mappingSampleRows, mappingSampleSeed, workers);
        }
    }
}
