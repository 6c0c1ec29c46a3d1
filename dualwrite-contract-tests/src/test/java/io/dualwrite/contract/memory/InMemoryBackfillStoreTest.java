package io.dualwrite.contract.memory;

import io.dualwrite.contract.AbstractBackfillStoreContractTest;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.backfill.InMemoryBackfillStore;

class InMemoryBackfillStoreTest extends AbstractBackfillStoreContractTest {

    @Override
    protected BackfillStore createStore() {
        return new InMemoryBackfillStore();
    }
}
