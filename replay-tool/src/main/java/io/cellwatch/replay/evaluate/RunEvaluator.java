package io.cellwatch.replay.evaluate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.evaluation.ChannelEvaluator;
import io.cellwatch.core.evaluation.ChannelState;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.procedure.ParameterKeys;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.replay.runfile.FrameRecord;
import io.cellwatch.replay.runfile.RunFileException;
import io.cellwatch.replay.runfile.RunFileReader;
import io.cellwatch.replay.runfile.RunFileVisitor;

/**
 * Runs a run file through the rules offline, with the {@link ChannelEvaluator} of telemetry-core that the live
 * stop-condition job runs, record by record, the way the job's {@code StopConditionFunction} drives it:
 *
 * <ul>
 *   <li>Records are taken in file order, channel by channel state (keyed by channel id). A frame whose sequence number
 *       is not above the last one applied to its channel is a rig resend and is skipped, as the job skips it.</li>
 *   <li>CHANNEL: {@link ChannelEvaluator#declare}, with {@link Settings#procedure()} in place of the declared procedure
 *       when given; then every {@link Settings#sets()} parameter is set on the resolved parameters, and they are
 *       validated.</li>
 *   <li>SAMPLES and MARK: {@link ChannelEvaluator#samples} and {@link ChannelEvaluator#mark}, with a simulated
 *       wall clock: a record arrives at its recorded arrival time, or, for files that have none (imports), when its
 *       last sample was taken. The wall clock never goes back.</li>
 *   <li>Time-driven checks ({@link ChannelEvaluator#time}: the temperature rule's caps, silence) run at their wake-up
 *       times on that clock, before the first record that arrives later, and up to
 *       {@link Settings#runOnMicros()} after the last record. The silence check judges the link to a rig; a channel
 *       whose declaration has no arrival time (an import) has no such link on record, so silence is off for it unless
 *       {@code data-quality.silent-after} is set explicitly.</li>
 * </ul>
 * The same file with the same settings always gives the same alerts, ids and detection times included.
 */
public final class RunEvaluator {
    /** The parameter that turns the silence check off (0) for channels without arrival times. */
    static final String SILENT_AFTER = "data-quality.silent-after";

    /**
     * How to evaluate.
     *
     * @param procedureId      evaluate with this procedure instead of each channel's declared one, or null
     * @param procedureVersion its version
     * @param sets             parameters set after resolution, by {@link ParameterKeys} name, in order
     * @param runOnMicros      how long the clock runs on after the last record (time-driven checks), us
     */
    public record Settings(String procedureId, int procedureVersion, Map<String, String> sets, long runOnMicros) {
        public Settings {
            sets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sets));
        }

        /** The declared procedures and parameters, nothing after the last record. */
        public static Settings asDeclared() {
            return new Settings(null, 0, Map.of(), 0);
        }

        /** E.g. {@code procedure pse-app9/overcharge-protection@1; set upper-charge-voltage.limit=4.35}. */
        public String describe() {
            final StringBuilder sb = new StringBuilder(procedureId == null ? "declared procedures"
                : "procedure " + procedureId + "@" + procedureVersion);
            if (!sets.isEmpty()) {
                sb.append("; set ");
                final StringBuilder s = new StringBuilder();
                sets.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append('=').append(v));
                sb.append(s);
            }
            if (runOnMicros > 0) {
                sb.append("; clock run on ").append(runOnMicros / 1e6).append(" s after the last record");
            }
            return sb.toString();
        }
    }

    /** A setting that no channel can be evaluated with (e.g. a hysteresis above the limit it is set with). */
    public static final class EvaluationException extends Exception {
        private static final long serialVersionUID = 1L;

        public EvaluationException(final String message) {
            super(message);
        }
    }

    private final ChannelEvaluator evaluator;
    private final Settings settings;

    /** @param library the procedures to resolve declarations with (the job uses the built-in library) */
    public RunEvaluator(final ProcedureLibrary library, final Settings settings) {
        Objects.requireNonNull(library, "library");
        this.evaluator = new ChannelEvaluator(library, library.procedure("cellwatch/monitor", 1).parameters());
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Checks the settings before any file is read: the procedure exists and every parameter name and value parses.
     *
     * @throws IllegalArgumentException naming the bad one
     */
    public static void check(final ProcedureLibrary library, final Settings settings) {
        if (settings.procedureId() != null) {
            library.procedure(settings.procedureId(), settings.procedureVersion());
        }
        final RuleParameters scratch = new RuleParameters();
        settings.sets().forEach((k, v) -> ParameterKeys.set(scratch, k, v));
    }

    /** Evaluates every record of {@code reader} and collects what the file already holds (alert sets, notes). */
    public EvaluationResult evaluate(final RunFileReader reader) throws IOException, RunFileException,
        EvaluationException {
        final Visitor v = new Visitor();
        try {
            reader.readAll(v);
        } catch (EvaluationFailure f) {
            throw f.cause;
        }
        if (v.wall != Long.MIN_VALUE && settings.runOnMicros() > 0) {
            v.fireTimers(v.wall + settings.runOnMicros());
        }
        final List<EvaluationResult.Channel> channels = new ArrayList<>();
        for (ChannelRun c : v.channels.values()) {
            channels.add(c.summary());
        }
        return new EvaluationResult(settings, List.copyOf(v.alerts), channels, List.copyOf(v.sets.values()),
            List.copyOf(v.notes), reader.records(), v.frames, v.repeats, reader.unknownRecords(), v.problems,
            reader.tail());
    }

    /** Carries an {@link EvaluationException} out of a visitor callback. */
    private static final class EvaluationFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient EvaluationException cause;

        EvaluationFailure(final EvaluationException cause) {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
        }
    }

    /** One channel's state and counts. */
    private final class ChannelRun {
        final String channelId;
        final ChannelState state;
        ChannelDeclaration declared;
        String declareProblem;
        boolean arrivalKnown;
        boolean silenceOff;
        long samples;
        long marks;
        long firstMicros = Long.MIN_VALUE;
        long lastMicros = Long.MIN_VALUE;
        long lastSequence = Long.MIN_VALUE;

        ChannelRun(final String channelId, final String rigId) {
            this.channelId = channelId;
            this.state = evaluator.newState(channelId, rigId);
        }

        void seen(final long t) {
            if (firstMicros == Long.MIN_VALUE) {
                firstMicros = t;
            }
            lastMicros = Math.max(lastMicros, t);
        }

        EvaluationResult.Channel summary() {
            final RuleParameters p = state.parameters;
            return new EvaluationResult.Channel(channelId, state.rigId, state.cellSerial, state.lot,
                declared == null ? null : declared.procedureId() + "@" + declared.procedureVersion(),
                state.procedureId == null ? null : state.procedureId + "@" + state.procedureVersion,
                declared == null ? Map.of() : declared.overrides(), declareProblem, samples, marks, firstMicros,
                lastMicros, arrivalKnown, silenceOff, p.copy());
        }
    }

    private record Timer(long wakeMicros, String channelId) {
    }

    private final class Visitor implements RunFileVisitor {
        final Map<String, ChannelRun> channels = new LinkedHashMap<>();
        final Map<Integer, ChannelRun> byNumber = new HashMap<>();
        final Map<String, EvaluationResult.StoredSet> sets = new LinkedHashMap<>();
        final List<RunFileVisitor.NoteRecord> notes = new ArrayList<>();
        final List<Alert> alerts = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.wakeMicros() != b.wakeMicros()
            ? Long.compare(a.wakeMicros(), b.wakeMicros()) : a.channelId().compareTo(b.channelId()));
        long wall = Long.MIN_VALUE;
        long frames;
        long repeats;

        @Override
        public void frame(final FrameRecord r) {
            frames++;
            switch (r.frameType()) {
                case FrameType.CHANNEL -> channel(r);
                case FrameType.SAMPLES -> samples(r);
                default -> mark(r);
            }
        }

        private void channel(final FrameRecord r) {
            final ChannelFlyweight f = r.channel();
            final ChannelDeclaration d = f.declaration();
            ChannelRun c = channels.get(d.channelId());
            if (c == null) {
                c = new ChannelRun(d.channelId(), r.rigId());
                channels.put(d.channelId(), c);
            }
            byNumber.put(d.channelNo(), c);
            if (isRepeat(c, f.sequence())) {
                return;
            }
            advance(r.arrivalKnown() ? r.receivedAtMicros() : Long.MIN_VALUE);
            c.declared = d;
            c.arrivalKnown = r.arrivalKnown();
            final ChannelDeclaration used = settings.procedureId() == null ? d
                : new ChannelDeclaration(d.channelNo(), d.channelId(), d.cellSerial(), d.lot(), settings.procedureId(),
                settings.procedureVersion(), d.cellForm(), d.ratedCapacityAh(), d.overrides());
            final String problem = evaluator.declare(c.state, used, r.rigId());
            if (problem != null) {
                c.declareProblem = problem;
                problems.add("channel " + d.channelId() + ": the declaration at byte " + r.offset()
                    + " was not applied (" + problem + "); the channel keeps its previous parameters, as in the job");
            }
            final RuleParameters p = c.state.parameters.copy();
            try {
                settings.sets().forEach((k, v) -> ParameterKeys.set(p, k, v));
                c.silenceOff = !c.arrivalKnown && !settings.sets().containsKey(SILENT_AFTER);
                if (c.silenceOff) {
                    ParameterKeys.set(p, SILENT_AFTER, "0");
                }
                p.validate();
            } catch (IllegalArgumentException e) {
                throw new EvaluationFailure(new EvaluationException("channel " + d.channelId() + " cannot be "
                    + "evaluated with " + settings.describe() + ": " + e.getMessage()));
            }
            c.state.parameters = p;
            schedule(c);
        }

        private void samples(final FrameRecord r) {
            final SamplesFlyweight f = r.samples();
            final ChannelRun c = channelOf(f.channelNo(), r);
            if (c == null || isRepeat(c, f.sequence())) {
                return;
            }
            final int n = f.sampleCount();
            if (n > 0) {
                c.seen(f.timestampMicros(0));
                c.seen(f.timestampMicros(n - 1));
            }
            advance(r.arrivalKnown() ? r.receivedAtMicros() : n > 0 ? f.timestampMicros(n - 1) : Long.MIN_VALUE);
            evaluator.samples(c.state, f, wall, alerts::add);
            c.samples += n;
            schedule(c);
        }

        private void mark(final FrameRecord r) {
            final MarkFlyweight m = r.mark();
            final ChannelRun c = channelOf(m.channelNo(), r);
            if (c == null || isRepeat(c, m.sequence())) {
                return;
            }
            c.seen(m.timestampMicros());
            advance(r.arrivalKnown() ? r.receivedAtMicros() : m.timestampMicros());
            evaluator.mark(c.state, m.markType(), m.timestampMicros(), wall);
            c.marks++;
            schedule(c);
        }

        private ChannelRun channelOf(final int channelNo, final FrameRecord r) {
            final ChannelRun c = byNumber.get(channelNo);
            if (c == null) {
                problems.add("the " + FrameType.name(r.frameType()) + " frame at byte " + r.offset()
                    + " names channel number " + channelNo + ", which no CHANNEL record before it declared; skipped");
            }
            return c;
        }

        private boolean isRepeat(final ChannelRun c, final long sequence) {
            if (sequence <= c.lastSequence) {
                repeats++;
                return true;
            }
            c.lastSequence = sequence;
            return false;
        }

        /** Moves the simulated wall clock to {@code arrival} (never back), running the timers due until then. */
        private void advance(final long arrival) {
            if (arrival == Long.MIN_VALUE || arrival <= wall) {
                return;
            }
            fireTimers(arrival);
            wall = arrival;
        }

        /** Runs every time-driven check due at or before {@code until}, in wake-up order. */
        void fireTimers(final long until) {
            while (!timers.isEmpty() && timers.peek().wakeMicros() <= until) {
                final Timer t = timers.poll();
                final ChannelRun c = channels.get(t.channelId());
                if (t.wakeMicros() < c.state.scheduledWakeUpMicros) {
                    continue; // superseded, as in the job's onTimer
                }
                c.state.scheduledWakeUpMicros = Long.MAX_VALUE;
                wall = Math.max(wall, t.wakeMicros());
                evaluator.time(c.state, t.wakeMicros(), alerts::add);
                schedule(c);
            }
        }

        private void schedule(final ChannelRun c) {
            final long wake = evaluator.nextWakeUp(c.state);
            if (wake == Long.MAX_VALUE || wake >= c.state.scheduledWakeUpMicros) {
                return;
            }
            c.state.scheduledWakeUpMicros = wake;
            timers.add(new Timer(wake, c.channelId));
        }

        @Override
        public void alertSet(final RunFileVisitor.AlertSetRecord set) {
            final EvaluationResult.StoredSet existing = sets.get(set.label());
            if (existing != null && existing.declared()) {
                problems.add("alert set '" + set.label() + "' is declared twice (byte " + set.offset()
                    + "); its alerts are merged");
                return;
            }
            final List<Alert> alerts = existing == null ? new ArrayList<>() : existing.alerts();
            sets.put(set.label(), new EvaluationResult.StoredSet(set.label(), set.origin(), set.createdAtMicros(),
                set.description(), true, alerts));
        }

        @Override
        public void alert(final long offset, final String label, final Alert alert) {
            sets.computeIfAbsent(label, l -> new EvaluationResult.StoredSet(l, null, Long.MIN_VALUE, "", false,
                new ArrayList<>())).alerts().add(alert);
        }

        @Override
        public void note(final RunFileVisitor.NoteRecord note) {
            notes.add(note);
        }
    }
}
