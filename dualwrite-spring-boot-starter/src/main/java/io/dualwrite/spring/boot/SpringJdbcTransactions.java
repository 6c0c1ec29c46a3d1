package io.dualwrite.spring.boot;

import io.dualwrite.core.internal.AfterCommitActions;
import io.dualwrite.core.jdbc.AbstractJdbcTransactions;
import io.dualwrite.core.jdbc.SqlWork;
import io.dualwrite.core.model.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link JdbcTransactions} that join Spring-managed transactions: a dual write inside a {@code @Transactional}
 * method uses that method's connection and commits or rolls back with it. {@link #afterCommit} registers a Spring
 * {@link TransactionSynchronization}, so the action runs once that method's transaction committed.
 */
public final class SpringJdbcTransactions extends AbstractJdbcTransactions {

    private final TransactionTemplate transactionTemplate;
    private final TransactionTemplate newTransactionTemplate;

    public SpringJdbcTransactions(DataSource dataSource, PlatformTransactionManager transactionManager) {
        super(dataSource);
        this.transactionTemplate = new TransactionTemplate(transactionManager);
        this.newTransactionTemplate = new TransactionTemplate(transactionManager);
        newTransactionTemplate.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        // The level dualwrite's reasoning assumes, whatever the database's default (MariaDB's is REPEATABLE READ);
        // a transaction the application has open keeps its own.
        transactionTemplate.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        newTransactionTemplate.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return transactionTemplate.execute(status -> markedAsDualWrite(work));
    }

    @Override
    public <T> T inNewTransaction(Supplier<T> work) {
        return newTransactionTemplate.execute(status -> markedAsDualWrite(work));
    }

    @Override
    public boolean hasOpenTransaction() {
        // DataSourceTransactionManager binds the DataSource; JpaTransactionManager (Hibernate) binds it too.
        return TransactionSynchronizationManager.isActualTransactionActive()
                && TransactionSynchronizationManager.hasResource(dataSource());
    }

    @Override
    public void afterCommit(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()
                && TransactionSynchronizationManager.isActualTransactionActive()) {
            actionsOfThisTransaction().add(action);
        } else {
            action.run();
        }
    }

    /**
     * One synchronization per transaction holds the actions of every {@code SpringJdbcTransactions} joined to it (one
     * per data source, or per JPA store), so that every one runs even when an earlier one throws (Spring stops at the
     * first synchronization that throws). A transaction started with REQUIRES_NEW has its own list: Spring suspends
     * the outer transaction's synchronizations meanwhile.
     */
    private AfterCommitActions actionsOfThisTransaction() {
        for (TransactionSynchronization registered : TransactionSynchronizationManager.getSynchronizations()) {
            if (registered instanceof ActionsAfterCommit mine) {
                return mine.actions;
            }
        }
        ActionsAfterCommit created = new ActionsAfterCommit();
        TransactionSynchronizationManager.registerSynchronization(created);
        return created.actions;
    }

    /** The synchronization that runs one transaction's actions after it committed. */
    private static final class ActionsAfterCommit implements TransactionSynchronization {

        private final AfterCommitActions actions = new AfterCommitActions();

        @Override
        public void afterCommit() {
            actions.runAll();
        }
    }

    @Override
    public <T> T withConnection(SqlWork<T> work) {
        Connection connection = DataSourceUtils.getConnection(dataSource());
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource());
        }
    }
}
