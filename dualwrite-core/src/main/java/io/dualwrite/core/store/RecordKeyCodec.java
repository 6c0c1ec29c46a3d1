package io.dualwrite.core.store;

import io.dualwrite.core.internal.RecordKeys;
import java.util.ArrayList;
import java.util.List;

/** The built-in {@link KeyCodec} of a record key (see {@link KeyCodec#forType}). */
final class RecordKeyCodec<K> implements KeyCodec<K> {

    private final Class<K> type;
    private final RecordKeys<K> record;
    private final List<KeyCodec<Object>> components;

    private RecordKeyCodec(Class<K> type, RecordKeys<K> record, List<KeyCodec<Object>> components) {
        this.type = type;
        this.record = record;
        this.components = components;
    }

    @SuppressWarnings("unchecked")
    static <K> KeyCodec<K> of(Class<K> type) {
        RecordKeys<K> record;
        try {
            record = RecordKeys.of(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "No built-in key codec for " + type.getName() + ": " + e.getMessage()
                            + "; declare one with keyCodec(...)",
                    e);
        }
        List<KeyCodec<Object>> codecs = new ArrayList<>();
        for (Class<?> component : record.componentTypes()) {
            codecs.add((KeyCodec<Object>) KeyCodec.forType(component));
        }
        return new RecordKeyCodec<>(type, record, List.copyOf(codecs));
    }

    @Override
    public String encode(K key) {
        Object[] values = record.values(key);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            String part = components.get(i).encode(values[i]);
            for (int c = 0; c < part.length(); c++) {
                char ch = part.charAt(c);
                if (ch == '\\' || ch == ',') {
                    text.append('\\');
                }
                text.append(ch);
            }
        }
        return text.toString();
    }

    @Override
    public K decode(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int c = 0; c < text.length(); c++) {
            char ch = text.charAt(c);
            if (ch == '\\' && c + 1 < text.length()) {
                part.append(text.charAt(++c));
            } else if (ch == ',') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(ch);
            }
        }
        parts.add(part.toString());
        if (parts.size() != components.size()) {
            throw new IllegalArgumentException("'" + text + "' is not a " + type.getSimpleName() + " key: "
                    + parts.size() + " parts, but the record has " + components.size() + " components");
        }
        Object[] values = new Object[parts.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = components.get(i).decode(parts.get(i));
        }
        return record.create(values);
    }
}
