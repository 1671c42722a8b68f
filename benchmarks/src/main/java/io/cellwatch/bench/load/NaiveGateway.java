package io.cellwatch.bench.load;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.AckFlyweight;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.CommandFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.codec.HelloOkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The naive baseline's gateway, as a common telemetry design would build it: the same rig protocol on the socket
 * (so the same fleet loads it), but one thread per connection, every sample turned into one {@link NaiveSample}
 * object and one JSON Kafka record, and a frame ACKed once all its records are stored. The Kafka producer has the
 * same settings as CellWatch's gateway (acks=all, idempotent, lz4, 256 KiB batches, linger 1 ms), so the
 * difference measured is the record-per-sample design, not tuning. Alerts come back from the alerts topic as JSON
 * and go to the rig as a COMMAND on its connection.
 */
final class NaiveGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerSocket server;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String samplesTopic;
    private final Map<String, Connection> byRig = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private final Thread commandReader;
    private volatile boolean running = true;

    NaiveGateway(final String bootstrapServers, final String samplesTopic, final String alertsTopic)
        throws IOException {
        this.samplesTopic = samplesTopic;
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
        final Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "naive-gateway");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        consumer.subscribe(List.of(alertsTopic));
        consumer.poll(Duration.ofSeconds(5)); // join the group now, so no alert of the run is missed
        server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "naive-gateway-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        commandReader = new Thread(this::readAlerts, "naive-gateway-alerts");
        commandReader.setDaemon(true);
        commandReader.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void accept() {
        while (running) {
            try {
                final Socket s = server.accept();
                s.setTcpNoDelay(true);
                final Connection c = new Connection(s);
                final Thread t = new Thread(c::run, "naive-gateway-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void readAlerts() {
        final ExpandableArrayBuffer buf = new ExpandableArrayBuffer(1024);
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    final NaiveAlert a = JSON.readValue(r.value(), NaiveAlert.class);
                    final Connection c = byRig.get(a.rigId);
                    if (c == null) {
                        continue;
                    }
                    final int len = CommandFlyweight.encode(buf, 0, a.channelNo, StopAction.STOP, a.sampleTimeMicros,
                        a.channelId + "@" + a.sampleTimeMicros, a.channelId, UpperChargeVoltageRule.ID,
                        "voltage " + a.voltage + " V above 4.25 V");
                    c.write(buf.byteArray(), len);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (IOException e) {
            if (running) {
                throw new IllegalStateException("naive gateway: bad alert record", e);
            }
        } finally {
            consumer.close();
        }
    }

    /** One rig connection: reads frames on its own thread; ACKs go out from the producer's callback thread. */
    private final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final Map<Integer, String> channels = new HashMap<>();
        /** Frames waiting for their records, oldest first; guarded by this. */
        private final ArrayDeque<long[]> pending = new ArrayDeque<>();
        private final ExpandableArrayBuffer ackBuf = new ExpandableArrayBuffer(64);
        private String rigId;

        Connection(final Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        void run() {
            final SamplesFlyweight samples = new SamplesFlyweight();
            final ChannelFlyweight channel = new ChannelFlyweight();
            final HelloFlyweight hello = new HelloFlyweight();
            final ExpandableArrayBuffer reply = new ExpandableArrayBuffer(64);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536))) {
                byte[] frame = new byte[65536];
                final UnsafeBuffer view = new UnsafeBuffer(frame);
                while (running) {
                    in.readFully(frame, 0, FrameDescriptor.HEADER_LENGTH);
                    final int length = view.getInt(FrameDescriptor.LENGTH_OFFSET, FrameDescriptor.BYTE_ORDER);
                    if (length > frame.length) {
                        final byte[] bigger = new byte[Math.max(length, frame.length * 2)];
                        System.arraycopy(frame, 0, bigger, 0, FrameDescriptor.HEADER_LENGTH);
                        frame = bigger;
                        view.wrap(frame);
                    }
                    in.readFully(frame, FrameDescriptor.HEADER_LENGTH, length - FrameDescriptor.HEADER_LENGTH);
                    switch (view.getByte(FrameDescriptor.TYPE_OFFSET) & 0xFF) {
                        case FrameType.HELLO -> {
                            hello.wrap(view, 0);
                            rigId = hello.rigId();
                            byRig.put(rigId, this);
                            write(reply.byteArray(), HelloOkFlyweight.encode(reply, 0, 1000,
                                FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH, System.currentTimeMillis() * 1000));
                        }
                        case FrameType.CHANNEL -> {
                            channel.wrap(view, 0);
                            channels.put(channel.channelNo(), channel.declaration().channelId());
                            frameStored(expect(channel.sequence(), 0));
                        }
                        case FrameType.SAMPLES -> {
                            samples.wrap(view, 0);
                            publish(samples);
                        }
                        default -> {
                            // heartbeats, COMMAND_ACKs: nothing to do
                        }
                    }
                }
            } catch (EOFException e) {
                // rig left
            } catch (IOException e) {
                if (running) {
                    System.err.println("naive gateway: connection of " + rigId + " failed: " + e);
                }
            } finally {
                if (rigId != null) {
                    byRig.remove(rigId, this);
                }
            }
        }

        private void publish(final SamplesFlyweight f) throws IOException {
            final String channelId = channels.get(f.channelNo());
            final byte[] key = channelId.getBytes(StandardCharsets.UTF_8);
            final int count = f.sampleCount();
            final long[] frame = expect(f.sequence(), count);
            final AtomicInteger left = new AtomicInteger(count);
            for (int i = 0; i < count; i++) {
                final NaiveSample s = new NaiveSample();
                s.rigId = rigId;
                s.channelNo = f.channelNo();
                s.channelId = channelId;
                s.sequence = f.sequence();
                s.index = i;
                s.timestampMicros = f.timestampMicros(i);
                s.voltage = f.voltage(i);
                s.current = f.current(i);
                s.cellTemperature = f.cellTemperature(i);
                producer.send(new ProducerRecord<>(samplesTopic, key, JSON.writeValueAsBytes(s)), (md, e) -> {
                    if (e != null) {
                        System.err.println("naive gateway: Kafka did not take a sample: " + e);
                    } else if (left.decrementAndGet() == 0) {
                        frameStored(frame);
                    }
                });
            }
        }

        /** Registers a frame; element 0 is its sequence, element 1 becomes 1 when all its records are stored. */
        private synchronized long[] expect(final long sequence, final int records) {
            final long[] f = {sequence, 0};
            pending.addLast(f);
            return f;
        }

        /** Marks a frame stored and ACKs the longest stored prefix (ACKs are cumulative). */
        private void frameStored(final long[] frame) {
            long ackable = Long.MIN_VALUE;
            synchronized (this) {
                frame[1] = 1;
                while (!pending.isEmpty() && pending.peekFirst()[1] == 1) {
                    ackable = pending.pollFirst()[0];
                }
            }
            if (ackable != Long.MIN_VALUE) {
                try {
                    synchronized (out) {
                        write(ackBuf.byteArray(), AckFlyweight.encode(ackBuf, 0, ackable));
                    }
                } catch (IOException e) {
                    // the rig is gone; it would resend
                }
            }
        }

        void write(final byte[] bytes, final int length) throws IOException {
            synchronized (out) {
                out.write(bytes, 0, length);
                out.flush();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Connection c : byRig.values()) {
            try {
                c.socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        consumer.wakeup();
        try {
            commandReader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
