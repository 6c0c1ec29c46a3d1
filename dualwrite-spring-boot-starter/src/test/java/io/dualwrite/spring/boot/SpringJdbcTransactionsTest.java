package io.dualwrite.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The Spring-joined transactions' after-commit actions, inside an application's own transaction. */
class SpringJdbcTransactionsTest {

    @Test
    void everyActionRunsAfterTheApplicationsCommitEvenWhenAnEarlierOneThrows() {
        TestDatabase database = TestDatabases.postgres();
        JdbcTransactionManager manager = new JdbcTransactionManager(database.dataSource());
        SpringJdbcTransactions transactions = new SpringJdbcTransactions(database.dataSource(), manager);
        List<String> ran = new ArrayList<>();
        assertThatThrownBy(() -> new TransactionTemplate(manager).executeWithoutResult(status -> {
                    transactions.afterCommit(() -> {
                        ran.add("first");
                        throw new IllegalStateException("the first copy failed");
                    });
                    transactions.afterCommit(() -> ran.add("second"));
                    assertThat(ran).as("nothing runs before the commit").isEmpty();
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the first copy failed");
        assertThat(ran).containsExactly("first", "second");
    }

    /* Two migrations' stores in one application transaction (JPA stores each keep their own transactions object). */
    @Test
    void theActionsOfEveryStoreInOneTransactionRunEvenWhenAnotherStoresThrows() {
        TestDatabase database = TestDatabases.postgres();
        JdbcTransactionManager manager = new JdbcTransactionManager(database.dataSource());
        SpringJdbcTransactions first = new SpringJdbcTransactions(database.dataSource(), manager);
        SpringJdbcTransactions second = new SpringJdbcTransactions(database.dataSource(), manager);
        List<String> ran = new ArrayList<>();
        assertThatThrownBy(() -> new TransactionTemplate(manager).executeWithoutResult(status -> {
                    first.afterCommit(() -> {
                        ran.add("first store");
                        throw new IllegalStateException("the first store's copy failed");
                    });
                    second.afterCommit(() -> ran.add("second store"));
                }))
                .hasMessage("the first store's copy failed");
        assertThat(ran).containsExactly("first store", "second store");
    }

    @Test
    void aNewTransactionsActionsRunAtItsOwnCommitAndTheOutersAtTheOuters() {
        TestDatabase database = TestDatabases.postgres();
        JdbcTransactionManager manager = new JdbcTransactionManager(database.dataSource());
        SpringJdbcTransactions transactions = new SpringJdbcTransactions(database.dataSource(), manager);
        List<String> ran = new ArrayList<>();
        new TransactionTemplate(manager).executeWithoutResult(status -> {
            transactions.afterCommit(() -> ran.add("outer"));
            transactions.inNewTransaction(() -> transactions.afterCommit(() -> ran.add("inner")));
            assertThat(ran).as("the inner transaction committed already").containsExactly("inner");
        });
        assertThat(ran).containsExactly("inner", "outer");
    }

    @Test
    void nothingRunsWhenTheApplicationRollsBack() {
        TestDatabase database = TestDatabases.postgres();
        JdbcTransactionManager manager = new JdbcTransactionManager(database.dataSource());
        SpringJdbcTransactions transactions = new SpringJdbcTransactions(database.dataSource(), manager);
        List<String> ran = new ArrayList<>();
        new TransactionTemplate(manager).executeWithoutResult(status -> {
            transactions.afterCommit(() -> ran.add("copy"));
            status.setRollbackOnly();
        });
        assertThat(ran).isEmpty();
    }
}
