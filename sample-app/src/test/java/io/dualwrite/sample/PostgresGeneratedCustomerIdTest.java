package io.dualwrite.sample;

import io.dualwrite.testsupport.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Customers created with a generated id on PostgreSQL, in a schema of the class's own. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "dualwrite.gates.read-new-soak=0s")
// Closed after the class: a cached context would stay a live instance of the schema's migrations.
@DirtiesContext
class PostgresGeneratedCustomerIdTest extends AbstractGeneratedCustomerIdTest {

    /** Without a database the class is skipped here, before the context is built. */
    @BeforeAll
    static void requireDatabase() {
        TestDatabases.postgres();
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresSchema.postgres(registry, "sample_generated_customer_id");
    }
}
