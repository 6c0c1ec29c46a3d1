package io.dualwrite.spring.boot.jpa.contract;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class H2EmbeddedIdJpaStoreContractTest extends AbstractEmbeddedIdJpaStoreContractTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.h2();
    }
}
