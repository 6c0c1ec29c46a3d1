package io.dualwrite.core.verify;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.RowRateLimiter;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.store.DivergenceLedger.DivergenceCause;
import io.dualwrite.core.store.KeyCodec;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares every key of both sides of a migration, in chunks: OLD mapped to the new representation against NEW,
 * with the migration's {@link Equivalence}. Reports keys missing in NEW, extra in NEW, and different.
 *
 * <p>Keys are never ordered in Java. The verification walks OLD in OLD's own key order (the database's, through
 * {@link io.dualwrite.core.store.MigrationStore#scan}) and looks each chunk's keys up in NEW by equality
 * ({@link io.dualwrite.core.store.MigrationStore#readAll}): missing in NEW, or different. It then walks NEW in NEW's
 * order and looks its keys up in OLD: extra in NEW. Each walk is checkpointed (see {@link WalkPosition}), and a
 * collation that orders strings otherwise than Java, or a UUID type compared by unsigned bytes, is walked alike.
 * Where chunks are compared by checksums, the sides share a database and their key columns order keys alike, so a
 * chunk's key range is compared both ways and the walk of NEW starts after the last such range.
 *
 * <p>A key that differs is looked at again after {@link VerifierOptions#recheckDelay()}; it is reported only if it
 * differs the same way on two looks in a row. A key that changed in between was being written (a dual write in
 * flight) and is looked at again, up to {@value #MAX_LOOKS} looks: one that comes to agree is counted as in flight,
 * one that never settles is reported, so that no difference disappears as "in flight". Reported keys are recorded,
 * for the {@link Repairer}, in the divergence ledger of the database of the source of truth of the phase the
 * verification started in, with that side as the side ahead.
 *
 * <p>Progress is checkpointed after every chunk. A verification belongs to the phase version it started in: it
 * resumes from its checkpoint only in that version, stops (FAILED) as soon as the phase moves, and stops when it is
 * cancelled; a verification from an older version is discarded and a new one starts from the beginning, so that
 * evidence from before a move never counts after it.
 */
public final class Verifier<K, O, N> {

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    /** How many times a differing key is looked at before it is reported although it kept changing. */
    static final int MAX_LOOKS = 6;

    private final Migration<K, O, N> migration;
    private final VerificationStore store;
    private final VerifierOptions options;
    private final Supplier<PhaseState> phase;
    private final Clock clock;
    private final @Nullable RateLimiter rateLimiter;
    private final List<Divergence<K, N>> reported = new ArrayList<>();
    private final @Nullable RangeChecksums<K> checksums;
    /** The side ahead for keys this run reports: the source of truth of the phase it started in. */
    private volatile Side ahead = Side.OLD;

    private final java.util.concurrent.atomic.AtomicLong chunksMatchedByChecksum =
            new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong chunksComparedByRow =
            new java.util.concurrent.atomic.AtomicLong();

    /** A verifier that compares rows only. */
    public Verifier(
            Migration<K, O, N> migration,
            VerificationStore store,
            VerifierOptions options,
            Supplier<PhaseState> phase,
            Clock clock) {
        this(migration, store, options, phase, clock, null);
    }

    /**
     * A verifier that compares each chunk first by {@code checksums} when given (computed inside the database, see
     * {@link RangeChecksums}), then row by row where they differ.
     */
    public Verifier(
            Migration<K, O, N> migration,
            VerificationStore store,
            VerifierOptions options,
            Supplier<PhaseState> phase,
            Clock clock,
            @Nullable RangeChecksums<K> checksums) {
        this.migration = migration;
        this.store = store;
        this.options = options;
        this.phase = phase;
        this.clock = clock;
        this.rateLimiter = RowRateLimiter.perSecond("dualwrite-verify-" + migration.name(), options.maxRowsPerSecond());
        this.checksums = checksums;
    }

    /** Whether chunks are first compared by checksums computed in the database (see {@link RangeChecksums}). */
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

    /** The divergences this verifier reported since it was created, in the order the walks met them. */
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
        if (!resumable(progress, started)) {
            if (progress.state() == VerificationState.RUNNING) {
                log.info(
                        "Verification of '{}' started at {} in phase version {} is superseded; a new one starts in {}"
                                + " (version {})",
                        migration.name(),
                        progress.startedAt(),
                        progress.phaseVersion(),
                        started.phase(),
                        started.version());
            }
            progress = store.start(migration.name(), started.version(), clock.instant());
        }
        // The run's identity: a run superseded by a newer one can write nothing more (its checkpoints fail).
        java.time.Instant run = progress.startedAt();
        ahead = started.phase().sourceOfTruth();
        KeyCodec<K> codec = migration.keyCodec();
        WalkPosition<K> after = WalkPosition.decode(progress.lastKey(), codec);
        Set<Side> walkedInParallel = java.util.EnumSet.noneOf(Side.class);
        try {
            while (mayContinue.getAsBoolean()) {
                if (options.workers() > 1 && walkedInParallel.add(after.side())) {
                    ParallelWalk<K, O, N> walk = new ParallelWalk<>(this, after, run, started, mayContinue);
                    WalkPosition<K> reached = walk.run();
                    if (reached == null) {
                        if (walk.cancelled()) {
                            log.info("Verification of '{}' was cancelled or superseded", migration.name());
                            LEFT_RUNNING_HERE.remove(migration.name());
                            return progress();
                        }
                        if (!walk.phaseMoved()) {
                            LEFT_RUNNING_HERE.put(migration.name(), run); // stopped by mayContinue
                            return progress();
                        }
                        // the phase moved: the check below marks the run FAILED
                    } else {
                        after = reached;
                    }
                }
                PhaseState now = phase.get();
                if (now.version() != started.version()) {
                    store.fail(
                            migration.name(),
                            run,
                            "the phase moved from " + started.phase() + " (version " + started.version() + ") to "
                                    + now.phase() + " (version " + now.version() + ") during the verification; its"
                                    + " findings are no evidence for the new phase: start a new one",
                            clock.instant());
                    LEFT_RUNNING_HERE.remove(migration.name());
                    return progress();
                }
                Chunk<K> chunk = verifyChunk(after);
                if (chunk == null) {
                    store.complete(migration.name(), run, clock.instant());
                    LEFT_RUNNING_HERE.remove(migration.name());
                    VerificationProgress done = progress();
                    if (done.divergences() > 0) {
                        log.warn(
                                "Verification of '{}' completed: {} keys, {} divergent (first: {}; every one is in the"
                                        + " divergence ledger), {} in flight",
                                migration.name(),
                                done.rowsChecked(),
                                done.divergences(),
                                firstReported(5),
                                done.inFlight());
                    } else {
                        log.info(
                                "Verification of '{}' completed: {} keys, 0 divergent, {} in flight",
                                migration.name(),
                                done.rowsChecked(),
                                done.inFlight());
                    }
                    return done;
                }
                after = chunk.lastKey();
                boolean running = store.checkpoint(
                        migration.name(),
                        run,
                        after.encode(codec),
                        chunk.keys(),
                        chunk.divergences(),
                        chunk.inFlight(),
                        clock.instant());
                if (!running) {
                    log.info("Verification of '{}' was cancelled or superseded after key {}", migration.name(), after);
                    LEFT_RUNNING_HERE.remove(migration.name());
                    return progress();
                }
            }
            LEFT_RUNNING_HERE.put(migration.name(), run); // stopped by mayContinue: this JVM may resume it
        } catch (RuntimeException e) {
            log.error("Verification of '{}' failed after key {}", migration.name(), after, e);
            store.fail(migration.name(), run, "after key " + after + ": " + e, clock.instant());
            LEFT_RUNNING_HERE.remove(migration.name());
        }
        return progress();
    }

    /** A RUNNING run left here by a stopped call, per migration: this JVM resumes it rather than start anew. */
    private static final java.util.Map<String, java.time.Instant> LEFT_RUNNING_HERE =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** How long a RUNNING run may go without a checkpoint before another runner takes it over. */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(30);

    /**
     * Whether to resume the stored run: RUNNING in the current phase version, and either stopped by a call in this
     * JVM or abandoned (no checkpoint for {@link #ABANDONED_AFTER}). A run another runner is making progress on is
     * superseded instead, never resumed by two runners at once (their checkpoints would skip each other's keys).
     */
    private boolean resumable(VerificationProgress progress, PhaseState current) {
        if (progress.state() != VerificationState.RUNNING
                || progress.phaseVersion() == null
                || progress.phaseVersion() != current.version()
                || progress.startedAt() == null) {
            return false;
        }
        return progress.startedAt().equals(LEFT_RUNNING_HERE.get(migration.name()))
                || progress.updatedAt().plus(ABANDONED_AFTER).isBefore(clock.instant());
    }

    record Chunk<K>(WalkPosition<K> lastKey, int keys, int divergences, int inFlight) {}

    /**
     * One chunk of {@link #verifyRange}.
     *
     * @param keys the keys compared
     * @param divergences the keys reported (and recorded in the divergence ledger)
     * @param inFlight the keys that differed at first and came to agree (writes in flight)
     * @param lastKey the greatest key of the chunk, where the next chunk starts; null when the range held no key
     * @param exhausted whether no key of the range remains after {@code lastKey}
     */
    public record RangeChunk<K>(int keys, int divergences, int inFlight, @Nullable K lastKey, boolean exhausted) {}

    /**
     * Verifies one chunk of up to {@code size} keys of one walk within ({@code after}, {@code upper}], for a runner
     * that splits the walks into key ranges itself (a batch job): {@link Side#OLD} reads OLD's keys in the range (in
     * OLD's order) and looks them up in NEW by equality (missing in NEW, different); {@link Side#NEW} reads NEW's keys
     * in the range (in NEW's order) and looks them up in OLD (extra in NEW). Split OLD's walk along OLD's key order
     * and NEW's along NEW's, and the ranges of both cover every key without ordering two keys in Java. Differences are
     * re-checked and reported as by {@link #verify}, in the ledger of the current phase's source of truth; nothing is
     * stored in the {@link VerificationStore} (the runner keeps its own checkpoints).
     */
    public RangeChunk<K> verifyRange(Side side, @Nullable K after, K upper, int size) {
        java.util.Objects.requireNonNull(side, "side");
        java.util.Objects.requireNonNull(upper, "upper");
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, but was " + size);
        }
        ahead = phase.get().phase().sourceOfTruth();
        if (rateLimiter != null) {
            rateLimiter.acquirePermission(Math.min(size, options.maxRowsPerSecond()));
        }
        Walked<K> walked = walkRows(side, after, upper, size);
        if (walked == null) {
            return new RangeChunk<>(0, 0, 0, null, true);
        }
        Chunk<K> chunk = walked.chunk();
        return new RangeChunk<>(
                chunk.keys(), chunk.divergences(), chunk.inFlight(), walked.last(), walked.scanned() < size);
    }

    /** One chunk of a side's row walk, with the chunk's greatest key and how many rows the walk read. */
    private record Walked<K>(Chunk<K> chunk, K last, int scanned) {}

    /**
     * Compares the next chunk of up to {@code size} rows of {@code side}'s walk within ({@code after}, {@code upper}]
     * ({@code upper} null: to the side's last key) row by row; null when the range holds no more key. OLD's rows are
     * looked up in NEW (missing, different), NEW's in OLD (extra in NEW).
     */
    private @Nullable Walked<K> walkRows(Side side, @Nullable K after, @Nullable K upper, int size) {
        if (side == Side.NEW) {
            List<N> news = migration.newStore().scan(after, upper, size);
            if (news.isEmpty()) {
                return null;
            }
            chunksComparedByRow.incrementAndGet();
            K last = migration.newStore().keyOf(news.get(news.size() - 1));
            return new Walked<>(compare(List.of(), news, true, WalkPosition.newSide(last)), last, news.size());
        }
        List<O> olds = migration.oldStore().scan(after, upper, size);
        if (olds.isEmpty()) {
            return null;
        }
        chunksComparedByRow.incrementAndGet();
        K last = migration.oldStore().keyOf(olds.get(olds.size() - 1));
        return new Walked<>(
                compare(olds, List.of(), false, new WalkPosition<>(Side.OLD, last, false)), last, olds.size());
    }

    /**
     * Compares OLD's key range ({@code after}, {@code end}] with NEW's by the in-database checksums, both ways, and
     * row by row only when they disagree.
     */
    private Chunk<K> checksumChunk(RangeChecksums<K> checksums, @Nullable K after, K end, WalkPosition<K> last) {
        RangeChecksums.Comparison comparison = checksums.compare(after, end);
        if (comparison.agree()) {
            chunksMatchedByChecksum.incrementAndGet();
            List<Divergence<K, N>> suspects =
                    checksums.sampleThroughJavaMapping(migration, after, end, comparison.oldRows());
            int confirmed = suspects.isEmpty() ? 0 : recheck(suspects);
            return new Chunk<>(last, (int) comparison.oldRows(), confirmed, suspects.size() - confirmed);
        }
        chunksComparedByRow.incrementAndGet();
        return compare(
                migration.oldStore().scan(after, end, Integer.MAX_VALUE),
                migration.newStore().scan(after, end, Integer.MAX_VALUE),
                true,
                last);
    }

    /**
     * Compares the next chunk after {@code after}; null when both walks are done. The walk of OLD compares each OLD
     * key with NEW's value under it (missing in NEW, different); the walk of NEW then looks for keys only NEW has
     * (extra in NEW). Each walks its side in that side's own key order and looks keys up on the other side by
     * equality, so that no two keys are ever ordered in Java.
     */
    private @Nullable Chunk<K> verifyChunk(WalkPosition<K> after) {
        int size = options.chunkSize();
        if (rateLimiter != null) {
            rateLimiter.acquirePermission(Math.min(size, options.maxRowsPerSecond()));
        }
        if (after.side() == Side.NEW) {
            Walked<K> walked = walkRows(Side.NEW, after.after(), null, size);
            return walked == null ? null : walked.chunk();
        }
        if (checksums == null) {
            Walked<K> walked = walkRows(Side.OLD, after.after(), null, size);
            return walked != null ? walked.chunk() : endOfOldWalk(after);
        }
        // The sides share a database and order keys alike: a chunk's key range holds the same keys on both, so
        // comparing it both ways covers NEW too, up to the chunk's end.
        K end = checksums.chunkEnd(after.after(), size);
        if (end != null) {
            return checksumChunk(checksums, after.after(), end, new WalkPosition<>(Side.OLD, end, after.newCovered()));
        }
        List<O> olds = migration.oldStore().scan(after.after(), null, size);
        if (olds.isEmpty()) {
            return endOfOldWalk(after);
        }
        // Keys written since the checksums found none: compared both ways, as the chunks before them were.
        chunksComparedByRow.incrementAndGet();
        K last = migration.oldStore().keyOf(olds.get(olds.size() - 1));
        return compare(
                olds,
                migration.newStore().scan(after.after(), last, Integer.MAX_VALUE),
                true,
                new WalkPosition<>(Side.OLD, last, after.newCovered()));
    }

    /** The empty chunk that ends OLD's walk and starts NEW's (after the keys the checksums covered already). */
    private static <K> Chunk<K> endOfOldWalk(WalkPosition<K> after) {
        return new Chunk<>(WalkPosition.newSide(after.newCovered() ? after.after() : null), 0, 0, 0);
    }

    /**
     * Compares the next chunk of {@code side}'s walk after {@code after} within the key range up to {@code upper}
     * (inclusive, in that side's order); null when the range is done. On OLD with checksums ({@code covers}), the
     * chunk's key range is compared both ways and the range's last chunk ends at {@code upper}, so NEW is covered up
     * to it. One of a {@link ParallelWalk}'s ranges.
     */
    @Nullable
    Chunk<K> verifyChunkUpTo(Side side, @Nullable K after, K upper, boolean covers) {
        int size = options.chunkSize();
        if (rateLimiter != null) {
            rateLimiter.acquirePermission(Math.min(size, options.maxRowsPerSecond()));
        }
        if (side == Side.OLD && covers && checksums != null) {
            K end = migration.oldStore().keyAfter(after, upper, size - 1).orElse(upper);
            return checksumChunk(checksums, after, end, new WalkPosition<>(Side.OLD, end, true));
        }
        Walked<K> walked = walkRows(side, after, upper, size);
        return walked == null ? null : walked.chunk();
    }

    Migration<K, O, N> migration() {
        return migration;
    }

    VerifierOptions options() {
        return options;
    }

    VerificationStore store() {
        return store;
    }

    Supplier<PhaseState> phase() {
        return phase;
    }

    Clock clock() {
        return clock;
    }

    boolean hasChecksums() {
        return checksums != null;
    }

    /**
     * Compares OLD values with NEW's values under their keys, and, when {@code newKeys} is set, the NEW values given
     * with OLD's: those whose key OLD lacks are extra. Values are matched by key with {@code equals} only where that
     * proves a match (equal in Java means equal in the database); every other key is looked up by the database's
     * equality ({@link io.dualwrite.core.store.MigrationStore#readAll}).
     */
    private Chunk<K> compare(List<O> olds, List<N> news, boolean newKeys, WalkPosition<K> last) {
        Map<K, N> newByKey = new HashMap<>();
        for (N value : news) {
            newByKey.put(migration.newStore().keyOf(value), value);
        }
        List<K> oldKeys = new ArrayList<>(olds.size());
        List<K> lookUpInNew = new ArrayList<>();
        for (O old : olds) {
            K key = migration.oldStore().keyOf(old);
            oldKeys.add(key);
            if (!newByKey.containsKey(key)) {
                lookUpInNew.add(key);
            }
        }
        Map<K, N> foundInNew =
                lookUpInNew.isEmpty() ? Map.of() : migration.newStore().readAll(lookUpInNew);
        List<Divergence<K, N>> suspects = new ArrayList<>();
        for (int i = 0; i < olds.size(); i++) {
            K key = oldKeys.get(i);
            N actual = newByKey.containsKey(key) ? newByKey.get(key) : foundInNew.get(key);
            Divergence<K, N> divergence =
                    Divergence.of(key, migration.toNew(olds.get(i)), actual, migration.equivalence());
            if (divergence != null) {
                suspects.add(divergence);
            }
        }
        int keys = olds.size();
        if (newKeys) {
            Set<K> oldKeySet = new HashSet<>(oldKeys);
            List<N> unmatched = new ArrayList<>();
            List<K> lookUpInOld = new ArrayList<>();
            for (N value : news) {
                K key = migration.newStore().keyOf(value);
                if (!oldKeySet.contains(key)) {
                    unmatched.add(value);
                    lookUpInOld.add(key);
                }
            }
            Map<K, O> foundInOld =
                    lookUpInOld.isEmpty() ? Map.of() : migration.oldStore().readAll(lookUpInOld);
            for (int i = 0; i < unmatched.size(); i++) {
                K key = lookUpInOld.get(i);
                if (!foundInOld.containsKey(key)) {
                    keys++;
                    if (!migration.onlyInNew(unmatched.get(i))) { // else OLD does not hold it by design
                        suspects.add(new Divergence<>(key, Divergence.Kind.EXTRA_IN_NEW, null, unmatched.get(i)));
                    }
                }
            }
        }
        int confirmed = suspects.isEmpty() ? 0 : recheck(suspects);
        return new Chunk<>(last, keys, confirmed, suspects.size() - confirmed);
    }

    /**
     * Looks at the suspects again after the re-check delay, until each either agrees (a write was in flight), or
     * differs the same way on two looks in a row, or {@value #MAX_LOOKS} looks have passed; the last two are
     * reported and recorded.
     */
    private int recheck(List<Divergence<K, N>> suspects) {
        int confirmed = 0;
        Equivalence<N> equivalence = migration.equivalence();
        List<Divergence<K, N>> unsettled = suspects;
        for (int look = 2; look <= MAX_LOOKS && !unsettled.isEmpty(); look++) {
            sleep(options.recheckDelay());
            List<Divergence<K, N>> changed = new ArrayList<>();
            for (Divergence<K, N> previous : unsettled) {
                K key = previous.key();
                N expected =
                        migration.oldStore().read(key).map(migration::toNew).orElse(null);
                N actual = migration.newStore().read(key).orElse(null);
                Divergence<K, N> now = Divergence.of(key, expected, actual, equivalence);
                if (now != null) {
                    now = now.foundBy(previous.foundBy());
                }
                if (Divergence.expected(migration, now)) {
                    continue; // agrees: it was a write in flight
                }
                if (sameDivergence(previous, now, equivalence) || look == MAX_LOOKS) {
                    confirmed++;
                    report(now);
                } else {
                    changed.add(now);
                }
            }
            unsettled = changed;
        }
        return confirmed;
    }

    /** The keys and kinds of the first divergences this verifier reported, for its summary line. */
    private synchronized String firstReported(int count) {
        return reported.stream()
                .limit(count)
                .map(d -> migration.keyCodec().encode(d.key()) + " " + d.kind())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private synchronized void report(Divergence<K, N> divergence) {
        reported.add(divergence);
        String key = migration.keyCodec().encode(divergence.key());
        // One line per key at DEBUG; the verification's summary names the first ones (every key is in the ledger).
        log.debug("Migration '{}': key {} diverges ({})", migration.name(), key, divergence.describe());
        Side side = ahead;
        migration
                .ledger(side)
                .ifPresent(ledger -> ledger.record(
                        migration.name(), key, side, DivergenceCause.VERIFICATION, divergence.describe()));
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
