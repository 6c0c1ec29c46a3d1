package io.dualwrite.core.verify;

import io.dualwrite.core.model.Side;
import io.dualwrite.core.store.KeyCodec;
import org.jspecify.annotations.Nullable;

/**
 * Where a verification stands: the side it walks (OLD first, then NEW for keys only NEW has), the last key walked
 * on it, and, while walking OLD, whether NEW's keys up to that key were compared too (chunks checked by checksums
 * cover both sides of their key range), so that the walk of NEW may start there.
 *
 * <p>Stored as the checkpoint text: the encoded key for a walk of OLD (as before there were two walks), a key that
 * starts with {@code ~} escaped as {@code ~old:<key>}; {@code ~old+new:<key>} when NEW is covered up to the key;
 * {@code ~new} or {@code ~new:<key>} for the walk of NEW.
 */
record WalkPosition<K>(Side side, @Nullable K after, boolean newCovered) {

    private static final String OLD = "~old:";
    private static final String OLD_AND_NEW = "~old+new:";
    private static final String NEW_START = "~new";
    private static final String NEW = "~new:";

    /** The start of a verification: the walk of OLD from its first key. */
    static <K> WalkPosition<K> start() {
        return new WalkPosition<>(Side.OLD, null, true);
    }

    /** The walk of NEW, after {@code after} (from its first key when null). */
    static <K> WalkPosition<K> newSide(@Nullable K after) {
        return new WalkPosition<>(Side.NEW, after, false);
    }

    /** The position of a checkpoint text; null is the start. */
    static <K> WalkPosition<K> decode(@Nullable String text, KeyCodec<K> codec) {
        if (text == null) {
            return start();
        }
        if (text.equals(NEW_START)) {
            return newSide(null);
        }
        if (text.startsWith(NEW)) {
            return newSide(codec.decode(text.substring(NEW.length())));
        }
        if (text.startsWith(OLD_AND_NEW)) {
            return new WalkPosition<>(Side.OLD, codec.decode(text.substring(OLD_AND_NEW.length())), true);
        }
        if (text.startsWith(OLD)) {
            return new WalkPosition<>(Side.OLD, codec.decode(text.substring(OLD.length())), false);
        }
        return new WalkPosition<>(Side.OLD, codec.decode(text), false);
    }

    /** The checkpoint text. The start has none: a verification that walked nothing has no checkpoint. */
    String encode(KeyCodec<K> codec) {
        if (side == Side.NEW) {
            return after == null ? NEW_START : NEW + codec.encode(after);
        }
        if (after == null) {
            throw new IllegalStateException("the start of a verification has no checkpoint");
        }
        String key = codec.encode(after);
        if (newCovered) {
            return OLD_AND_NEW + key;
        }
        return key.startsWith("~") ? OLD + key : key;
    }

    /** For messages: {@code 21 (walk of OLD)}. */
    @Override
    public String toString() {
        return (after == null ? "none" : after.toString()) + " (walk of " + side
                + (side == Side.OLD && newCovered ? ", NEW covered" : "") + ")";
    }
}
