package io.dualwrite.core.backfill;

class InMemoryBackfillStoreTest extends AbstractBackfillStoreContractTest {

    @Override
    protected BackfillStore createStore() {
        return new InMemoryBackfillStore();
    }
}
