package io.dualwrite.core.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One representation of a migrated entity: the OLD or the NEW side of a migration.
 *
 * <p>Every operation joins the transaction that {@link #transactions()} has open on the calling thread, if any.
 * Two stores whose {@code transactions()} are equal live in one database and are written in one transaction.
 *
 * <p>Keys are ordered by the database, never by Java: {@link #scan} walks them in the store's own key order (its
 * index), and {@link #readAll} finds them by the database's equality. dualwrite never compares two keys with
 * {@code compareTo}, so a collation that orders strings otherwise than Java, or a UUID type compared by unsigned
 * bytes, is walked correctly.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface MigrationStore<K, V> {

    /** The key of a value. */
    K keyOf(V value);

    /** The value stored under a key, if any. */
    Optional<V> read(K key);

    /**
     * The values stored under the given keys, each under the key it was asked for, as {@link #read} finds them one
     * by one: where the database's equality is coarser than Java's {@code equals} (a case-insensitive collation
     * finds the row {@code 'A'} for {@code 'a'}), the value found is returned under the key asked for, whatever key
     * it holds. Keys without a value are absent from the map. Implementations look keys up by equality in batches
     * ({@code WHERE key IN (...)}), never by a range, so that the answer does not depend on any order of keys.
     */
    default Map<K, V> readAll(Collection<K> keys) {
        Map<K, V> found = new HashMap<>();
        for (K key : keys) {
            read(key).ifPresent(value -> found.put(key, value));
        }
        return found;
    }

    /**
     * The value under a key, holding a shared lock on it until the transaction open on this thread ends, so that no
     * live write can change or delete it meanwhile. Must be called inside {@code transactions().inTransaction(...)}.
     */
    Optional<V> readLocked(K key);

    /** Inserts the value, or replaces the one stored under its key. */
    void upsert(V value);

    /**
     * Inserts each value whose key is absent and leaves present keys untouched: the backfill's write, which must
     * never overwrite a value that a live write produced. Implementations write the batch without a round trip per
     * value where the database allows it.
     */
    void insertAbsent(List<V> values);

    /** Deletes the value stored under a key; deleting an absent key does nothing. */
    void delete(K key);

    /**
     * Up to {@code limit} values in ascending key order, the database's order of this store's key column, with keys
     * above {@code afterExclusive} (from the first key when null) and at most {@code upToInclusive} (to the last when
     * null).
     */
    List<V> scan(@Nullable K afterExclusive, @Nullable K upToInclusive, int limit);

    /**
     * As {@link #scan}, holding shared locks on the values returned until the transaction open on this thread ends,
     * so that no live write can change or delete them meanwhile: the backfill's read. Must be called inside
     * {@code transactions().inTransaction(...)}.
     */
    List<V> scanLocked(@Nullable K afterExclusive, @Nullable K upToInclusive, int limit);

    /** The greatest key stored, if any. */
    Optional<K> maxKey();

    /**
     * The key {@code offset} places after {@code afterExclusive} in this store's key order (0: the first key after
     * it), no greater than {@code upToInclusive} when given; empty when fewer keys remain. Splitting a walk into
     * partitions asks it. This default scans the values in between; stores that can ask their database for one key
     * (the JDBC store) do.
     */
    default Optional<K> keyAfter(@Nullable K afterExclusive, @Nullable K upToInclusive, int offset) {
        List<V> values = scan(afterExclusive, upToInclusive, offset + 1);
        return values.size() > offset ? Optional.of(keyOf(values.get(offset))) : Optional.empty();
    }

    /** About how many values are stored: an estimate where the database keeps one, else an exact count. */
    long estimateSize();

    /** The transactions of the database this store lives in. */
    Transactions transactions();

    /** A short description for messages and logs, such as the table name. */
    String description();

    /**
     * The class of the values, if the store knows it: a {@link io.dualwrite.core.definition.Migration} checks with it, when it
     * is built, that its equivalence can compare the NEW values.
     */
    default Optional<Class<V>> valueType() {
        return Optional.empty();
    }

    /**
     * Inserts or replaces each value, as {@link #upsert} does, in the transaction open on this thread; stores that can
     * send them as one statement batch override this.
     */
    default void upsertAll(List<V> values) {
        for (V value : values) {
            upsert(value);
        }
    }

    /**
     * Deletes the value under each key, as {@link #delete} does, in the transaction open on this thread; stores that
     * can send them as one statement batch override this.
     */
    default void deleteAll(Collection<K> keys) {
        for (K key : keys) {
            delete(key);
        }
    }

    /**
     * The columns this store writes, in order, when it is a table in a SQL database (a SQL mapping must give an
     * expression for each); empty for other stores.
     */
    default Optional<List<String>> columnNames() {
        return Optional.empty();
    }

    /**
     * Whether this store's values are part of rows the application keeps: besides the columns the migration moves,
     * the value carries other columns of the same row (a customer's email beside the name being split) that the
     * application writes through the migration in every phase, DROP_OLD and after included. Such a store shares
     * its rows: {@link #upsert}, {@link #insertAbsent} and {@link #delete} touch the migrated columns only (a delete
     * clears them), and the row itself belongs to the application ({@link #upsertKept}, {@link #deleteRow}).
     */
    default boolean keepsColumns() {
        return false;
    }

    /**
     * Writes the kept columns of each value (see {@link #keepsColumns()}), inserting the row where it is absent,
     * and never the migrated ones, in the transaction open on this thread.
     *
     * @throws UnsupportedOperationException if this store keeps no columns
     */
    default void upsertKept(List<V> values) {
        throw new UnsupportedOperationException(description() + " keeps no columns");
    }

    /**
     * Deletes the rows of the keys whole, kept columns included: the application's delete of a store that keeps
     * columns (see {@link #keepsColumns()}); for other stores the same as {@link #deleteAll}.
     */
    default void deleteRows(Collection<K> keys) {
        deleteAll(keys);
    }

    /**
     * Deletes the value under each key that no other transaction holds locked, passing over (never waiting for) the
     * keys another one does, in the transaction open on this thread: a delete of both sides in one database deletes
     * each side again after the other (see {@code DualRepository#deleteAll}). Stores that cannot pass over locked rows
     * delete nothing here (waiting would let two writes of one phase deadlock), which leaves the race it closes open.
     *
     * @return the keys whose value it deleted
     */
    default List<K> deleteUnlessLocked(Collection<K> keys) {
        return List.of();
    }
}
