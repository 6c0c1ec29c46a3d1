package io.dualwrite.core;

import io.dualwrite.core.internal.DaemonThreads;
import io.dualwrite.core.internal.runtime.InFlightWrites;
import io.dualwrite.core.internal.runtime.PhaseCache;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.InstanceRegistry;
import io.dualwrite.core.phase.InstanceState;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's place among the application's instances: it reports, every heartbeat, the phase version it applies
 * to each migration (the oldest one a write under way was routed by), and it holds forward moves until every live
 * instance applies the current version ({@link DualWrite#BARRIER_GATE}). A move this instance made is audited as
 * COMPLETED once every live instance applies it; that entry is when fresh evidence may start.
 *
 * <p>Without an {@link InstanceRegistry} nothing is reported and the barrier always passes.
 */
final class InstanceBarrier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InstanceBarrier.class);

    private final @Nullable InstanceRegistry registry;
    private final String instanceId;
    private final List<String> migrations;
    private final PhaseCache phases;
    private final PhaseStore store;
    private final InFlightWrites inFlight;
    private final WriteFence fence;
    private final Duration heartbeatInterval;
    private final Duration instanceTimeout;
    private final Clock clock;
    /** The phase version of each migration known to be audited COMPLETED, so that it is looked up only once. */
    private final Map<String, Long> completedVersions = new ConcurrentHashMap<>();
    /** The phase version of each migration this instance moved it to: it audits that move's completion first. */
    private final Map<String, Long> movedHere = new ConcurrentHashMap<>();

    private @Nullable ScheduledExecutorService heartbeats;
    /** Told of each migration after every heartbeat, and of a phase version once this instance audits it COMPLETED. */
    private volatile Listener listener = new Listener() {};

    /** What else happens with the heartbeats (the old side's counts are reported with them). */
    interface Listener {
        /** After this instance reported on the migration. */
        default void reported(String name, PhaseState applied) {}

        /** After this instance audited the phase version as applied by every live instance. */
        default void completed(String name, PhaseState state) {}
    }

    void listener(Listener listener) {
        this.listener = listener;
    }

    InstanceBarrier(
            @Nullable InstanceRegistry registry,
            String instanceId,
            List<String> migrations,
            PhaseCache phases,
            PhaseStore store,
            InFlightWrites inFlight,
            WriteFence fence,
            Duration heartbeatInterval,
            Duration instanceTimeout,
            Clock clock) {
        this.registry = registry;
        this.instanceId = instanceId;
        this.migrations = List.copyOf(migrations);
        this.phases = phases;
        this.store = store;
        this.inFlight = inFlight;
        this.fence = fence;
        this.heartbeatInterval = heartbeatInterval;
        this.instanceTimeout = instanceTimeout;
        this.clock = clock;
    }

    /** Reports once now, then every heartbeat interval. */
    void start() {
        if (registry == null) {
            return;
        }
        heartbeat();
        heartbeats = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dualwrite-heartbeat-"));
        heartbeats.scheduleWithFixedDelay(
                this::heartbeat, heartbeatInterval.toMillis(), heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the application's instances are known (a registry is configured). */
    boolean knowsInstances() {
        return registry != null;
    }

    String instanceId() {
        return instanceId;
    }

    /** After a move this instance committed: report at once (the move is audited COMPLETED by a heartbeat). */
    void moved(PhaseState next) {
        movedHere.put(next.migration(), next.version());
        heartbeat();
    }

    /** Whether every live instance applies the migration's current phase version (always, without a registry). */
    boolean passes(String name) {
        return registry == null || gate(name).passed();
    }

    /** The instances that reported on a migration within the instance timeout; empty without a registry. */
    List<InstanceState> liveInstances(String name) {
        if (registry == null) {
            return List.of();
        }
        Instant now = clock.instant();
        return registry.instances(name).stream()
                .filter(i -> i.isLive(now, instanceTimeout))
                .toList();
    }

    /** The gate that holds every forward move until every live instance applies the current phase version. */
    GateResult gate(String name) {
        PhaseState current = phases.refresh(name);
        heartbeat(); // this instance's own report is current; the others' are at most one heartbeat old

        List<InstanceState> live = liveInstances(name);
        List<InstanceState> lagging =
                live.stream().filter(i -> i.version() != current.version()).toList();
        String applied = current.phase() + " (version " + current.version() + ")";
        if (lagging.isEmpty()) {
            return GateResult.pass(
                    DualWrite.BARRIER_GATE, live.size() + " of " + live.size() + " live instances apply " + applied);
        }
        return GateResult.fail(
                DualWrite.BARRIER_GATE,
                (live.size() - lagging.size()) + " of " + live.size() + " live instances apply " + applied
                        + "; waiting for "
                        + lagging.stream()
                                .map(i -> i.instanceId() + " (applies " + i.phase() + ", version " + i.version()
                                        + ", seen " + i.lastSeen() + ")")
                                .collect(Collectors.joining(", "))
                        + "; an instance silent for " + instanceTimeout + " is no longer waited for");
    }

    /** When every live instance applied the current phase (its COMPLETED audit entry), else when it was entered. */
    Instant enteredEverywhereAt(PhaseState current) {
        if (registry == null || current.version() == 0) {
            return current.changedAt(); // no registry, or no move yet: nothing to wait for
        }
        // Looked up by version: refused moves, audited too, may have pushed it far down the trail.
        return store.completed(current.migration(), current.version())
                .map(AuditEntry::occurredAt)
                .orElse(Instant.MAX);
    }

    /**
     * Waits, with a registry, until the current phase is recorded as applied by every live instance (its COMPLETED
     * audit entry), for at most the instance timeout and two heartbeats: evidence gathered earlier counts for
     * nothing (see {@link GateOptions}).
     */
    void awaitEveryInstanceApplies(String name) {
        if (registry == null) {
            return;
        }
        long deadline = System.nanoTime()
                + instanceTimeout.plus(heartbeatInterval.multipliedBy(2)).toNanos();
        while (enteredEverywhereAt(phases.refresh(name)).equals(Instant.MAX) && System.nanoTime() < deadline) {
            heartbeat();
            try {
                Thread.sleep(Math.max(10, heartbeatInterval.toMillis() / 4));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Reports the phase this instance applies to every migration; failures are logged and retried next beat. */
    synchronized void heartbeat() {
        if (registry == null) {
            return;
        }
        for (String name : migrations) {
            try {
                phases.current(name); // refreshes when due, outside the in-flight lock: it may wait on the store
                PhaseState[] current = new PhaseState[1];
                long applied = inFlight.appliedVersion(name, () -> current[0] = phases.cached(name));
                // A write routed by an older phase may still commit: report that phase until it ends.
                MigrationPhase phase = applied == current[0].version() ? current[0].phase() : olderPhase(name, applied);
                Instant reportedAt = clock.instant();
                registry.heartbeat(new InstanceState(instanceId, name, phase, applied, reportedAt));
                // Reported: the others wait for this instance (and its older-phase writes) at the barrier.
                fence.confirmed(name, reportedAt);
                listener.reported(name, current[0]);
            } catch (RuntimeException e) {
                log.warn("Heartbeat of instance {} for migration '{}' failed: {}", instanceId, name, e.toString());
            }
        }
        for (String name : migrations) {
            recordIfComplete(name);
        }
    }

    /**
     * Audits the current phase version as COMPLETED once every live instance applies it, unless it is audited
     * already: the instance that made the move, or any other once an instance timeout has passed since the move, so
     * that the entry is written even when the mover stopped before the others applied it (two instances may then
     * both write it; the first one counts). Forgotten
     * only once written: a failed write is tried again next beat, or no verification started after it would count.
     */
    private void recordIfComplete(String name) {
        try {
            PhaseState current = phases.cached(name);
            long version = current.version();
            if (version == 0 || Long.valueOf(version).equals(completedVersions.get(name))) {
                return; // no move yet, or known to be audited
            }
            if (store.completed(name, version).isPresent()) {
                completedVersions.put(name, version);
                return;
            }
            // The instance that made the move writes the entry; another one only once the mover had an instance
            // timeout to do it (it may have stopped), so that the trail holds one entry, not one per instance.
            boolean mine = Long.valueOf(version).equals(movedHere.get(name));
            if (!mine && clock.instant().isBefore(current.changedAt().plus(instanceTimeout))) {
                return;
            }
            List<InstanceState> live = liveInstances(name);
            if (!live.isEmpty() && live.stream().allMatch(i -> i.version() == version)) {
                store.audit(new AuditEntry(
                        name,
                        AuditEntry.Event.COMPLETED,
                        current.phase(),
                        current.phase(),
                        version,
                        DualWrite.SYSTEM_ACTOR,
                        "every live instance applies " + current.phase(),
                        List.of(GateResult.pass(
                                DualWrite.BARRIER_GATE,
                                live.size() + " of " + live.size() + " live instances apply " + current.phase()
                                        + " (version " + version + "): "
                                        + live.stream()
                                                .map(InstanceState::instanceId)
                                                .collect(Collectors.joining(", ")))),
                        clock.instant()));
                completedVersions.put(name, version);
                listener.completed(name, current);
            }
        } catch (RuntimeException e) {
            log.warn(
                    "Could not record whether the move of '{}' completed; trying again next heartbeat: {}",
                    name,
                    e.toString());
        }
    }

    /** The phase a migration had at an older version, from its audit trail. */
    private MigrationPhase olderPhase(String name, long version) {
        return store.auditTrail(name, 50).stream()
                .filter(e -> e.version() == version + 1 && e.event().movesPhase())
                .map(AuditEntry::from)
                .findFirst()
                .orElse(MigrationPhase.OLD_ONLY);
    }

    /** Stops reporting and leaves the registry (the others stop waiting for this instance at once). */
    @Override
    public void close() {
        if (heartbeats == null) {
            return;
        }
        heartbeats.shutdownNow();
        try {
            registry.leave(instanceId);
        } catch (RuntimeException e) {
            log.warn("Could not remove instance {} from the registry; it times out instead", instanceId, e);
        }
    }
}
