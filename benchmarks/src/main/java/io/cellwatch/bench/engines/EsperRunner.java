package io.cellwatch.bench.engines;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;

/**
 * One rule as an EPL module in its own Esper runtime. The statement named {@code alerts} outputs one row per
 * alert; a listener counts them. The runtime's internal timer is off (nothing here depends on wall time), events
 * are sent on the caller's thread.
 */
final class EsperRunner implements AutoCloseable {
    private final EPRuntime runtime;
    private final EPEventService events;
    private final AtomicInteger alerts = new AtomicInteger();

    EsperRunner(final String name, final String epl) {
        final Configuration config = new Configuration();
        config.getCommon().addEventType("Reading", Reading.class);
        config.getRuntime().getThreading().setInternalTimerEnabled(false);
        final EPCompiled compiled;
        try {
            compiled = EPCompilerProvider.getCompiler().compile(epl, new CompilerArguments(config));
        } catch (EPCompileException e) {
            throw new IllegalStateException("EPL of " + name + " does not compile: " + e.getMessage(), e);
        }
        runtime = EPRuntimeProvider.getRuntime("cellwatch-bench-" + name + "-" + System.nanoTime(), config);
        final EPDeployment deployment;
        try {
            deployment = runtime.getDeploymentService().deploy(compiled);
        } catch (EPDeployException e) {
            throw new IllegalStateException("EPL of " + name + " does not deploy: " + e.getMessage(), e);
        }
        final EPStatement statement = runtime.getDeploymentService().getStatement(deployment.getDeploymentId(), "alerts");
        if (statement == null) {
            throw new IllegalStateException("EPL of " + name + " has no statement named 'alerts'");
        }
        statement.addListener((newEvents, oldEvents, s, rt) -> {
            if (newEvents != null) {
                alerts.addAndGet(newEvents.length);
            }
        });
        events = runtime.getEventService();
    }

    /** Sends the readings in order; returns the number of alerts they produced. */
    int process(final List<Reading> readings) {
        final int before = alerts.get();
        for (int i = 0, n = readings.size(); i < n; i++) {
            events.sendEventBean(readings.get(i), "Reading");
        }
        return alerts.get() - before;
    }

    @Override
    public void close() {
        runtime.destroy();
    }
}
