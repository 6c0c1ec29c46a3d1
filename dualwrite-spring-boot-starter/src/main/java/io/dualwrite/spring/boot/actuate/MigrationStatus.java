package io.dualwrite.spring.boot.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON contract of {@code GET /actuator/dualwrite/{name}} (documented in docs/admin-api.md).
 *
 * @param gates the gates of the next forward move, empty in the last phase
 * @param breakers the state of the circuit breaker guarding writes to each side, by side ({@code old},
 *     {@code new}); empty when the sides share a database
 * @param bypassWrites the writes to OLD that bypassed dualwrite, for a migration that captures them; null otherwise
 * @param divergences what is divergent now: found by the latest verification, repaired on this instance, left in
 *     the ledger
 */
public record MigrationStatus(
        String name,
        String phase,
        long version,
        List<String> allowedTransitions,
        List<Gate> gates,
        @Nullable Backfill backfill,
        ShadowReads shadowReads,
        @Nullable Verification verification,
        @Nullable Resync resync,
        Ledger ledger,
        Map<String, String> breakers,
        Autopilot autopilot,
        List<Instance> instances,
        List<Audit> audit,
        @Nullable Finishing finishing,
        @Nullable BypassWrites bypassWrites,
        @Nullable OldSide oldSide,
        Divergences divergences) {

    /**
     * How others than dualwrite used the OLD table in the current window, by the table's own counters (BACKFILL:
     * writes beside dualwrite's; DROP_OLD: every read and write); null outside those phases or when the OLD side is
     * not a JDBC table on PostgreSQL or MariaDB. A figure the database cannot give is null and {@code unknown} says
     * why (never 0).
     */
    public record OldSide(
            String window,
            @Nullable Instant since,
            @Nullable Long reads,
            @Nullable Long writes,
            @Nullable Long dualwriteWrites,
            @Nullable Long bypassingWrites,
            @Nullable String unknown,
            String detail) {}

    /**
     * Divergence as it stands now rather than as the latest verification found it: {@code found} keys by the latest
     * verification ({@code foundAt} its completion, null while none completed), {@code repaired} keys by the repair
     * passes of this instance since it started (of the ledger, whatever recorded them), and {@code left} keys
     * waiting in the ledger now (null when it cannot be read).
     */
    public record Divergences(long found, @Nullable Instant foundAt, long repaired, @Nullable Long left) {}

    /**
     * Writes to the OLD table that bypassed dualwrite, drained on this instance since it started: how many, how many
     * in the last minute, when the latest was captured, a sample of their keys (newest first), and how many captured
     * keys wait to be drained (all instances', in every database holding them, -1 if one cannot be reached), when the
     * oldest of them was captured and a sample of their keys (oldest first within each database); {@code feed} is what a capture fed from the database's log
     * reports on this instance (dualwrite-debezium: streaming, slot ready, last event, lag, counts, last error), null
     * for capture by triggers.
     */
    public record BypassWrites(
            long count,
            long perMinute,
            @Nullable Instant lastSeen,
            List<String> sampleKeys,
            long pending,
            @Nullable Instant oldestPending,
            List<String> pendingKeys,
            java.util.@Nullable Map<String, @Nullable Object> feed) {}

    /**
     * Shown from DROP_OLD on: whether the migration is finished (the point of no return), by whom and when, and what
     * is left to do in the application, and what the gates of finishing say now (empty once finished).
     */
    public record Finishing(
            boolean finished,
            @Nullable Instant finishedAt,
            @Nullable String finishedBy,
            List<String> checklist,
            List<Gate> gates) {}

    /** One gate of a move. */
    public record Gate(String name, boolean passed, String detail) {}

    /**
     * Backfill progress; {@code eta} is an ISO-8601 duration or null; {@code throttle} says what holds the copy back
     * now, when this instance is the one copying, else null; {@code partitions} how far the key ranges of a
     * partitioned copy are (null when the copy is not partitioned), {@code rowsPerSecond} and {@code leaseOwner}
     * then summing up every worker copying.
     */
    public record Backfill(
            String state,
            long rowsCopied,
            long rowsEstimated,
            double rowsPerSecond,
            @Nullable String eta,
            double progress,
            @Nullable String leaseOwner,
            @Nullable String failure,
            @Nullable Throttle throttle,
            @Nullable Partitions partitions) {}

    /** The key ranges of a partitioned backfill: how many, how many copied, how many a worker holds now. */
    public record Partitions(int total, int completed, int copying) {}

    /**
     * What holds a backfill's copy back: {@code reason} one of LOCK_CONTENTION, SLOW_CHUNK, APPLICATION_LATENCY,
     * REPLICA_LAG; {@code detail} the measured value against its threshold.
     */
    public record Throttle(String reason, String detail, Instant since) {}

    /**
     * Shadow-read counts of this instance, per result class, of key reads; {@code queries} has those of each routed
     * query, in the order of their declaration. {@code sinceStart} and {@code inPhase} total key reads and routed
     * queries: since this instance started, and in the current phase version (the window the
     * {@code shadow-mismatch-rate} gate reads).
     */
    public record ShadowReads(
            Map<String, Long> counts,
            double mismatchRate,
            double sampleRate,
            List<Mismatch> recentMismatches,
            List<Query> queries,
            Window sinceStart,
            Window inPhase) {}

    /**
     * Comparisons and mismatches (mismatch, missing or unexpected in the candidate) counted over {@code window}, a
     * phrase such as "since this instance started" or "in BACKFILL (phase version 3) on this instance".
     */
    public record Window(String window, long compared, long mismatches, double mismatchRate) {}

    /** A routed query's comparisons on this instance, and its most recent mismatches (at most 10, newest first). */
    public record Query(
            String name, Map<String, Long> counts, double mismatchRate, List<QueryMismatch> recentMismatches) {}

    /**
     * A recent mismatch of a routed query, by key: the keys the candidate lacked, had extra, or had with other values
     * (each with its field differences), where the order first differs (null if it does not or the query promises
     * none), and how many keys of each kind there were (each list shows at most 20).
     */
    public record QueryMismatch(
            String parameter,
            String result,
            Instant at,
            List<String> missing,
            List<String> extra,
            List<Differing> differing,
            @Nullable Order order,
            int missingTotal,
            int extraTotal,
            int differingTotal) {}

    /** An element both sides answered with different values. */
    public record Differing(String key, List<Map<String, String>> differences) {}

    /** Where the order of a query that promises one first differs. */
    public record Order(int position, String expectedKey, String actualKey) {}

    /** A recent mismatch and its field differences. */
    public record Mismatch(String key, String result, Instant at, List<Map<String, String>> differences) {}

    /** The latest full verification. */
    public record Verification(
            String state, @Nullable Instant lastCompletedAt, long rowsChecked, long divergences, long inFlight) {}

    /**
     * The re-sync of the old side after DROP_OLD -> READ_NEW in the current phase version; null when none belongs to
     * it. No move back is allowed until its state is {@code COMPLETED}.
     */
    public record Resync(String state, long keysFound, long keysLeft, Instant updatedAt, @Nullable String detail) {}

    /**
     * The divergence ledger: its size, or null with the reason when a database holding part of it cannot be reached
     * (the other side's outage is exactly when keys are recorded).
     */
    public record Ledger(@Nullable Long size, @Nullable String error) {}

    /**
     * The autopilot: {@code enabled} by configuration, {@code active} unless it stopped after a rollback of its own
     * (an operator's move re-arms it).
     */
    public record Autopilot(boolean enabled, boolean active) {}

    /** An instance and the phase it applies. */
    public record Instance(String id, String phase, Instant lastSeen) {}

    /** An audit entry. */
    public record Audit(
            Instant at,
            String event,
            String from,
            String to,
            String actor,
            @Nullable String reason,
            List<Gate> evidence) {}
}
