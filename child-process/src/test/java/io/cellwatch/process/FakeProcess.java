package io.cellwatch.process;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** A process that exits when told to: on destroy(), on destroyForcibly(), or never (stubborn). */
final class FakeProcess extends Process {

    private final boolean exitsOnDestroy;
    private volatile boolean alive = true;
    volatile int destroyCalls;
    volatile int destroyForciblyCalls;

    FakeProcess(boolean exitsOnDestroy) {
        this.exitsOnDestroy = exitsOnDestroy;
    }

    static FakeProcess exited() {
        FakeProcess p = new FakeProcess(true);
        p.alive = false;
        return p;
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public InputStream getErrorStream() {
        return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public synchronized int waitFor() throws InterruptedException {
        while (alive) {
            wait();
        }
        return 0;
    }

    @Override
    public synchronized boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (alive) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    @Override
    public int exitValue() {
        if (alive) {
            throw new IllegalThreadStateException("alive");
        }
        return 0;
    }

    @Override
    public boolean isAlive() {
        return alive;
    }

    @Override
    public long pid() {
        return 4242;
    }

    @Override
    public synchronized void destroy() {
        destroyCalls++;
        if (exitsOnDestroy) {
            exit();
        }
    }

    @Override
    public synchronized Process destroyForcibly() {
        destroyForciblyCalls++;
        exit();
        return this;
    }

    synchronized void exit() {
        alive = false;
        notifyAll();
    }
}
