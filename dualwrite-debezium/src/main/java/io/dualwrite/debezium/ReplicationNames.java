package io.dualwrite.debezium;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The names of a migration's replication slot and publication: {@code dualwrite_<migration>_<hash>}, lower case,
 * letters, digits and underscores only (what PostgreSQL allows in a slot name), at most 63 characters; the hash of the
 * full migration name keeps two migrations whose names differ only in other characters apart.
 *
 * @param slot the logical replication slot (pgoutput)
 * @param publication the publication of the migration's OLD table
 */
public record ReplicationNames(String slot, String publication) {

    private static final int MAX = 63;

    /** The names dualwrite derives from the migration's name. */
    public static ReplicationNames forMigration(String migration) {
        if (migration == null || migration.isBlank()) {
            throw new IllegalArgumentException("The migration's name must not be blank, but was '" + migration + "'");
        }
        String hash = hash(migration);
        String readable = migration.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
        int room = MAX - "dualwrite_".length() - 1 - hash.length();
        if (readable.length() > room) {
            readable = readable.substring(0, room);
        }
        String name = "dualwrite_" + readable + "_" + hash;
        return new ReplicationNames(name, name);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
