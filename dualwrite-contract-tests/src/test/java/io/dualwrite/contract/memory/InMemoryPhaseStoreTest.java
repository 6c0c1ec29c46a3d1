package io.dualwrite.contract.memory;

import io.dualwrite.contract.AbstractPhaseStoreContractTest;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.phase.PhaseStore;

class InMemoryPhaseStoreTest extends AbstractPhaseStoreContractTest {

    @Override
    protected PhaseStore createStore() {
        return new InMemoryPhaseStore();
    }
}
