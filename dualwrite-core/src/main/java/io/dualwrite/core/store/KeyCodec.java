package io.dualwrite.core.store;

import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * Turns keys into text and back, so that they can be stored in dualwrite's own tables (the divergence ledger, the
 * backfill checkpoint) whatever their type.
 *
 * @param <K> the key type
 */
public interface KeyCodec<K> {

    String encode(K key);

    K decode(String text);

    /** A codec from two functions. */
    static <K> KeyCodec<K> of(Function<K, String> encoder, Function<String, K> decoder) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        return new KeyCodec<>() {
            @Override
            public String encode(K key) {
                return encoder.apply(key);
            }

            @Override
            public K decode(String text) {
                return decoder.apply(text);
            }
        };
    }

    /**
     * The built-in codec for {@link Long}, {@link Integer}, {@link String} and {@link UUID} keys, and for records
     * whose components are all of those types (composite keys such as {@code record OrderKey(String tenant, long
     * orderNo)}): their components' texts in declaration order, joined by {@code ','}, each with {@code '\'} and
     * {@code ','} escaped by a {@code '\'}, so that every key has one text and every text one key.
     *
     * <p>dualwrite orders keys by their text only to take locks in one order every instance agrees on; the
     * database's order of keys is never derived from it.
     *
     * @throws IllegalArgumentException for any other type: declare a codec for it
     */
    @SuppressWarnings("unchecked")
    static <K> KeyCodec<K> forType(Class<K> type) {
        if (type.isRecord()) {
            return RecordKeyCodec.of(type);
        }
        if (type == Long.class) {
            return (KeyCodec<K>) of(String::valueOf, Long::valueOf);
        }
        if (type == Integer.class) {
            return (KeyCodec<K>) of(String::valueOf, Integer::valueOf);
        }
        if (type == String.class) {
            return (KeyCodec<K>) of(Function.identity(), Function.identity());
        }
        if (type == UUID.class) {
            return (KeyCodec<K>) of(UUID::toString, UUID::fromString);
        }
        throw new IllegalArgumentException("No built-in key codec for " + type.getName()
                + "; built-in are Long, Integer, String, UUID and records of those: declare one with keyCodec(...)");
    }
}
