package io.cellwatch.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.cellwatch.replay.run.ChannelInfo;
import io.cellwatch.replay.runfile.RunFileChannelLoader;
import io.cellwatch.replay.runfile.RunFileException;
import io.cellwatch.replay.send.ReplayConnectionException;
import io.cellwatch.replay.send.ReplayOptions;
import io.cellwatch.replay.send.ReplayProgress;
import io.cellwatch.replay.send.ReplayResult;
import io.cellwatch.replay.send.Replayer;
import io.cellwatch.replay.send.RigClientLink;

/**
 * {@code replay} of a run file with several channels (a rig or a lot recorded into one file): every channel is
 * loaded, then the channels of each rig are sent over one connection as that rig (a gateway gives a rig id's
 * channels to its newest connection, so one rig id must not have two), numbered 0, 1, ... on it in file order, all
 * rigs at once on one time base: run time 0 is the earliest first sample or mark of all channels, and every channel
 * keeps its distance from it, at any speed.
 *
 * <p>Where the channels go: by default each to the rig that recorded it, with its own channel id; {@code --rig R}
 * sends them all over one connection as rig R with their ids kept; {@code --retarget R} sends them all as rig R with
 * ids moved into R's namespace ({@code rigA/ch01} -> {@code R/ch01}).
 */
final class MultiChannelReplay {
    private final CliContext ctx;
    private final ReplayArguments a;

    MultiChannelReplay(final CliContext ctx, final ReplayArguments a) {
        this.ctx = ctx;
        this.a = a;
    }

    /** One channel: where it came from and where it goes. */
    private record Channel(RunFileChannelLoader.Loaded loaded, ChannelInfo info, String rigId) {
    }

    /** One rig connection: its channels, in file order (their index is the channel number). */
    private static final class Group {
        final String rigId;
        final List<Replayer.Lane> lanes = new ArrayList<>();
        final List<Channel> channels = new ArrayList<>();
        Replayer replayer;
        RigClientLink link;
        ReplayResult result;
        ReplayConnectionException failure;

        Group(final String rigId) {
            this.rigId = rigId;
        }
    }

    int run(final List<String> channelIds) throws InterruptedException {
        final PrintStream out = ctx.out();
        final PrintStream err = ctx.err();
        if (a.given().channelId() != null || a.given().serial() != null) {
            throw new UsageException("--channel and --serial name one channel, and this replay sends "
                + channelIds.size() + " (" + String.join(", ", channelIds) + "); pick one with --run-channel, or "
                + "send them as another rig with --retarget RIG");
        }
        final List<Channel> channels = new ArrayList<>();
        try {
            for (String id : channelIds) {
                final RunFileChannelLoader.Loaded loaded = RunFileChannelLoader.load(a.runFile(), id);
                ReplayCommand.warnings(a, loaded, err, channels.isEmpty()); // the file's own warnings once
                ReplayCommand.reportTimeSteps(loaded.run(), "sample", err);
                ChannelInfo info;
                try {
                    info = ChannelOptions.checked(a.given().applyTo(loaded.run().channel()));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("bad channel declaration for " + id + ": " + e.getMessage());
                }
                final String rig;
                if (a.retarget() != null) {
                    info = info.withChannelId(ReplayArguments.retargeted(info.channelId(), a.retarget()));
                    rig = a.retarget();
                } else {
                    rig = a.rigGiven() ? a.rigId() : loaded.rigId();
                }
                channels.add(new Channel(loaded, info, rig));
            }
        } catch (IOException e) {
            err.println("cannot read run file " + a.runFile() + ": " + e);
            return ExitCode.BAD_INPUT;
        } catch (RunFileException e) {
            err.println("bad run file: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        }
        final List<String> ids = new ArrayList<>();
        for (Channel c : channels) {
            if (ids.contains(c.info().channelId())) {
                throw new UsageException("two channels of the file would be sent as " + c.info().channelId()
                    + " (--retarget maps ids with the same name after the '/' onto one); replay them one at a time "
                    + "with --run-channel");
            }
            ids.add(c.info().channelId());
        }

        // One time base: run time 0 is the earliest channel start; each channel keeps its distance from it.
        long base = Long.MAX_VALUE;
        for (Channel c : channels) {
            base = Math.min(base, c.loaded().startMicros());
        }
        final long start = a.keepFileTimes() ? base : ChronoUnit.MICROS.between(Instant.EPOCH, a.startTime());
        final Map<String, Group> groups = new LinkedHashMap<>();
        long rows = 0;
        long runMicros = 0;
        for (Channel c : channels) {
            final Group g = groups.computeIfAbsent(c.rigId(), Group::new);
            final long offset = c.loaded().startMicros() - base;
            g.lanes.add(new Replayer.Lane(c.loaded().run().withChannel(c.info()), g.lanes.size(), start + offset,
                offset));
            g.channels.add(c);
            rows += c.loaded().run().size();
            runMicros = Math.max(runMicros, offset + c.loaded().run().durationMicros());
        }
        final ReplayOptions options = a.toReplayOptions(start);
        out.println(String.format(Locale.ROOT, "replay %s: %d channels over %d rig connection%s, %d rows, run time "
                + "%.3f s, batches of up to %d rows, speed %s%s", a.runFile().getFileName(), channels.size(),
            groups.size(), groups.size() == 1 ? "" : "s", rows, runMicros / 1e6, a.batchSize(), a.speed(),
            a.speed().isMax() ? "" : String.format(Locale.ROOT, " (about %.1f s)", runMicros / 1e6
                / a.speed().factor())));
        out.println("  to gateway " + a.gateway() + "; sample times from " + Instant.EPOCH.plus(start,
            ChronoUnit.MICROS));
        for (Group g : groups.values()) {
            for (int i = 0; i < g.channels.size(); i++) {
                final Channel c = g.channels.get(i);
                final ChannelInfo info = c.info();
                out.println(String.format(Locale.ROOT, "  channel %s (file: %s, rig %s) -> rig %s channel no %d: "
                        + "serial '%s', lot '%s', procedure '%s' v%d, %d rows, %d marks", info.channelId(),
                    c.loaded().run().channel().channelId(), c.loaded().rigId(), g.rigId, i, info.cellSerial(),
                    info.lot(), info.procedureId(), info.procedureVersion(), c.loaded().run().size(),
                    c.loaded().run().marks().size()));
            }
        }

        final GatewayEventPrinter events = new GatewayEventPrinter(out, err, start);
        try {
            for (Group g : groups.values()) {
                try {
                    g.link = RigClientLink.connect(a.host(), a.port(), g.rigId, a.token(), events,
                        a.connectTimeout());
                } catch (IOException | TimeoutException e) {
                    err.println("cannot connect to gateway " + a.gateway() + " as rig " + g.rigId + ": "
                        + e.getMessage());
                    return ExitCode.CONNECTION_FAILED;
                }
                g.replayer = new Replayer(g.link, ctx.replayClock(), options, events);
            }
            final ProgressPrinter progress = new ProgressPrinter(out, () -> sum(groups.values()),
                ReplayCommand.PROGRESS_INTERVAL);
            progress.start();
            try {
                final List<Thread> threads = new ArrayList<>();
                for (Group g : groups.values()) {
                    final Thread t = new Thread(() -> {
                        try {
                            g.result = g.replayer.replay(g.lanes);
                        } catch (ReplayConnectionException e) {
                            g.failure = e;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "replay-" + g.rigId);
                    threads.add(t);
                    t.start();
                }
                for (Thread t : threads) {
                    t.join();
                }
            } finally {
                progress.close();
            }
            ReplayCommand.awaitLateCommands(a, events, out);
        } finally {
            for (Group g : groups.values()) {
                if (g.link != null) {
                    g.link.close();
                }
            }
        }
        return summary(groups.values(), events.commands().size(), out, err);
    }

    private static ReplayProgress sum(final Iterable<Group> groups) {
        int total = 0;
        int sent = 0;
        int acked = 0;
        int frames = 0;
        int framesAcked = 0;
        long elapsed = 0;
        for (Group g : groups) {
            final ReplayProgress p = g.replayer.progress();
            total += p.rowsTotal();
            sent += p.rowsSent();
            acked += p.rowsAcked();
            frames += p.framesSent();
            framesAcked += p.framesAcked();
            elapsed = Math.max(elapsed, p.elapsedNanos());
        }
        return new ReplayProgress(total, sent, acked, frames, framesAcked, elapsed);
    }

    private int summary(final Iterable<Group> groups, final int commands, final PrintStream out,
                        final PrintStream err) {
        int code = ExitCode.OK;
        for (Group g : groups) {
            if (g.failure != null) {
                final ReplayProgress p = g.replayer.progress();
                err.println("rig " + g.rigId + ": " + g.failure.getMessage());
                err.println(String.format(Locale.ROOT, "rig %s: gave up after sending %d/%d rows; %d rows (%d/%d "
                    + "frames) were acknowledged", g.rigId, p.rowsSent(), p.rowsTotal(), p.rowsAcked(),
                    p.framesAcked(), p.framesSent()));
                code = ExitCode.CONNECTION_FAILED;
                continue;
            }
            final ReplayResult r = g.result;
            if (r == null) {
                err.println("rig " + g.rigId + ": interrupted");
                code = ExitCode.CONNECTION_FAILED;
                continue;
            }
            out.println(String.format(Locale.ROOT, "rig %s: sent %d rows of %d channels in %d frames (%d MARK) in "
                    + "%.3f s; acknowledged %d/%d frames (%d rows); %d reconnects", g.rigId, r.rowsSent(),
                g.lanes.size(), r.framesSent(), r.marksSent(), r.sendNanos() / 1e9, r.framesAcked(), r.framesSent(),
                r.rowsAcked(), r.reconnects()));
            if (!r.allAcked()) {
                err.println("rig " + g.rigId + ": NOT acknowledged within --ack-timeout "
                    + a.ackTimeout().toMillis() / 1000.0 + " s: " + (r.framesSent() - r.framesAcked()) + " of "
                    + r.framesSent() + " frames");
                if (code == ExitCode.OK) {
                    code = ExitCode.NOT_ACKNOWLEDGED;
                }
            }
        }
        out.println(commands + " commands received");
        if (code == ExitCode.OK) {
            out.println("done: every frame acknowledged");
        }
        return code;
    }
}
