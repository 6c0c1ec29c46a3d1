package io.dualwrite.spring.boot.jpa.contract;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class H2IdClassJpaStoreContractTest extends AbstractIdClassJpaStoreContractTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.h2();
    }
}
