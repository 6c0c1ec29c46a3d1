package io.dualwrite.core;

import io.dualwrite.core.model.StoreException;
import io.dualwrite.core.store.MigrationStore;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** A store whose reads a test can make fail or hang; everything else passes through. */
public final class FaultyStore<K, V> extends ForwardingStore<K, V> {

    /** What reads do. */
    public enum Mode {
        NORMAL,
        THROW,
        HANG
    }

    private volatile Mode mode = Mode.NORMAL;

    public FaultyStore(MigrationStore<K, V> delegate) {
        super(delegate);
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    private void fault() {
        if (mode == Mode.THROW) {
            throw new StoreException("injected read failure", null);
        }
        if (mode == Mode.HANG) {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public Optional<V> read(K key) {
        fault();
        return super.read(key);
    }

    @Override
    public Map<K, V> readAll(Collection<K> keys) {
        fault();
        return super.readAll(keys);
    }
}
