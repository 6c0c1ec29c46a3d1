package io.dualwrite.drill;

import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.testsupport.TestDatabase;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What one subclass of {@link AbstractPhaseWalkTest} walks on: its databases, its tables' prefix and key type, and
 * how many walks {@code mvn verify} runs.
 *
 * @param keyColumnType the SQL type of the key column on both sides (with its collation, if any)
 * @param keys the key of each index (1 and up), distinct for every index under any collation
 * @param autopilotUpTo the last phase the leader's autopilot drives the migration to, racing the walk's own moves;
 *     null for no autopilot
 */
record WalkSetup<K>(
        Supplier<TestDatabase> oldDatabase,
        Supplier<TestDatabase> newDatabase,
        boolean twoDatabases,
        String prefix,
        Class<K> keyType,
        String keyColumnType,
        IntFunction<K> keys,
        int walks,
        @Nullable MigrationPhase autopilotUpTo) {

    /** Long keys, 34 walks. */
    static WalkSetup<Long> longs(Supplier<TestDatabase> old, Supplier<TestDatabase> fresh, String prefix) {
        return new WalkSetup<>(old, fresh, old != fresh, prefix, Long.class, "BIGINT", i -> (long) i, 34, null);
    }

    /** The same walks with the leader's autopilot driving the migration too, up to {@code finalPhase}, 10 walks. */
    WalkSetup<K> withAutopilotUpTo(MigrationPhase finalPhase) {
        return new WalkSetup<>(
                oldDatabase, newDatabase, twoDatabases, prefix, keyType, keyColumnType, keys, 10, finalPhase);
    }

    /** String keys that Java orders otherwise than the database (see {@link WalkKeys#mixed}), 10 walks. */
    static WalkSetup<String> strings(Supplier<TestDatabase> database, String prefix, String columnType) {
        return new WalkSetup<>(database, database, false, prefix, String.class, columnType, WalkKeys::mixed, 10, null);
    }

    /** UUID keys (see {@link WalkKeys#uuid}), 10 walks. */
    static WalkSetup<java.util.UUID> uuids(Supplier<TestDatabase> old, Supplier<TestDatabase> fresh, String prefix) {
        return new WalkSetup<>(
                old, fresh, old != fresh, prefix, java.util.UUID.class, "UUID", WalkKeys::uuid, 10, null);
    }
}
