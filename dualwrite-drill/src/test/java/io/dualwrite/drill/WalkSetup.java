package io.dualwrite.drill;

import io.dualwrite.core.jdbc.RowMapper;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.testsupport.TestDatabase;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What one subclass of {@link AbstractPhaseWalkTest} walks on: its databases, its tables' prefix and key type, and
 * how many walks {@code mvn verify} runs.
 *
 * @param key the key columns on both sides, their SQL types (with collations, if any) and how a key fills them
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
        WalkKey<K> key,
        IntFunction<K> keys,
        int walks,
        @Nullable MigrationPhase autopilotUpTo) {

    /** Long keys, 34 walks. */
    static WalkSetup<Long> longs(Supplier<TestDatabase> old, Supplier<TestDatabase> fresh, String prefix) {
        return new WalkSetup<>(
                old,
                fresh,
                old != fresh,
                prefix,
                Long.class,
                WalkKey.single("BIGINT", Long.class),
                i -> (long) i,
                34,
                null);
    }

    /** The same walks with the leader's autopilot driving the migration too, up to {@code finalPhase}, 10 walks. */
    WalkSetup<K> withAutopilotUpTo(MigrationPhase finalPhase) {
        return new WalkSetup<>(oldDatabase, newDatabase, twoDatabases, prefix, keyType, key, keys, 10, finalPhase);
    }

    /** String keys that Java orders otherwise than the database (see {@link WalkKeys#mixed}), 10 walks. */
    static WalkSetup<String> strings(Supplier<TestDatabase> database, String prefix, String columnType) {
        return new WalkSetup<>(
                database,
                database,
                false,
                prefix,
                String.class,
                WalkKey.single(columnType, String.class),
                WalkKeys::mixed,
                10,
                null);
    }

    /** UUID keys (see {@link WalkKeys#uuid}), 10 walks. */
    static WalkSetup<java.util.UUID> uuids(Supplier<TestDatabase> old, Supplier<TestDatabase> fresh, String prefix) {
        return new WalkSetup<>(
                old,
                fresh,
                old != fresh,
                prefix,
                java.util.UUID.class,
                WalkKey.single("UUID", java.util.UUID.class),
                WalkKeys::uuid,
                10,
                null);
    }

    /**
     * Composite keys {@code (tenant, seq)} (see {@link WalkKeys#tenantKey}), the tenant a string column of type
     * {@code tenantType} that orders tenants otherwise than Java, 10 walks.
     */
    static WalkSetup<WalkKeys.TenantKey> tenantKeys(
            Supplier<TestDatabase> old, Supplier<TestDatabase> fresh, String prefix, String tenantType) {
        return new WalkSetup<>(
                old,
                fresh,
                old != fresh,
                prefix,
                WalkKeys.TenantKey.class,
                WalkKey.tenants(tenantType),
                WalkKeys::tenantKey,
                10,
                null);
    }

    /**
     * The key columns of a walk's tables: their names and SQL types, and each key's values for them, in order.
     *
     * @param composite whether the stores declare the key with {@code compositeKey} (a record's components)
     */
    record WalkKey<K>(
            List<String> columns,
            List<String> types,
            Function<K, List<?>> values,
            RowMapper<K> reader,
            boolean composite) {

        /** One column {@code id} of the type. */
        static <K> WalkKey<K> single(String type, Class<K> keyType) {
            return new WalkKey<>(List.of("id"), List.of(type), List::of, rs -> rs.getObject("id", keyType), false);
        }

        /** {@code (tenant, seq)}, the tenant of {@code tenantType}, seq a BIGINT. */
        static WalkKey<WalkKeys.TenantKey> tenants(String tenantType) {
            return new WalkKey<>(
                    List.of("tenant", "seq"),
                    List.of(tenantType, "BIGINT"),
                    key -> List.of(key.tenant(), key.seq()),
                    rs -> new WalkKeys.TenantKey(rs.getString("tenant"), rs.getLong("seq")),
                    true);
        }

        /** The key's values as text, joined by '/': how the walks name a key in their model and in plain SQL. */
        String text(K key) {
            return values.apply(key).stream().map(String::valueOf).collect(Collectors.joining("/"));
        }

        /** {@code tenant = ? AND seq = ?}. */
        String equalTo() {
            return columns.stream().map(c -> c + " = ?").collect(Collectors.joining(" AND "));
        }
    }
}
