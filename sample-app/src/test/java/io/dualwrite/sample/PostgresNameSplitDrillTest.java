package io.dualwrite.sample;

import io.dualwrite.testsupport.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The drill of the name split on PostgreSQL, the database of the sample's {@code postgres} profile, in a schema of its
 * own (the drill deletes every row of the stores' tables).
 */
// Closed after the class: a cached context would stay a live instance of the schema's migrations.
@DirtiesContext
class PostgresNameSplitDrillTest extends NameSplitDrillTest {

    /** Without a database the class is skipped here, before the context is built (see PostgresSubscriptionMigrationTest). */
    @BeforeAll
    static void requireDatabase() {
        TestDatabases.postgres();
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresSchema.postgres(registry, "sample_name_split_drill");
    }
}
