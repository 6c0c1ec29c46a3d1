package io.dualwrite.core.phase;

import io.dualwrite.core.model.ConcurrentTransitionException;
import io.dualwrite.core.model.MigrationPhase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the phase of every migration is kept, shared by every instance of the application, with its audit trail.
 *
 * <p>Implementations: {@link io.dualwrite.core.jdbc.JdbcPhaseStore} for production and
 * {@link InMemoryPhaseStore} for tests. Every instance reads through a {@link PhaseCache}.
 */
public interface PhaseStore {

    /**
     * Stores the migration at {@code initialPhase} unless it is stored already; returns the stored state either way.
     */
    PhaseState initialize(String migration, MigrationPhase initialPhase, String actor, Instant at);

    /** The stored state of a migration, if it was initialized. */
    Optional<PhaseState> find(String migration);

    /**
     * Moves the migration to {@code entry.to()} and appends the entry to the audit trail, atomically, provided the
     * stored version is still {@code expected.version()}.
     *
     * @return the new state, whose version is {@code expected.version() + 1}
     * @throws ConcurrentTransitionException if another transition committed first
     */
    PhaseState transition(PhaseState expected, AuditEntry entry);

    /** Appends an entry that changes no phase, such as a refused move. */
    void audit(AuditEntry entry);

    /** Up to {@code limit} audit entries of a migration, newest first. */
    List<AuditEntry> auditTrail(String migration, int limit);

    /** The latest re-sync of the old side after DROP_OLD -> READ_NEW, if one ever started. */
    Optional<Resync> findResync(String migration);

    /** Stores a re-sync, replacing the migration's previous one. */
    void saveResync(Resync resync);

    /**
     * The entry that finished the migration ({@link AuditEntry.Event#FINISHED}), if it is finished. The default
     * reads the whole audit trail; stores override it with a lookup.
     */
    default Optional<AuditEntry> finished(String migration) {
        return auditTrail(migration, Integer.MAX_VALUE).stream()
                .filter(e -> e.event() == AuditEntry.Event.FINISHED)
                .findFirst();
    }

    /**
     * The entry that recorded a phase version as applied by every live instance ({@link AuditEntry.Event#COMPLETED}),
     * if there is one, however many entries came after it (refused moves are audited too). The default reads the
     * whole audit trail; stores override it with a lookup.
     */
    default Optional<AuditEntry> completed(String migration, long version) {
        return auditTrail(migration, Integer.MAX_VALUE).stream()
                .filter(e -> e.event() == AuditEntry.Event.COMPLETED && e.version() == version)
                .findFirst();
    }
}
