package io.dualwrite.core.verify;

import io.dualwrite.core.backfill.BackfillPartition;
import io.dualwrite.core.backfill.KeyRanges;
import io.dualwrite.core.internal.DaemonThreads;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.store.KeyCodec;
import io.dualwrite.core.store.MigrationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The rest of one side's walk of a verification on {@link VerifierOptions#workers()} threads: the keys after the
 * walk's position up to the side's greatest key now are split into ranges along that side's own key order
 * ({@link KeyRanges}, four per thread), the threads compare ranges chunk by chunk, and the verification's checkpoint
 * moves to the end of a range once every range before it is done too, so a resumed verification never skips a key
 * (ranges after the checkpoint are compared again: their counts were never stored, and what they find is reported
 * again; the ledger holds one record per key). Asked to stop, it also stores what the first unfinished range walked.
 * Keys written above the greatest
 * key after the split are left to the walk that continues from it.
 */
final class ParallelWalk<K, O, N> {

    private static final int RANGES_PER_WORKER = 4;

    private final Verifier<K, O, N> verifier;
    private final WalkPosition<K> from;
    private final Instant run;
    private final PhaseState started;
    private final BooleanSupplier mayContinue;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean phaseMoved = new AtomicBoolean();

    ParallelWalk(
            Verifier<K, O, N> verifier,
            WalkPosition<K> from,
            Instant run,
            PhaseState started,
            BooleanSupplier mayContinue) {
        this.verifier = verifier;
        this.from = from;
        this.run = run;
        this.started = started;
        this.mayContinue = mayContinue;
    }

    /** Whether the run was cancelled or superseded while walking. */
    boolean cancelled() {
        return cancelled.get();
    }

    /** Whether the phase moved while walking. */
    boolean phaseMoved() {
        return phaseMoved.get();
    }

    /** Walks the ranges; the position reached, or null when stopped (cancelled, phase moved, or asked to stop). */
    @Nullable
    WalkPosition<K> run() {
        Side side = from.side();
        MigrationStore<K, ?> store = side == Side.OLD
                ? verifier.migration().oldStore()
                : verifier.migration().newStore();
        Optional<K> greatest = store.maxKey();
        if (greatest.isEmpty()) {
            return from;
        }
        boolean covers = side == Side.OLD && from.newCovered() && verifier.hasChecksums();
        KeyCodec<K> codec = verifier.migration().keyCodec();
        int workers = verifier.options().workers();
        List<BackfillPartition.Range> ranges = KeyRanges.split(
                store, codec, from.after(), greatest.get(), store.estimateSize(), workers * RANGES_PER_WORKER);
        Range<K>[] walked = newRanges(ranges, codec);
        AtomicInteger next = new AtomicInteger();
        Checkpoints checkpoints = new Checkpoints(walked, side, covers);
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(workers, walked.length),
                DaemonThreads.named("dualwrite-verify-" + verifier.migration().name() + "-"));
        try {
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < Math.min(workers, walked.length); t++) {
                threads.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < walked.length && !stop.get(); i = next.getAndIncrement()) {
                        if (walk(walked[i], side, covers, codec)) {
                            checkpoints.done(i);
                        }
                    }
                }));
            }
            for (Future<?> thread : threads) {
                try {
                    thread.get();
                } catch (ExecutionException e) {
                    stop.set(true);
                    throw e.getCause() instanceof RuntimeException runtime
                            ? runtime
                            : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop.set(true);
                    return null;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (stop.get() || !checkpoints.allDone()) {
            if (!cancelled.get() && !phaseMoved.get()) {
                // Asked to stop: keep what the first unfinished range walked, which continues the stored prefix.
                checkpoints.storeFirstUnfinished();
            }
            return null;
        }
        return side == Side.OLD
                ? new WalkPosition<>(Side.OLD, greatest.get(), covers)
                : WalkPosition.newSide(greatest.get());
    }

    /** Compares one range chunk by chunk; whether it was walked to its end. */
    private boolean walk(Range<K> range, Side side, boolean covers, KeyCodec<K> codec) {
        K after = range.lower;
        String upperText = codec.encode(range.upper);
        while (true) {
            if (stop.get()) {
                return false;
            }
            if (!mayContinue.getAsBoolean()) {
                stop.set(true);
                return false;
            }
            if (verifier.phase().get().version() != started.version()) {
                phaseMoved.set(true);
                stop.set(true);
                return false;
            }
            Verifier.Chunk<K> chunk = verifier.verifyChunkUpTo(side, after, range.upper, covers);
            if (chunk == null) {
                return true;
            }
            after = chunk.lastKey().after();
            synchronized (range) {
                range.keys += chunk.keys();
                range.divergences += chunk.divergences();
                range.inFlight += chunk.inFlight();
                range.walkedTo = after;
            }
            if (after != null && codec.encode(after).equals(upperText)) {
                return true;
            }
        }
    }

    /** Moves the verification's checkpoint over the prefix of ranges that are done. */
    private final class Checkpoints {
        private final Range<K>[] ranges;
        private final boolean[] done;
        private final Side side;
        private final boolean covers;
        private int stored;

        Checkpoints(Range<K>[] ranges, Side side, boolean covers) {
            this.ranges = ranges;
            this.done = new boolean[ranges.length];
            this.side = side;
            this.covers = covers;
        }

        synchronized void done(int index) {
            done[index] = true;
            while (stored < ranges.length && done[stored] && !stop.get()) {
                Range<K> range = ranges[stored];
                boolean running;
                synchronized (range) {
                    running = store(range, range.upper);
                }
                if (!running) {
                    cancelled.set(true);
                    stop.set(true);
                    return;
                }
                stored++;
            }
        }

        /** Stores the walked part of the first range not done, which starts where the stored prefix ends. */
        synchronized void storeFirstUnfinished() {
            if (stored >= ranges.length || cancelled.get()) {
                return;
            }
            Range<K> range = ranges[stored];
            synchronized (range) {
                if (range.walkedTo == null) {
                    return;
                }
                if (!store(range, range.walkedTo)) {
                    cancelled.set(true);
                }
            }
        }

        /**
         * Stores the walk's position at {@code walkedTo} of this side with the range's counts, the caller holding the
         * range's lock; false once the run was cancelled elsewhere.
         */
        private boolean store(Range<K> range, K walkedTo) {
            WalkPosition<K> position =
                    side == Side.OLD ? new WalkPosition<>(Side.OLD, walkedTo, covers) : WalkPosition.newSide(walkedTo);
            return verifier.store()
                    .checkpoint(
                            verifier.migration().name(),
                            run,
                            position.encode(verifier.migration().keyCodec()),
                            range.keys,
                            range.divergences,
                            range.inFlight,
                            verifier.clock().instant());
        }

        synchronized boolean allDone() {
            return stored == ranges.length;
        }
    }

    /** A range to compare, with what it found so far. */
    private static final class Range<K> {
        final @Nullable K lower;
        final K upper;
        long keys;
        long divergences;
        long inFlight;

        @Nullable
        K walkedTo;

        Range(@Nullable K lower, K upper) {
            this.lower = lower;
            this.upper = upper;
        }
    }

    @SuppressWarnings("unchecked")
    private static <K> Range<K>[] newRanges(List<BackfillPartition.Range> ranges, KeyCodec<K> codec) {
        Range<K>[] result = new Range[ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            BackfillPartition.Range range = ranges.get(i);
            result[i] = new Range<>(
                    range.lowerKey() == null ? null : codec.decode(range.lowerKey()), codec.decode(range.upperKey()));
        }
        return result;
    }
}
