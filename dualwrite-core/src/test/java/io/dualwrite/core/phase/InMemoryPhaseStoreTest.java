package io.dualwrite.core.phase;

class InMemoryPhaseStoreTest extends AbstractPhaseStoreContractTest {

    @Override
    protected PhaseStore createStore() {
        return new InMemoryPhaseStore();
    }
}
