package io.dualwrite.contract.jdbc;

import io.dualwrite.contract.AbstractDivergenceLedgerContractTest;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcDivergenceLedger;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.core.store.Transactions;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbJdbcDivergenceLedgerContractTest extends AbstractDivergenceLedgerContractTest {

    private JdbcTransactions transactions;

    @Override
    protected DivergenceLedger createLedger() {
        TestDatabase database = TestDatabases.mariadb();
        DualWriteSchema.create(database.dataSource());
        transactions = JdbcTransactions.of(database.dataSource());
        return new JdbcDivergenceLedger(transactions);
    }

    @Override
    protected Transactions transactions() {
        return transactions;
    }
}
