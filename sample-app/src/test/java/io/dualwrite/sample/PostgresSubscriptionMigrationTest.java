package io.dualwrite.sample;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The subscription migration under traffic on PostgreSQL, the sample's {@code postgres} profile's database: starts
 * from OLD_ONLY and empty tables, whatever an earlier run left.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Closed after the class: a cached context would stay a live instance of the shared database's migrations.
@DirtiesContext
class PostgresSubscriptionMigrationTest extends AbstractSubscriptionMigrationTest {

    /**
     * Without a database the class is skipped here, before the context is built: an abort thrown while Spring reads
     * the dynamic properties would reach JUnit as a context failure, an error.
     */
    @BeforeAll
    static void requireDatabase() {
        TestDatabases.postgres();
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        TestDatabase database = TestDatabases.postgres();
        JdbcTemplate jdbc = new JdbcTemplate(database.dataSource());
        for (String table : new String[] {"customer_name", "subscription", "customer"}) {
            jdbc.execute("DROP TABLE IF EXISTS " + table);
        }
        io.dualwrite.testsupport.DualWriteTables.forget(database.dataSource(), "subscriptions", "customer-name-split");
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", database::user);
        registry.add("spring.datasource.password", database::password);
    }
}
