package io.dualwrite.core;

import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.core.store.Transactions;
import java.util.List;
import java.util.Optional;

/** A store whose reads a test can make fail or hang; everything else passes through. */
public final class FaultyStore<K extends Comparable<? super K>, V> implements MigrationStore<K, V> {

    /** What reads do. */
    public enum Mode {
        NORMAL,
        THROW,
        HANG
    }

    private final MigrationStore<K, V> delegate;
    private volatile Mode mode = Mode.NORMAL;

    public FaultyStore(MigrationStore<K, V> delegate) {
        this.delegate = delegate;
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
    public K keyOf(V value) {
        return delegate.keyOf(value);
    }

    @Override
    public Optional<V> read(K key) {
        fault();
        return delegate.read(key);
    }

    @Override
    public Optional<V> readLocked(K key) {
        return delegate.readLocked(key);
    }

    @Override
    public void upsert(V value) {
        delegate.upsert(value);
    }

    @Override
    public void insertAbsent(List<V> values) {
        delegate.insertAbsent(values);
    }

    @Override
    public void delete(K key) {
        delegate.delete(key);
    }

    @Override
    public List<V> scan(K afterExclusive, K upToInclusive, int limit) {
        return delegate.scan(afterExclusive, upToInclusive, limit);
    }

    @Override
    public List<V> scanLocked(K afterExclusive, K upToInclusive, int limit) {
        return delegate.scanLocked(afterExclusive, upToInclusive, limit);
    }

    @Override
    public Optional<K> maxKey() {
        return delegate.maxKey();
    }

    @Override
    public long estimateSize() {
        return delegate.estimateSize();
    }

    @Override
    public Transactions transactions() {
        return delegate.transactions();
    }

    @Override
    public String description() {
        return delegate.description();
    }
}
