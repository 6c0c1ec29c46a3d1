package io.dualwrite.core;

import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.core.store.Transactions;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A store passing every call to another, for tests that change one operation. */
class ForwardingStore<K, V> implements MigrationStore<K, V> {

    private final MigrationStore<K, V> delegate;

    ForwardingStore(MigrationStore<K, V> delegate) {
        this.delegate = delegate;
    }

    @Override
    public K keyOf(V value) {
        return delegate.keyOf(value);
    }

    @Override
    public Optional<V> read(K key) {
        return delegate.read(key);
    }

    @Override
    public Map<K, V> readAll(Collection<K> keys) {
        return delegate.readAll(keys);
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
    public List<K> deleteUnlessLocked(Collection<K> keys) {
        return delegate.deleteUnlessLocked(keys);
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

    @Override
    public Optional<Class<V>> valueType() {
        return delegate.valueType();
    }
}
