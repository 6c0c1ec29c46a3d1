package io.dualwrite.core.phase;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link InstanceRegistry} in memory, shared by the instances of one JVM: for tests and single-JVM use. */
public final class InMemoryInstanceRegistry implements InstanceRegistry {

    private final Map<String, InstanceState> states = new ConcurrentHashMap<>();

    @Override
    public void heartbeat(InstanceState state) {
        states.put(state.migration() + '\u0000' + state.instanceId(), state);
    }

    @Override
    public List<InstanceState> instances(String migration) {
        return states.values().stream()
                .filter(s -> s.migration().equals(migration))
                .sorted(Comparator.comparing(InstanceState::instanceId))
                .toList();
    }

    @Override
    public void leave(String instanceId) {
        states.values().removeIf(s -> s.instanceId().equals(instanceId));
    }
}
