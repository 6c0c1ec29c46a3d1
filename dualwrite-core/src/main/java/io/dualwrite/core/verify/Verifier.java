package io.dualwrite.core.verify;

import io.dualwrite.core.Equivalence;
import io.dualwrite.core.Migration;
import io.dualwrite.core.MigrationPhase;
import io.dualwrite.core.internal.RowRateLimiter;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.core.store.DivergenceLedger.DivergenceCause;
import io.dualwrite.core.store.KeyCodec;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares every key of both sides of a migration, in key-ordered chunks: OLD mapped to the new representation
 * against NEW, with the migration's {@link Equivalence}. Reports keys missing in NEW, extra in NEW, and different.
 *
 * <p>A key that differs is looked at again after {@link VerifierOptions#recheckDelay()}; it is reported only if it
 * differs the same way both times. A key that changed in between was being written (a dual write in flight) and is
 * counted apart. Reported keys are recorded in the divergence ledger of the current source of truth's database,
 * for the {@link Repairer}. Progress is checkpointed after every chunk, so an interrupted run resumes.
 */
public final class Verifier<K extends Comparable<? super K>, O, N> {

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    private final Migration<K, O, N> migration;
    private final VerificationStore store;
    private final VerifierOptions options;
    private final Supplier<MigrationPhase> phase;
    private final Clock clock;
    private final @Nullable RateLimiter rateLimiter;
    private final List<Divergence<K, N>> reported = new ArrayList<>();
    private final @Nullable ChunkChecksums<K> checksums;
    private final java.util.concurrent.atomic.AtomicLong chunksMatchedByChecksum =
            new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong chunksComparedByRow =
            new java.util.concurrent.atomic.AtomicLong();

    public Verifier(
            Migration<K, O, N> migration,
            VerificationStore store,
            VerifierOptions options,
            Supplier<MigrationPhase> phase,
            Clock clock) {
        this.migration = migration;
        this.store = store;
        this.options = options;
        this.phase = phase;
        this.clock = clock;
        this.rateLimiter = RowRateLimiter.perSecond("dualwrite-verify-" + migration.name(), options.maxRowsPerSecond());
        this.checksums = ChunkChecksums.of(migration, options).orElse(null);
    }

    /** Whether chunks are first compared by checksums computed in the database (see {@link ChunkChecksums}). */
    public boolean comparesChecksumsInTheDatabase() {
        return checksums != null;
    }

    /** Chunks this verifier found equal by their checksums alone, without fetching rows. */
    public long chunksMatchedByChecksum() {
        return chunksMatchedByChecksum.get();
    }

    /** Chunks this verifier compared row by row. */
    public long chunksComparedByRow() {
        return chunksComparedByRow.get();
    }

    /** The durable progress of the latest verification. */
    public VerificationProgress progress() {
        return store.find(migration.name())
                .orElseGet(() -> VerificationProgress.idle(migration.name(), clock.instant()));
    }

    /** The divergences this verifier reported since it was created, in key order per chunk. */
    public synchronized List<Divergence<K, N>> reported() {
        return List.copyOf(reported);
    }

    /**
     * Verifies every key: resumes a RUNNING verification from its checkpoint, or starts a new one. Returns when done,
     * or when {@code mayContinue} says no (the verification stays RUNNING and resumes next time).
     */
    public VerificationProgress verify(BooleanSupplier mayContinue) {
        VerificationProgress progress = progress();
        if (progress.state() != VerificationState.RUNNING) {
            progress = store.start(migration.name(), clock.instant());
        }
        KeyCodec<K> codec = migration.keyCodec();
        K after = progress.lastKey() == null ? null : codec.decode(progress.lastKey());
        try {
            while (mayContinue.getAsBoolean()) {
                Chunk<K> chunk = verifyChunk(after);
                if (chunk == null) {
                    store.complete(migration.name(), clock.instant());
                    VerificationProgress done = progress();
                    log.info(
                            "Verification of '{}' completed: {} keys, {} divergent, {} in flight",
                            migration.name(),
                            done.rowsChecked(),
                            done.divergences(),
                            done.inFlight());
                    return done;
                }
                after = chunk.lastKey();
                store.checkpoint(
                        migration.name(),
                        codec.encode(after),
                        chunk.keys(),
                        chunk.divergences(),
                        chunk.inFlight(),
                        clock.instant());
            }
        } catch (RuntimeException e) {
            log.error("Verification of '{}' failed after key {}", migration.name(), after, e);
            store.fail(migration.name(), "after key " + after + ": " + e, clock.instant());
        }
        return progress();
    }

    private record Chunk<K>(K lastKey, int keys, int divergences, int inFlight) {}

    /** Compares the next chunk after {@code after}; null when both sides are exhausted. */
    private @Nullable Chunk<K> verifyChunk(@Nullable K after) {
        int size = options.chunkSize();
        if (rateLimiter != null) {
            rateLimiter.acquirePermission(Math.min(size, options.maxRowsPerSecond()));
        }
        if (checksums != null) {
            K end = checksums.chunkEnd(after, size);
            if (end != null) {
                ChunkChecksums.Comparison comparison = checksums.compare(after, end);
                if (comparison.agree()) {
                    chunksMatchedByChecksum.incrementAndGet();
                    List<Divergence<K, N>> suspects =
                            checksums.sampleThroughJavaMapping(migration, after, end, comparison.oldRows());
                    int confirmed = suspects.isEmpty() ? 0 : recheck(suspects);
                    return new Chunk<>(end, (int) comparison.oldRows(), confirmed, suspects.size() - confirmed);
                }
                chunksComparedByRow.incrementAndGet();
                return compareRows(
                        migration.oldStore().scan(after, end, Integer.MAX_VALUE),
                        migration.newStore().scan(after, end, Integer.MAX_VALUE),
                        end,
                        end);
            }
        }
        List<O> olds = migration.oldStore().scan(after, null, size);
        List<N> news = migration.newStore().scan(after, null, size);
        if (olds.isEmpty() && news.isEmpty()) {
            return null;
        }
        chunksComparedByRow.incrementAndGet();
        return compareRows(olds, news, boundary(olds, news, size), null);
    }

    /**
     * Compares the rows with keys up to {@code boundary} (all when null); the chunk ends at {@code end}, or at the
     * greatest key compared when null.
     */
    private Chunk<K> compareRows(List<O> olds, List<N> news, @Nullable K boundary, @Nullable K end) {
        Map<K, N> expected = new TreeMap<>();
        for (O old : olds) {
            K key = migration.oldStore().keyOf(old);
            if (boundary == null || key.compareTo(boundary) <= 0) {
                expected.put(key, migration.toNew(old));
            }
        }
        Map<K, N> actual = new TreeMap<>();
        for (N value : news) {
            K key = migration.newStore().keyOf(value);
            if (boundary == null || key.compareTo(boundary) <= 0) {
                actual.put(key, value);
            }
        }
        TreeSet<K> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        List<Divergence<K, N>> suspects = new ArrayList<>();
        for (K key : keys) {
            Divergence<K, N> divergence =
                    Divergence.of(key, expected.get(key), actual.get(key), migration.equivalence());
            if (divergence != null) {
                suspects.add(divergence);
            }
        }
        int confirmed = suspects.isEmpty() ? 0 : recheck(suspects);
        K last = end != null ? end : keys.last();
        return new Chunk<>(last, keys.size(), confirmed, suspects.size() - confirmed);
    }

    /** The greatest key both scans fully cover, or null when both reached the end. */
    private @Nullable K boundary(List<O> olds, List<N> news, int size) {
        K oldLast = olds.size() == size ? migration.oldStore().keyOf(olds.get(olds.size() - 1)) : null;
        K newLast = news.size() == size ? migration.newStore().keyOf(news.get(news.size() - 1)) : null;
        if (oldLast != null && newLast != null) {
            return oldLast.compareTo(newLast) <= 0 ? oldLast : newLast;
        }
        return oldLast != null ? oldLast : newLast;
    }

    /** Looks at the suspects again after the re-check delay; reports and records those that did not change. */
    private int recheck(List<Divergence<K, N>> suspects) {
        sleep(options.recheckDelay());
        int confirmed = 0;
        Equivalence<N> equivalence = migration.equivalence();
        for (Divergence<K, N> first : suspects) {
            K key = first.key();
            N expected = migration.oldStore().read(key).map(migration::toNew).orElse(null);
            N actual = migration.newStore().read(key).orElse(null);
            Divergence<K, N> second = Divergence.of(key, expected, actual, equivalence);
            if (second != null && sameDivergence(first, second, equivalence)) {
                confirmed++;
                report(second.foundBy(first.foundBy()));
            }
        }
        return confirmed;
    }

    private synchronized void report(Divergence<K, N> divergence) {
        reported.add(divergence);
        String key = migration.keyCodec().encode(divergence.key());
        log.warn("Migration '{}': key {} diverges ({})", migration.name(), key, divergence.describe());
        ledger().ifPresent(ledger ->
                ledger.record(migration.name(), key, DivergenceCause.VERIFICATION, divergence.describe()));
    }

    private java.util.Optional<DivergenceLedger> ledger() {
        return migration.ledger(phase.get().sourceOfTruth());
    }

    private static <N> boolean sameDivergence(Divergence<?, N> a, Divergence<?, N> b, Equivalence<N> equivalence) {
        return a.kind() == b.kind()
                && same(a.expected(), b.expected(), equivalence)
                && same(a.actual(), b.actual(), equivalence);
    }

    private static <N> boolean same(@Nullable N a, @Nullable N b, Equivalence<N> equivalence) {
        return a == null ? b == null : b != null && equivalence.equivalent(a, b);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while re-checking", e);
        }
    }
}
