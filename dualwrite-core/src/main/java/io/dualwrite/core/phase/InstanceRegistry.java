package io.dualwrite.core.phase;

import java.util.List;

/**
 * Where every running instance reports, per migration, the phase it applies (its heartbeat), so that a transition
 * can wait until all live instances applied the previous one. Shared by all instances, like the
 * {@link PhaseStore}.
 *
 * <p>Implementations: {@link io.dualwrite.core.jdbc.JdbcInstanceRegistry} and {@link InMemoryInstanceRegistry}.
 */
public interface InstanceRegistry {

    /** Records or replaces what an instance applies to a migration. */
    void heartbeat(InstanceState state);

    /** Every instance that ever reported on the migration and has not left, live or not, by id. */
    List<InstanceState> instances(String migration);

    /** Removes an instance that stops cleanly, so that nobody waits for it. */
    void leave(String instanceId);
}
