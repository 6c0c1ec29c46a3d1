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
     * The built-in codec for {@link Long}, {@link Integer}, {@link String} and {@link UUID} keys.
     *
     * @throws IllegalArgumentException for any other type: declare a codec for it
     */
    @SuppressWarnings("unchecked")
    static <K> KeyCodec<K> forType(Class<K> type) {
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
                + "; built-in are Long, Integer, String and UUID: declare one with keyCodec(...)");
    }
}
