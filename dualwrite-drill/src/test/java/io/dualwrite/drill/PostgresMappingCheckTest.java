package io.dualwrite.drill;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresMappingCheckTest extends AbstractMappingCheckTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }

    @Override
    protected String firstNameSql() {
        return "split_part(full_name, ' ', 1)";
    }

    @Override
    protected String lastNameSql() {
        return "substr(full_name, strpos(full_name, ' ') + 1)";
    }

    @Override
    protected String secondWordSql() {
        return "split_part(full_name, ' ', 2)";
    }
}
