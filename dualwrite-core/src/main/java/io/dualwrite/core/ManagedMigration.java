package io.dualwrite.core;

import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.runtime.PhaseCache;
import io.dualwrite.core.jdbc.ChunkChecksums;
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.IllegalPhaseTransitionException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.InstanceState;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.phase.Resync;
import io.dualwrite.core.shadow.ShadowReader;
import io.dualwrite.core.verify.RepairReport;
import io.dualwrite.core.verify.Repairer;
import io.dualwrite.core.verify.VerificationProgress;
import io.dualwrite.core.verify.VerificationStore;
import io.dualwrite.core.verify.Verifier;
import io.dualwrite.core.verify.VerifierOptions;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One registered migration at run time: its definition, its phase as this instance applies it, the entry point for
 * its reads and writes, its backfill, verifier, shadow reads, repairer and circuit breakers, and the moves between its
 * phases. Obtained once from {@link DualWrite#managed(String)}; every method here speaks of this migration only.
 *
 * @param <K> the key type
 * @param <O> the OLD representation
 * @param <N> the NEW representation
 */
public final class ManagedMigration<K, O, N> {

    /** What this instance shares among its migrations. */
    record Shared(
            PhaseStore store,
            PhaseCache phases,
            Transitions transitions,
            InstanceBarrier barrier,
            @Nullable VerificationStore verificationStore,
            VerifierOptions verifierOptions,
            Supplier<@Nullable Autopilot> autopilot,
            OldSideGates oldSide,
            Clock clock) {}

    private final Migration<K, O, N> migration;
    private final DualRepository<K, O, N> repository;
    private final @Nullable Backfill<K, O, N> backfill;
    private final ShadowReader<K, O, N> shadowReads;
    private final Repairer<K, O, N> repairer;
    private final Map<Side, CircuitBreaker> breakers;
    private final Shared shared;
    private final Object verifying = new Object();

    ManagedMigration(
            Migration<K, O, N> migration,
            DualRepository<K, O, N> repository,
            @Nullable Backfill<K, O, N> backfill,
            ShadowReader<K, O, N> shadowReads,
            Repairer<K, O, N> repairer,
            Map<Side, CircuitBreaker> breakers,
            Shared shared) {
        this.migration = migration;
        this.repository = repository;
        this.backfill = backfill;
        this.shadowReads = shadowReads;
        this.repairer = repairer;
        this.breakers = Map.copyOf(breakers);
        this.shared = shared;
    }

    public String name() {
        return migration.name();
    }

    /** The migration's definition, as registered. */
    public Migration<K, O, N> migration() {
        return migration;
    }

    /** The entry point for the migration's reads and writes. */
    public DualRepository<K, O, N> repository() {
        return repository;
    }

    /** The phase this instance applies now (at most one refresh interval old). */
    public MigrationPhase phase() {
        return shared.phases().current(name()).phase();
    }

    /** The stored state of the migration, read from the store now. */
    public PhaseState state() {
        return shared.phases().refresh(name());
    }

    /**
     * What every gate says now about the move to {@code target}: the handover rules (see {@link TransitionRequest}),
     * then the evidence gates and guards. A preview: nothing is drained or changed.
     */
    public List<GateResult> gates(MigrationPhase target) {
        return shared.transitions().gates(migration, target);
    }

    /**
     * Moves the migration to the next phase forward.
     *
     * @see #transition(MigrationPhase, TransitionRequest)
     */
    public PhaseState advance(TransitionRequest request) {
        MigrationPhase current = state().phase();
        MigrationPhase target = current.next()
                .orElseThrow(() -> new IllegalPhaseTransitionException(
                        name(),
                        current,
                        current,
                        "Migration '" + name() + "' is already in its last phase, " + current));
        return transition(target, request);
    }

    /**
     * Moves the migration one phase back.
     *
     * @see #transition(MigrationPhase, TransitionRequest)
     */
    public PhaseState rollback(TransitionRequest request) {
        MigrationPhase current = state().phase();
        MigrationPhase target = current.previous()
                .orElseThrow(() -> new IllegalPhaseTransitionException(
                        name(),
                        current,
                        current,
                        "Migration '" + name() + "' is already in its first phase, " + current));
        return transition(target, request);
    }

    /**
     * Moves the migration to {@code target} if the move is allowed and every gate passes, and records it in the audit
     * trail. A refused move is recorded too, and changes nothing. A move that hands the source of truth to the other
     * side first copies to it every key whose acknowledged write only the side being left holds.
     *
     * <p>A forced request overrides failing evidence gates and guards; failing handover rules only yield to a
     * request that {@link TransitionRequest#acceptingDataLoss accepts data loss}, and the keys given up are audited.
     *
     * @return the new state
     * @throws IllegalPhaseTransitionException if the phase model does not allow the move
     * @throws TransitionRefusedException if a gate failed and the request did not override it
     * @throws ConcurrentTransitionException if another transition committed meanwhile
     */
    public PhaseState transition(MigrationPhase target, TransitionRequest request) {
        return shared.transitions().transition(migration, target, request);
    }

    /**
     * Finishes the migration in DROP_OLD: the point of no return (audited as FINISHED). Afterwards no move is allowed,
     * the migration keeps reading and writing NEW only, and {@link #finishingChecklist()} says what is left to do in
     * the application: remove this migration's bean, use the NEW store directly, drop the old side, purge the
     * history. With an instance registry, every live instance must apply DROP_OLD first.
     *
     * @throws IllegalPhaseTransitionException if the migration is not in DROP_OLD, or is finished already
     * @throws TransitionRefusedException if an instance does not apply DROP_OLD yet and the request is not forced
     */
    public PhaseState finish(TransitionRequest request) {
        return shared.transitions().finish(migration, request);
    }

    /** The audit entry that finished the migration, if it is finished. */
    public Optional<AuditEntry> finished() {
        return shared.store().finished(name());
    }

    /**
     * What is left to do once the migration reached DROP_OLD, in order, naming this migration's tables and the SQL
     * that checks nothing uses the old side any more (see docs/finishing.md); empty before DROP_OLD.
     */
    public List<String> finishingChecklist() {
        return finishing().map(Finishing::checklist).orElse(List.of());
    }

    /**
     * Where the migration stands on finishing, read once: empty before DROP_OLD; from DROP_OLD on, the entry that
     * finished it (if any) and the checklist of what is left.
     */
    public Optional<Finishing> finishing() {
        if (state().phase() != MigrationPhase.DROP_OLD) {
            return Optional.empty();
        }
        AuditEntry finished = finished().orElse(null);
        return Optional.of(new Finishing(finished, FinishingChecklist.of(migration, finished != null)));
    }

    /**
     * A migration in DROP_OLD on its way to being finished.
     *
     * @param finished the entry that finished it, null while it is not finished
     * @param checklist what is left to do, in order (see {@link #finishingChecklist()})
     */
    public record Finishing(@Nullable AuditEntry finished, List<String> checklist) {
        public Finishing {
            checklist = List.copyOf(checklist);
        }
    }

    /**
     * The latest re-sync of the old side after DROP_OLD -> READ_NEW, if one ever started: no move back from that
     * READ_NEW is allowed until it is COMPLETED.
     */
    public Optional<Resync> resync() {
        return shared.store().findResync(name());
    }

    /**
     * How others than dualwrite used the OLD table in the current window, by the table's own counters: in BACKFILL
     * the writes beside dualwrite's, in DROP_OLD every read and write (docs/gates.md). Empty in other phases, or when
     * the OLD side is not a JDBC table on PostgreSQL or MariaDB; unknown figures say why.
     */
    public Optional<OldSideUsage> oldSideUsage() {
        return shared.oldSide().usage(migration, state());
    }

    /**
     * What the gates of finishing say now (a preview; nothing changes): every live instance applies DROP_OLD, and
     * nothing read or wrote the old side since; empty before DROP_OLD.
     */
    public List<GateResult> finishingGates() {
        return shared.transitions().finishingGates(migration);
    }

    /** Whether this instance runs the migration's backfill (it was built with a backfill store). */
    public boolean hasBackfill() {
        return backfill != null;
    }

    /**
     * The migration's backfill.
     *
     * @throws DualWriteException if this instance was built without a backfill store
     */
    public Backfill<K, O, N> backfill() {
        if (backfill == null) {
            throw new DualWriteException("No backfill store is configured; build DualWrite with backfillStore(...)");
        }
        return backfill;
    }

    /** Whether this instance can verify (it was built with a verification store). */
    public boolean hasVerification() {
        return shared.verificationStore() != null;
    }

    /**
     * Runs a full verification to its end, recording divergent keys in the divergence ledger. It starts once every
     * live instance applies the current phase (earlier evidence counts for nothing), and runs one at a time in this
     * JVM: a second caller waits, then runs its own.
     *
     * @throws DualWriteException if this instance was built without a verification store
     */
    public VerificationProgress verify() {
        Verifier<K, O, N> verifier = verifier();
        shared.barrier().awaitEveryInstanceApplies(name());
        synchronized (verifying) {
            shared.oldSide().verificationStarts(name(), state());
            return verifier.verify(() -> true);
        }
    }

    /**
     * Cancels a running verification: it stops after its current chunk and counts as evidence for nothing; the next
     * verification starts from the first key.
     *
     * @return whether a verification was running
     */
    public boolean cancelVerification(String reason) {
        return verificationStore().cancel(name(), reason, shared.clock().instant());
    }

    /** The progress of the migration's latest full verification. */
    public VerificationProgress verification() {
        return verifier().progress();
    }

    /** A verifier of the migration, to run with a stop condition or to read the divergences it reports. */
    public Verifier<K, O, N> verifier() {
        return new Verifier<>(
                migration,
                verificationStore(),
                shared.verifierOptions(),
                () -> shared.phases().current(name()),
                shared.clock(),
                ChunkChecksums.forMigration(migration, shared.verifierOptions()).orElse(null));
    }

    private VerificationStore verificationStore() {
        VerificationStore store = shared.verificationStore();
        if (store == null) {
            throw new DualWriteException(
                    "No verification store is configured; build DualWrite with verificationStore(...)");
        }
        return store;
    }

    /** Repairs up to {@code limit} keys of each of the migration's divergence ledgers (see {@link Repairer}). */
    public RepairReport repair(int limit) {
        return repairer.repair(limit);
    }

    /** How many keys of the migration wait in its divergence ledgers. */
    public long ledgerSize() {
        return repairer.ledgerSize();
    }

    /** The repairer: its passes, and the totals of every pass since this instance started. */
    public Repairer<K, O, N> repairer() {
        return repairer;
    }

    /**
     * The shadow reads: counts per result, latencies, and recent mismatches of key reads, and those of each routed
     * query ({@link ShadowReader#queries()}).
     */
    public ShadowReader<K, O, N> shadowReads() {
        return shadowReads;
    }

    /**
     * The circuit breakers guarding writes to each side when the sides live in two databases; empty without
     * {@link DualWriteBuilder#circuitBreakers} or in one database.
     */
    public Map<Side, CircuitBreaker> circuitBreakers() {
        return breakers;
    }

    /**
     * The instances that reported on the migration within the instance timeout, with the phase each applies; empty
     * without an instance registry.
     */
    public List<InstanceState> liveInstances() {
        return shared.barrier().liveInstances(name());
    }

    /** Whether the autopilot is enabled for the migration. */
    public boolean autopilotEnabled() {
        Autopilot autopilot = shared.autopilot().get();
        return autopilot != null && autopilot.drives(name());
    }

    /**
     * Whether the autopilot drives the migration now: enabled for it, and not stopped by a rollback of its own (an
     * operator's move re-arms it).
     */
    public boolean autopilotActive() {
        Autopilot autopilot = shared.autopilot().get();
        return autopilot != null && autopilot.drives(name()) && !autopilot.halted(name());
    }

    /** Up to {@code limit} entries of the migration's audit trail, newest first. */
    public List<AuditEntry> auditTrail(int limit) {
        return shared.store().auditTrail(name(), limit);
    }

    /** Whether every live instance applies the current phase version (always, without an instance registry). */
    boolean barrierPasses() {
        return shared.barrier().passes(name());
    }

    /** Audits a move that was decided against (by the autopilot), with its reason; changes nothing. */
    void refuse(MigrationPhase target, TransitionRequest request, List<GateResult> evidence) {
        shared.transitions().refuse(name(), target, request, evidence);
    }

    @Override
    public String toString() {
        return "ManagedMigration[" + name() + "]";
    }
}
