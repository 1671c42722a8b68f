package io.cellwatch.bench.engines;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cep.nfa.NFA;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferAccessor;
import org.apache.flink.cep.pattern.Pattern;

/**
 * One key's Flink CEP pattern, driven event by event through its compiled NFA the way Flink's {@code CepOperator}
 * drives it in processing time: per event, advance time (prunes timed-out partial matches), process the event,
 * count the matches, mark the NFA state as stored. Heap state, nothing serialized, no operator, no network: what
 * remains is the pattern matching itself, so this is a lower bound of CEP's cost in a job.
 */
final class CepRunner {
    private final NFA<Reading> nfa;
    private final NFAState state;
    private final SharedBuffer<Reading> buffer;
    private final AfterMatchSkipStrategy skip;
    /** Processing time as the operator would read it; only has to rise. */
    private long now;

    CepRunner(final Pattern<Reading, ?> pattern) {
        nfa = NFACompiler.compileFactory(pattern, false).createNFA();
        state = nfa.createInitialNFAState();
        buffer = new SharedBuffer<>(new HeapKeyedStateStore(),
            TypeInformation.of(Reading.class).createSerializer(new SerializerConfigImpl()));
        skip = pattern.getAfterMatchSkipStrategy();
    }

    /** Open partial matches, for checking that a pattern's state stays bounded. */
    int partialMatches() {
        return state.getPartialMatches().size();
    }

    /** Events held in the shared buffer, for the same check. */
    int bufferedEvents() throws Exception {
        return buffer.getEventsBufferSize();
    }

    /** Feeds the readings in order; returns the number of matches (alerts). */
    int process(final List<Reading> readings) throws Exception {
        int matches = 0;
        for (int i = 0, n = readings.size(); i < n; i++) {
            final long timestamp = ++now;
            try (SharedBufferAccessor<Reading> accessor = buffer.getAccessor()) {
                nfa.advanceTime(accessor, state, timestamp, skip);
            }
            try (SharedBufferAccessor<Reading> accessor = buffer.getAccessor()) {
                final Collection<Map<String, List<Reading>>> found =
                    nfa.process(accessor, state, readings.get(i), timestamp, skip, () -> timestamp);
                matches += found.size();
            }
            if (state.isStateChanged()) {
                state.resetStateChanged();
                state.resetNewStartPartialMatch();
            }
        }
        return matches;
    }
}
