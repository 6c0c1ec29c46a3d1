package io.dualwrite.sample;

import org.springframework.boot.test.context.SpringBootTest;

/** Customers created with a generated id, on an embedded H2 database of the class's own. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:generated-customer-id;DB_CLOSE_DELAY=-1",
            "dualwrite.gates.read-new-soak=0s"
        })
class H2GeneratedCustomerIdTest extends AbstractGeneratedCustomerIdTest {}
