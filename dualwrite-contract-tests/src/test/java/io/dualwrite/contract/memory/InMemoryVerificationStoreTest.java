package io.dualwrite.contract.memory;

import io.dualwrite.contract.AbstractVerificationStoreContractTest;
import io.dualwrite.core.verify.InMemoryVerificationStore;
import io.dualwrite.core.verify.VerificationStore;

class InMemoryVerificationStoreTest extends AbstractVerificationStoreContractTest {

    @Override
    protected VerificationStore createStore() {
        return new InMemoryVerificationStore();
    }
}
