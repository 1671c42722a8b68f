package io.cellwatch.process.testmains;

import io.cellwatch.process.ChildJvm;
import io.cellwatch.process.ChildShutdownHook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A parent JVM for the tests: starts a {@link Sleeper} grandchild, prints its pid, then ends in one of two ways.
 * Arguments: the work directory, the grandchild's classpath, then {@code hook} (a {@link ChildShutdownHook} stops
 * the grandchild, then writes {@code after-stop}; the JVM exits normally) or {@code halt} (the grandchild runs
 * under the watchdog; the JVM halts, as after SIGKILL, without running any hook).
 */
public final class ChildHost {

    private ChildHost() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        String classpath = args[1];
        boolean halt = args[2].equals("halt");
        ChildJvm.Builder builder = ChildJvm.builder(ChildJvm.defaultJavaExecutable(), Sleeper.class.getName())
                .jvmArgs(List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                .classpath(classpath)
                .arg("30000")
                .output(work.resolve("grandchild.log"), true);
        if (halt) {
            builder.watchParent(work.resolve("launcher"));
        }
        Process grandchild = builder.build().start();
        if (!halt) {
            ChildShutdownHook.register("test-hook", () -> List.of(grandchild), Duration.ofSeconds(5), () -> {
                try {
                    Files.writeString(work.resolve("after-stop"), "grandchild alive: " + grandchild.isAlive());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        System.out.println("grandchild " + grandchild.pid());
        System.out.flush();
        // Let the grandchild's JVM start up (and its watchdog look at us once).
        Thread.sleep(1_500);
        if (halt) {
            Runtime.getRuntime().halt(0);
        }
        System.exit(0);
    }
}
