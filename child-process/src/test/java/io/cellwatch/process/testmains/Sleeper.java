package io.cellwatch.process.testmains;

import java.util.Arrays;

/**
 * A child for the tests: prints what it got, then sleeps. Arguments: the milliseconds to sleep (a bounded lifetime,
 * so that no test leaves a process behind for long), then anything; {@code --stubborn} adds a shutdown hook that
 * ignores SIGTERM for a minute.
 */
public final class Sleeper {

    private Sleeper() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("--stubborn")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        // Printed once the hook is in place: a test that waits for "started" then finds a stubborn child.
        System.out.println("started " + Arrays.toString(args) + " dir=" + System.getProperty("user.dir")
                + " env=" + System.getenv("CELLWATCH_TEST") + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        Thread.sleep(Long.parseLong(args[0]));
        System.out.println("done");
    }
}
