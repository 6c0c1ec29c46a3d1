package io.dualwrite.drill;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Keys for the phase walks that Java orders otherwise than the databases do. */
final class WalkKeys {

    private static final String[] STARTS = {"a", "B", "é", "Z", "ü", "É", "b", "A"};

    private WalkKeys() {}

    /**
     * Mixed case, accents and, for every third key, a trailing space; the number keeps every key distinct under any
     * collation (case-, accent- and trailing-space-insensitive ones included).
     */
    static String mixed(int i) {
        return STARTS[i % STARTS.length] + "-" + i + (i % 3 == 0 ? " " : "");
    }

    /** A composite key: a tenant and a sequence number within it. */
    record TenantKey(String tenant, long seq) {}

    /** Tenants that sort otherwise in Java than under ICU or MariaDB's collations, distinct under any of them. */
    private static final String[] TENANTS = {"a", "B", "é", "Z", "ü"};

    /**
     * The key of index {@code i}: tenant {@code i mod 5}, seq {@code i / 5}, so that tenants repeat over several
     * seqs and seqs over several tenants (a range compares both columns).
     */
    static TenantKey tenantKey(int i) {
        return new TenantKey(TENANTS[i % TENANTS.length], i / TENANTS.length);
    }

    /** An RFC 4122 (version 3) UUID per index, spread over the whole range, so that signed and unsigned orders differ. */
    static UUID uuid(int i) {
        return UUID.nameUUIDFromBytes(("walk-key-" + i).getBytes(StandardCharsets.UTF_8));
    }
}
