package io.dualwrite.core.store;

/**
 * Where a migration's new keys come from when the database generates them: the one source of ids in every phase,
 * whichever side is written or read, so that no two values, on either side, are ever given the same key while the
 * migration runs (docs/generated-keys.md). Declared with {@code Migration.Builder.keys(...)}, drawn with
 * {@code DualRepository.nextKey()} or {@code create(...)}.
 *
 * <p>An implementation must never hand out a key twice, to any caller on any instance, and must not depend on the
 * migration's phase. A key drawn and never written leaves a gap, which is harmless. The JDBC implementation is
 * {@code io.dualwrite.core.jdbc.KeySequence}, a database sequence.
 *
 * @param <K> the key type
 */
public interface KeySource<K> {

    /** A key never handed out before. */
    K nextKey();

    /** A short description for messages and logs, such as the sequence's name. */
    String description();
}
