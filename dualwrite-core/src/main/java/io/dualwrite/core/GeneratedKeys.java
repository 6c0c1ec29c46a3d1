package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.KeySequence;
import io.dualwrite.core.jdbc.KeySequenceCheck;
import io.dualwrite.core.jdbc.NewKeyGenerator;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.store.KeySource;
import io.dualwrite.core.store.MigrationStore;
import java.util.Optional;
import java.util.function.Function;

/**
 * Database-generated keys of one migration ({@link Migration.Builder#keys}): the draw behind
 * {@link DualRepository#nextKey()} and {@code create(...)}, the check when the migration is registered, and the
 * finishing step that hands id generation over to NEW (docs/generated-keys.md).
 *
 * <p>Every draw comes from the one declared source, whatever the phase: ids are independent of routing, so
 * instances that apply different phases for a while (the barrier lets them be one move apart) still never hand out
 * one id twice, and no rollback reuses one.
 */
final class GeneratedKeys {

    private GeneratedKeys() {}

    /** The migration's next key; refused when it declares no key source. */
    static <K> K draw(Migration<K, ?, ?> migration) {
        return source(migration).nextKey();
    }

    /**
     * Builds a value with a freshly drawn key and checks that it carries it; before anything is written, that no
     * side the phase writes holds the key already (a sequence that is not the only source of ids, or was restarted
     * too low, shows here instead of overwriting another value).
     */
    static <K, V> V build(
            Migration<K, ?, ?> migration,
            MigrationPhase phase,
            Function<? super K, ? extends V> valueWithKey,
            Function<V, K> keyOf) {
        K key = draw(migration);
        V value = valueWithKey.apply(key);
        if (value == null || !key.equals(keyOf.apply(value))) {
            throw new InvalidMigrationException("Migration '" + migration.name() + "': create(...) drew key "
                    + migration.keyCodec().encode(key) + ", but the value built with it "
                    + (value == null ? "is null" : "has key " + keyOf.apply(value))
                    + "; nothing was written. Build the value with the key given");
        }
        for (Side side : phase.writeOrder()) {
            if (migration.store(side).read(key).isPresent()) {
                throw new InvalidMigrationException("Migration '" + migration.name() + "': key "
                        + migration.keyCodec().encode(key) + " drawn from "
                        + source(migration).description()
                        + " is held already by the " + side + " side; nothing was written. The key source is not the"
                        + " only source of ids, or was restarted below them: restart it above every id and make it the"
                        + " default of OLD's key column (docs/generated-keys.md)");
            }
        }
        return value;
    }

    /** Refuses a key sequence that cannot be the one source of ids of both sides (see {@link KeySequenceCheck}). */
    static void check(Migration<?, ?, ?> migration) {
        Optional<? extends KeySource<?>> source = migration.keySource();
        if (source.isPresent() && source.get() instanceof KeySequence sequence) {
            KeySequenceCheck.check(migration.name(), sequence, migration.oldStore(), migration.newStore());
        }
    }

    /** The finishing step that gives NEW's key column a generator above every id, when keys are generated. */
    static Optional<String> finishingStep(Migration<?, ?, ?> migration) {
        Optional<? extends KeySource<?>> source = migration.keySource();
        if (source.isEmpty()) {
            return Optional.empty();
        }
        MigrationStore<?, ?> fresh = migration.newStore();
        String before = " Do it before the deploy without the migration bean, and before dropping the old table (a"
                + " column's own sequence is dropped with it).";
        if (!(source.get() instanceof KeySequence sequence) || !(fresh instanceof JdbcStore<?, ?> table)) {
            return Optional.of("Make NEW's key generator (" + fresh.description() + ") start above every id "
                    + source.get().description() + " handed out, by a gap wider than the ids one deploy creates."
                    + before);
        }
        try {
            if (NewKeyGenerator.drawsFromTheSequence(sequence, table)) {
                return Optional.of("NEW's key column " + table.table() + "." + table.keyColumn()
                        + " already defaults to "
                        + sequence.sequence() + ": keep that sequence when the old table is dropped (PostgreSQL: ALTER"
                        + " SEQUENCE " + sequence.sequence() + " OWNED BY " + table.table() + "."
                        + table.keyColumn()
                        + " first, where it belongs to the old column; an identity's sequence cannot"
                        + " be re-owned: give NEW a generator of its own with NewKeyGenerator.start instead).");
            }
            return Optional.of("Give NEW's key column " + table.table() + "." + table.keyColumn() + " a generator that"
                    + " starts above every id " + sequence.description() + " handed out: NewKeyGenerator.start(keys,"
                    + " newStore, NewKeyGenerator.DEFAULT_GAP) does it, or by hand: SELECT "
                    + sequence.nextValueExpression() + " + " + NewKeyGenerator.DEFAULT_GAP + " (call it :start), then"
                    + " on NEW: " + String.join("; ", NewKeyGenerator.statements(table, ":start")) + "." + before);
        } catch (RuntimeException e) {
            return Optional.of("Give NEW's key column " + table.table() + "." + table.keyColumn() + " a generator that"
                    + " starts above every id " + sequence.description() + " handed out"
                    + " (NewKeyGenerator.start(keys, newStore, NewKeyGenerator.DEFAULT_GAP); the catalog could not be"
                    + " read now: " + e.getMessage() + ")." + before);
        }
    }

    private static <K> KeySource<K> source(Migration<K, ?, ?> migration) {
        return migration
                .keySource()
                .orElseThrow(() -> new InvalidMigrationException("Migration '" + migration.name() + "' declares no"
                        + " key source; declare one with Migration.builder(...).keys(KeySequence.of(transactions,"
                        + " \"sequence\")) to draw generated ids"));
    }
}
