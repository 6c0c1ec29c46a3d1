package io.dualwrite.spring.boot.actuate;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.ManagedMigration;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.jdbc.BypassCapture;
import io.dualwrite.core.jdbc.BypassWrites;
import io.dualwrite.core.jdbc.PendingCaptures;
import io.dualwrite.core.model.ConcurrentTransitionException;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.IllegalPhaseTransitionException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.model.UnknownMigrationException;
import io.dualwrite.core.model.UnknownPhaseException;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.shadow.MismatchSample;
import io.dualwrite.core.shadow.QueryShadow;
import io.dualwrite.core.shadow.ShadowReadStats;
import io.dualwrite.core.shadow.ShadowReader;
import io.dualwrite.core.verify.VerificationProgress;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code dualwrite} Actuator endpoint: every migration's status, and the operator's actions on it. The JSON
 * contract is documented in docs/admin-api.md. Every phase change is audited with the authenticated principal as
 * the actor.
 */
@Endpoint(id = "dualwrite")
public class DualWriteEndpoint implements DisposableBean {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DualWriteEndpoint.class);
    private static final int AUDIT_ENTRIES = 20;
    private static final int REPAIR_BATCH = 1000;

    private final DualWrite dualWrite;
    private final Clock clock;
    private final AccessRule access;
    /**
     * A thread per verification requested: one that waits for its migration's backfill must not hold up another
     * migration's (a migration runs one verification at a time anyway, see {@code ManagedMigration#verify}).
     */
    private final ExecutorService verifications = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "dualwrite-endpoint-verify");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * An endpoint that admits only authenticated principals with {@code requiredRole}, or anyone when it is null
     * (an application without Spring Security).
     */
    public DualWriteEndpoint(DualWrite dualWrite, @Nullable String requiredRole) {
        this(dualWrite, requiredRole, Clock.systemUTC());
    }

    DualWriteEndpoint(DualWrite dualWrite, @Nullable String requiredRole, Clock clock) {
        this.dualWrite = dualWrite;
        this.access = new AccessRule(requiredRole);
        this.clock = clock;
    }

    /** A migration's name and phase. */
    public record Summary(String name, String phase) {}

    /** {@code GET /actuator/dualwrite}. */
    @ReadOperation
    public WebEndpointResponse<Object> migrations(SecurityContext security) {
        WebEndpointResponse<Object> denied = denied(security);
        if (denied != null) {
            return denied;
        }
        return new WebEndpointResponse<>(
                Map.of(
                        "migrations",
                        dualWrite.managedMigrations().stream()
                                .map(m -> new Summary(m.name(), m.phase().name()))
                                .toList()),
                WebEndpointResponse.STATUS_OK);
    }

    /** {@code GET /actuator/dualwrite/{name}}; 404 for an unknown migration. */
    @ReadOperation
    public WebEndpointResponse<Object> migration(@Selector String name, SecurityContext security) {
        WebEndpointResponse<Object> denied = denied(security);
        if (denied != null) {
            return denied;
        }
        try {
            return new WebEndpointResponse<>(status(dualWrite.managed(name)), WebEndpointResponse.STATUS_OK);
        } catch (UnknownMigrationException e) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, "unknown-migration", e.getMessage());
        }
    }

    /**
     * Verifies once a backfill that is copying has ended: a verification while it copies would record every row not
     * copied yet as a divergence, and, having started before the copy completed, count as evidence for nothing.
     */
    private static void verifyOnceTheCopyEnds(ManagedMigration<?, ?, ?> migration) {
        if (copying(migration)) {
            log.info("Verification of '{}' waits for its backfill to end", migration.name());
        }
        while (copying(migration)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        migration.verify();
    }

    private static boolean copying(ManagedMigration<?, ?, ?> migration) {
        return migration.hasBackfill()
                && migration.phase() == MigrationPhase.BACKFILL
                && migration.backfill().progress().state() == io.dualwrite.core.backfill.BackfillState.RUNNING;
    }

    /**
     * {@code POST /actuator/dualwrite/{name}} with {@code {"action": ..., "target": ..., "reason": ...}}. Actions:
     * {@code advance}, {@code rollback}, {@code force} (target and reason required; overrides evidence gates, never the
     * handover rules), {@code accept-data-loss} (target and reason required; overrides the handover rules too, and
     * the audit lists the keys given up), {@code finish} (reason required; in DROP_OLD, the point of no
     * return), {@code pause-backfill}, {@code resume-backfill}, {@code verify} (runs in
     * the background, once a backfill that is copying has ended), {@code repair}.
     */
    @WriteOperation
    public WebEndpointResponse<Object> act(
            @Selector String name,
            String action,
            @Nullable String target,
            @Nullable String reason,
            SecurityContext security) {
        WebEndpointResponse<Object> denied = denied(security);
        if (denied != null) {
            return denied;
        }
        String actor = security.getPrincipal() != null ? security.getPrincipal().getName() : "anonymous";
        try {
            ManagedMigration<?, ?, ?> migration = dualWrite.managed(name);
            switch (action.toLowerCase(Locale.ROOT)) {
                case "advance" -> migration.advance(TransitionRequest.by(actor, reason));
                case "rollback" -> migration.rollback(TransitionRequest.by(actor, reason));
                case "force", "accept-data-loss" -> {
                    String verb = action.toLowerCase(Locale.ROOT);
                    if (target == null || target.isBlank()) {
                        return badRequest("'" + verb + "' needs a \"target\" phase, one of "
                                + Arrays.toString(MigrationPhase.values()));
                    }
                    if (reason == null || reason.isBlank()) {
                        return badRequest("'" + verb + "' needs a \"reason\", which is recorded in the audit trail");
                    }
                    migration.transition(
                            MigrationPhase.parse(target),
                            verb.equals("force")
                                    ? TransitionRequest.forcedBy(actor, reason)
                                    : TransitionRequest.acceptingDataLoss(actor, reason));
                }
                case "finish" -> {
                    if (reason == null || reason.isBlank()) {
                        return badRequest("'finish' needs a \"reason\", which is recorded in the audit trail:"
                                + " finishing is the point of no return");
                    }
                    migration.finish(TransitionRequest.by(actor, reason));
                }
                case "pause-backfill" -> migration.backfill().pause();
                case "resume-backfill" -> migration.backfill().resume();
                case "verify" -> verifications.submit(() -> verifyOnceTheCopyEnds(migration));
                case "repair" -> migration.repair(REPAIR_BATCH);
                default -> {
                    return badRequest("Unknown action '" + action + "'; use one of advance, rollback, force,"
                            + " accept-data-loss, finish, pause-backfill, resume-backfill, verify, repair");
                }
            }
            return new WebEndpointResponse<>(status(migration), WebEndpointResponse.STATUS_OK);
        } catch (UnknownMigrationException e) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, "unknown-migration", e.getMessage());
        } catch (TransitionRefusedException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "transition-refused");
            body.put("message", e.getMessage());
            body.put(
                    "failedGates",
                    e.failedGates().stream().map(DualWriteEndpoint::gate).toList());
            return new WebEndpointResponse<>(body, 409);
        } catch (IllegalPhaseTransitionException | ConcurrentTransitionException | IllegalStateException e) {
            return error(409, "conflict", e.getMessage());
        } catch (UnknownPhaseException | IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
    }

    private MigrationStatus status(ManagedMigration<?, ?, ?> migration) {
        PhaseState state = migration.state();
        MigrationPhase phase = state.phase();
        long version = state.version();
        // Read once: the finishing entry and checklist serve both the allowed moves and the status's field.
        ManagedMigration.Finishing finishing =
                phase == MigrationPhase.DROP_OLD ? migration.finishing().orElse(null) : null;
        boolean finished = finishing != null && finishing.finished() != null;
        List<String> allowed = finished
                ? List.of() // the point of no return was passed
                : Arrays.stream(PhaseTransition.values())
                        .filter(t -> t.from() == phase)
                        .map(t -> t.to().name())
                        .toList();
        List<MigrationStatus.Gate> gates = phase.next()
                .map(next -> migration.gates(next).stream()
                        .map(DualWriteEndpoint::gate)
                        .toList())
                .orElse(List.of());
        return new MigrationStatus(
                migration.name(),
                phase.name(),
                version,
                allowed,
                gates,
                migration.hasBackfill() ? backfill(migration.backfill().progress()) : null,
                shadowReads(migration.shadowReads(), state),
                migration.hasVerification() ? verification(migration.verification()) : null,
                migration
                        .resync()
                        .filter(r -> r.phaseVersion() == version)
                        .map(r -> new MigrationStatus.Resync(
                                r.state().name(), r.keysFound(), r.keysLeft(), r.updatedAt(), r.detail()))
                        .orElse(null),
                ledger(migration),
                breakers(migration),
                new MigrationStatus.Autopilot(migration.autopilotEnabled(), migration.autopilotActive()),
                instances(migration),
                migration.auditTrail(AUDIT_ENTRIES).stream()
                        .map(DualWriteEndpoint::audit)
                        .toList(),
                finishing(migration, finishing),
                dualWrite
                        .bypassCapture(migration.name())
                        .map(c -> bypassWrites(c, dualWrite.captureFeed(migration.name())))
                        .orElse(null),
                oldSide(migration),
                divergences(migration));
    }

    /** What the latest verification found, what this instance repaired since, and what the ledger holds now. */
    private static MigrationStatus.Divergences divergences(ManagedMigration<?, ?, ?> migration) {
        long found = 0;
        @Nullable Instant foundAt = null;
        if (migration.hasVerification()) {
            VerificationProgress latest = migration.verification();
            found = latest.divergences();
            foundAt = latest.completedAt();
        }
        @Nullable Long left;
        try {
            left = migration.ledgerSize();
        } catch (RuntimeException e) {
            left = null;
        }
        return new MigrationStatus.Divergences(
                found, foundAt, migration.repairer().totals().repaired(), left);
    }

    private static MigrationStatus.BypassWrites bypassWrites(
            BypassCapture<?, ?, ?> capture, java.util.Optional<io.dualwrite.core.jdbc.CaptureFeed> feed) {
        BypassWrites stats = capture.stats();
        PendingCaptures pending;
        try {
            pending = capture.pendingCaptures(BypassCapture.SAMPLE_SIZE);
        } catch (RuntimeException e) {
            pending = new PendingCaptures(-1, null, List.of());
        }
        return new MigrationStatus.BypassWrites(
                stats.count(),
                stats.perMinute(),
                stats.lastSeen(),
                stats.sampleKeys(),
                pending.count(),
                pending.oldest(),
                pending.sampleKeys(),
                feed.map(DualWriteEndpoint::feedStatus).orElse(null));
    }

    /** What the feed says of itself; its failure to say is said instead, never the status's failure. */
    private static java.util.Map<String, @Nullable Object> feedStatus(io.dualwrite.core.jdbc.CaptureFeed feed) {
        try {
            return feed.status();
        } catch (RuntimeException e) {
            return java.util.Map.of("error", "the feed could not report its status: " + e);
        }
    }

    private static MigrationStatus.@Nullable OldSide oldSide(ManagedMigration<?, ?, ?> migration) {
        return migration
                .oldSideUsage()
                .map(u -> new MigrationStatus.OldSide(
                        u.window(),
                        u.since(),
                        u.tableReads(),
                        u.tableWrites(),
                        u.dualwriteWrites(),
                        u.bypassingWrites(),
                        u.unknown(),
                        u.detail()))
                .orElse(null);
    }

    private static MigrationStatus.@Nullable Finishing finishing(
            ManagedMigration<?, ?, ?> migration, ManagedMigration.@Nullable Finishing finishing) {
        if (finishing == null) {
            return null;
        }
        AuditEntry finished = finishing.finished();
        return new MigrationStatus.Finishing(
                finished != null,
                finished != null ? finished.occurredAt() : null,
                finished != null ? finished.actor() : null,
                finishing.checklist(),
                finished != null
                        ? List.of()
                        : migration.finishingGates().stream()
                                .map(DualWriteEndpoint::gate)
                                .toList());
    }

    private static Map<String, String> breakers(ManagedMigration<?, ?, ?> migration) {
        Map<String, String> states = new LinkedHashMap<>();
        migration
                .circuitBreakers()
                .forEach((side, breaker) -> states.put(
                        side.name().toLowerCase(Locale.ROOT), breaker.getState().name()));
        return states;
    }

    private static MigrationStatus.Backfill backfill(BackfillProgress p) {
        return new MigrationStatus.Backfill(
                p.state().name(),
                p.rowsCopied(),
                p.rowsEstimated(),
                p.rowsPerSecond(),
                p.eta().map(Object::toString).orElse(null),
                p.fractionDone(),
                p.leaseOwner(),
                p.failure(),
                p.throttle() == null
                        ? null
                        : new MigrationStatus.Throttle(
                                p.throttle().reason().name(),
                                p.throttle().detail(),
                                p.throttle().since()),
                p.partitions() == null
                        ? null
                        : new MigrationStatus.Partitions(
                                p.partitions().total(),
                                p.partitions().completed(),
                                p.partitions().copying()));
    }

    /** The most recent mismatches shown per routed query. */
    private static final int QUERY_MISMATCHES = 10;

    private static MigrationStatus.ShadowReads shadowReads(ShadowReader<?, ?, ?> reader, PhaseState state) {
        ShadowReadStats stats = reader.stats();
        long compared = stats.compared();
        long mismatches = stats.mismatches();
        for (QueryShadow<?, ?> query : reader.queries()) {
            compared += query.stats().compared();
            mismatches += query.stats().mismatches();
        }
        ShadowReadStats phase = reader.phaseStats(state.version());
        return new MigrationStatus.ShadowReads(
                counts(stats),
                stats.mismatchRate(),
                reader.options().sampleRate(),
                reader.recentMismatches().stream()
                        .map(m -> new MigrationStatus.Mismatch(
                                m.key(), m.result().name(), m.at(), differences(m.differences())))
                        .toList(),
                reader.queries().stream().map(DualWriteEndpoint::query).toList(),
                new MigrationStatus.Window(
                        "since this instance started",
                        compared,
                        mismatches,
                        compared == 0 ? 0 : (double) mismatches / compared),
                new MigrationStatus.Window(
                        "in " + state.phase() + " (phase version " + state.version() + ") on this instance",
                        phase.compared(),
                        phase.mismatches(),
                        phase.mismatchRate()));
    }

    private static MigrationStatus.Query query(QueryShadow<?, ?> query) {
        ShadowReadStats stats = query.stats();
        return new MigrationStatus.Query(
                query.name(),
                counts(stats),
                stats.mismatchRate(),
                query.recentMismatches().stream()
                        .limit(QUERY_MISMATCHES)
                        .map(m -> new MigrationStatus.QueryMismatch(
                                m.parameter(),
                                m.result().name(),
                                m.at(),
                                m.missing(),
                                m.extra(),
                                m.differing().stream()
                                        .map(d -> new MigrationStatus.Differing(d.key(), differences(d.differences())))
                                        .toList(),
                                m.order() == null
                                        ? null
                                        : new MigrationStatus.Order(
                                                m.order().position(),
                                                m.order().expectedKey(),
                                                m.order().actualKey()),
                                m.missingTotal(),
                                m.extraTotal(),
                                m.differingTotal()))
                        .toList());
    }

    private static Map<String, Long> counts(ShadowReadStats stats) {
        Map<String, Long> counts = new LinkedHashMap<>();
        stats.counts().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> counts.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue()));
        return counts;
    }

    private static List<Map<String, String>> differences(List<MismatchSample.FieldDifference> differences) {
        return differences.stream()
                .map(d -> Map.of("field", d.field(), "expected", d.expected(), "actual", d.actual()))
                .toList();
    }

    private static MigrationStatus.Verification verification(VerificationProgress p) {
        return new MigrationStatus.Verification(
                p.state().name(), p.completedAt(), p.rowsChecked(), p.divergences(), p.inFlight());
    }

    private static MigrationStatus.Audit audit(AuditEntry e) {
        return new MigrationStatus.Audit(
                e.occurredAt(),
                e.event().name(),
                e.from().name(),
                e.to().name(),
                e.actor(),
                e.reason(),
                e.evidence().stream().map(DualWriteEndpoint::gate).toList());
    }

    private static MigrationStatus.Gate gate(GateResult gate) {
        return new MigrationStatus.Gate(gate.name(), gate.passed(), gate.detail());
    }

    /** The live instances from the registry, or only this one when there is no registry. */
    private List<MigrationStatus.Instance> instances(ManagedMigration<?, ?, ?> migration) {
        List<MigrationStatus.Instance> registered = migration.liveInstances().stream()
                .map(i -> new MigrationStatus.Instance(i.instanceId(), i.phase().name(), i.lastSeen()))
                .toList();
        return registered.isEmpty()
                ? List.of(new MigrationStatus.Instance(
                        dualWrite.instanceId(), migration.phase().name(), clock.instant()))
                : registered;
    }

    private static MigrationStatus.Ledger ledger(ManagedMigration<?, ?, ?> migration) {
        try {
            return new MigrationStatus.Ledger(migration.ledgerSize(), null);
        } catch (RuntimeException e) {
            return new MigrationStatus.Ledger(null, "unavailable: " + e.getMessage());
        }
    }

    /** 401 without a principal, 403 without the role, null when admitted. */
    private @Nullable WebEndpointResponse<Object> denied(SecurityContext security) {
        return access.check(security, "the dualwrite endpoint")
                .map(refusal -> error(refusal.status(), refusal.error(), refusal.message()))
                .orElse(null);
    }

    private static WebEndpointResponse<Object> badRequest(String message) {
        return error(WebEndpointResponse.STATUS_BAD_REQUEST, "bad-request", message);
    }

    private static WebEndpointResponse<Object> error(int status, String error, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        return new WebEndpointResponse<>(body, status);
    }

    @Override
    public void destroy() {
        verifications.shutdownNow();
    }
}
