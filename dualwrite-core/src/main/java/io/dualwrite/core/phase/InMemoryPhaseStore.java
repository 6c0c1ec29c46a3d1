package io.dualwrite.core.phase;

import io.dualwrite.core.model.ConcurrentTransitionException;
import io.dualwrite.core.model.MigrationPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link PhaseStore} in this JVM's memory, for tests and single-instance experiments. Thread-safe. */
public final class InMemoryPhaseStore implements PhaseStore {

    private final Map<String, PhaseState> states = new HashMap<>();
    private final List<AuditEntry> audit = new ArrayList<>();
    private final Map<String, Resync> resyncs = new HashMap<>();

    @Override
    public synchronized PhaseState initialize(String migration, MigrationPhase initialPhase, String actor, Instant at) {
        return states.computeIfAbsent(migration, name -> new PhaseState(name, initialPhase, 0, at, actor));
    }

    @Override
    public synchronized Optional<PhaseState> find(String migration) {
        return Optional.ofNullable(states.get(migration));
    }

    @Override
    public synchronized PhaseState transition(PhaseState expected, AuditEntry entry) {
        PhaseState current = states.get(expected.migration());
        long actualVersion = current == null ? -1 : current.version();
        if (actualVersion != expected.version()) {
            throw new ConcurrentTransitionException(expected.migration(), expected.version(), actualVersion);
        }
        PhaseState next = new PhaseState(
                expected.migration(), entry.to(), expected.version() + 1, entry.occurredAt(), entry.actor());
        states.put(next.migration(), next);
        audit.add(entry);
        return next;
    }

    @Override
    public synchronized void audit(AuditEntry entry) {
        audit.add(entry);
    }

    @Override
    public synchronized List<AuditEntry> auditTrail(String migration, int limit) {
        List<AuditEntry> result = new ArrayList<>();
        for (int i = audit.size() - 1; i >= 0 && result.size() < limit; i--) {
            if (audit.get(i).migration().equals(migration)) {
                result.add(audit.get(i));
            }
        }
        return result;
    }

    @Override
    public synchronized Optional<Resync> findResync(String migration) {
        return Optional.ofNullable(resyncs.get(migration));
    }

    @Override
    public synchronized void saveResync(Resync resync) {
        resyncs.put(resync.migration(), resync);
    }
}
