package io.dualwrite.core.verify;

import io.dualwrite.core.Equivalence;
import io.dualwrite.core.Migration;
import io.dualwrite.core.Side;
import io.dualwrite.core.internal.RowRateLimiter;
import io.dualwrite.core.phase.PhaseState;
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
 * counted apart. Reported keys are recorded, for the {@link Repairer}, in the divergence ledger of the database of
 * the source of truth of the phase the verification started in, with that side as the side ahead.
 *
 * <p>Progress is checkpointed after every chunk. A verification belongs to the phase version it started in: it
 * resumes from its checkpoint only in that version, stops (FAILED) as soon as the phase moves, and stops when it is
 * cancelled; a verification from an older version is discarded and a new one starts from the beginning, so that
 * evidence from before a move never counts after it.
 */
public final class Verifier<K extends Comparable<? super K>, O, N> {

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    private final Migration<K, O, N> migration;
    private final VerificationStore store;
    private final VerifierOptions options;
    private final Supplier<PhaseState> phase;
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
            Supplier<PhaseState> phase,
            Clock clock) {
        this.migration = migration;
        this.store = store;
        this.options = options;
        this.phase = phase;
        this.clock = clock;
        this.rateLimiter = RowRateLimiter.perSecond("dualwrite-verify-" + migration.name(), options.maxRowsPerSecond());
        this.checksums = ChunkChecksums.of(migration).orElse(null);
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
     * Verifies every key: resumes a RUNNING verification from its checkpoint if it started in the current phase
     * version, or starts a new one from the first key. Returns when done, when {@code mayContinue} says no (the
     * verification stays RUNNING and resumes next time in the same phase version), when it is cancelled, or when
     * the phase moves (it is marked FAILED, its findings no evidence for the new phase).
     */
    public VerificationProgress verify(BooleanSupplier mayContinue) {
        PhaseState started = phase.get();
        VerificationProgress progress = progress();
        if (progress.state() != VerificationState.RUNNING
                || progress.phaseVersion() == null
                || progress.phaseVersion() != started.version()) {
            if (progress.state() == VerificationState.RUNNING) {
                log.info(
                        "Verification of '{}' started in phase version {} is discarded; a new one starts in {}"
                                + " (version {})",
                        migration.name(),
                        progress.phaseVersion(),
                        started.phase(),
                        started.version());
            }
            progress = store.start(migration.name(), started.version(), clock.instant());
        }
        Side ahead = started.phase().sourceOfTruth();
        KeyCodec<K> codec = migration.keyCodec();
        K after = progress.lastKey() == null ? null : codec.decode(progress.lastKey());
        try {
            while (mayContinue.getAsBoolean()) {
                PhaseState now = phase.get();
                if (now.version() != started.version()) {
                    store.fail(
                            migration.name(),
                            "the phase moved from " + started.phase() + " (version " + started.version() + ") to "
                                    + now.phase() + " (version " + now.version() + ") during the verification; its"
                                    + " findings are no evidence for the new phase: start a new one",
                            clock.instant());
                    return progress();
                }
                Chunk<K> chunk = verifyChunk(after, ahead);
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
                boolean running = store.checkpoint(
                        migration.name(),
                        codec.encode(after),
                        chunk.keys(),
                        chunk.divergences(),
                        chunk.inFlight(),
                        clock.instant());
                if (!running) {
                    log.info("Verification of '{}' was cancelled after key {}", migration.name(), after);
                    return progress();
                }
            }
        } catch (RuntimeException e) {
            log.error("Verification of '{}' failed after key {}", migration.name(), after, e);
            store.fail(migration.name(), "after key " + after + ": " + e, clock.instant());
        }
        return progress();
    }

    private record Chunk<K>(K lastKey, int keys, int divergences, int inFlight) {}

    /** Compares the next chunk after {@code after}; null when both sides are exhausted. */
    private @Nullable Chunk<K> verifyChunk(@Nullable K after, Side ahead) {
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
                    return new Chunk<>(end, (int) comparison.oldRows(), 0, 0);
                }
                chunksComparedByRow.incrementAndGet();
                return compareRows(
                        migration.oldStore().scan(after, end, Integer.MAX_VALUE),
                        migration.newStore().scan(after, end, Integer.MAX_VALUE),
                        end,
                        end,
                        ahead);
            }
        }
        List<O> olds = migration.oldStore().scan(after, null, size);
        List<N> news = migration.newStore().scan(after, null, size);
        if (olds.isEmpty() && news.isEmpty()) {
            return null;
        }
        chunksComparedByRow.incrementAndGet();
        return compareRows(olds, news, boundary(olds, news, size), null, ahead);
    }

    /**
     * Compares the rows with keys up to {@code boundary} (all when null); the chunk ends at {@code end}, or at the
     * greatest key compared when null.
     */
    private Chunk<K> compareRows(List<O> olds, List<N> news, @Nullable K boundary, @Nullable K end, Side ahead) {
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
        int confirmed = suspects.isEmpty() ? 0 : recheck(suspects, ahead);
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
    private int recheck(List<Divergence<K, N>> suspects, Side ahead) {
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
                report(second, ahead);
            }
        }
        return confirmed;
    }

    private synchronized void report(Divergence<K, N> divergence, Side ahead) {
        reported.add(divergence);
        String key = migration.keyCodec().encode(divergence.key());
        log.warn("Migration '{}': key {} diverges ({})", migration.name(), key, divergence.kind());
        migration
                .ledger(ahead)
                .ifPresent(ledger -> ledger.record(
                        migration.name(),
                        key,
                        ahead,
                        DivergenceCause.VERIFICATION,
                        divergence.kind().name()));
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
