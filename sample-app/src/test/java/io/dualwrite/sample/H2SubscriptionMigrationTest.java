package io.dualwrite.sample;

import org.springframework.boot.test.context.SpringBootTest;

/** The subscription migration under traffic on the sample's embedded H2 database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class H2SubscriptionMigrationTest extends AbstractSubscriptionMigrationTest {}
