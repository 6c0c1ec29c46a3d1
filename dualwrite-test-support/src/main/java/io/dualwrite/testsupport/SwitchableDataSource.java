package io.dualwrite.testsupport;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A data source that a test can cut off, as if the database were unreachable. */
public final class SwitchableDataSource implements DataSource {

    private final DataSource delegate;
    private volatile boolean down;
    private volatile java.util.concurrent.CountDownLatch stalled;

    public SwitchableDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    public void cut() {
        down = true;
    }

    /** Makes new connections hang until {@link #restore()}, as a database that accepts but never answers. */
    public void stall() {
        stalled = new java.util.concurrent.CountDownLatch(1);
    }

    public void restore() {
        down = false;
        java.util.concurrent.CountDownLatch latch = stalled;
        stalled = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        java.util.concurrent.CountDownLatch latch = stalled;
        if (latch != null) {
            awaitIgnoringInterrupts(latch);
        }
        if (down) {
            throw new SQLTransientConnectionException("Connection refused (simulated outage)", "08001");
        }
        return delegate.getConnection();
    }

    /** Like a driver stuck in a socket read, a stalled connect does not give up when its thread is interrupted. */
    private static void awaitIgnoringInterrupts(java.util.concurrent.CountDownLatch latch) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (latch.getCount() > 0 && System.nanoTime() < deadline) {
            try {
                latch.await(deadline - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return delegate.isWrapperFor(iface);
    }
}
