package io.cellwatch.kafka.embedded;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeLogDirsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Kafka topics and waits until producing to them is safe.
 *
 * <p>{@code Admin.createTopics(...).all().get()} returns before the broker hosts the new partitions. An
 * idempotent producer that sends at once can get its first batch rejected with OUT_OF_ORDER_SEQUENCE_NUMBER
 * for good and lose records (514 of 5,050 in one run here). So {@link #createTopics(Admin, Collection, Duration)}
 * returns only when every partition has a leader and that leader's {@code describeLogDirs} lists the
 * partition. Creating is idempotent: a topic that exists already is accepted as it is.
 */
public final class KafkaTopics {

    /** How long the overloads without a timeout wait for creation and readiness together. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
    private static final long FIRST_BACKOFF_MILLIS = 20;
    private static final long MAX_BACKOFF_MILLIS = 250;
    /** Upper bound of one admin call, so a single slow call cannot eat the whole timeout unnoticed. */
    private static final long MAX_CALL_MILLIS = 5_000;

    private KafkaTopics() {
    }

    /**
     * Creates the topics through a short-lived admin client and waits until they are ready; see
     * {@link #createTopics(Admin, Collection, Duration)}. Uses {@link #DEFAULT_TIMEOUT}.
     *
     * @param bootstrapServers the cluster, e.g. {@code 127.0.0.1:9092}
     * @param topics           the topics
     */
    public static void createTopics(String bootstrapServers, NewTopic... topics) {
        createTopics(bootstrapServers, List.of(topics));
    }

    /**
     * Creates the topics through a short-lived admin client and waits until they are ready; see
     * {@link #createTopics(Admin, Collection, Duration)}. Uses {@link #DEFAULT_TIMEOUT}.
     *
     * @param bootstrapServers the cluster, e.g. {@code 127.0.0.1:9092}
     * @param topics           the topics
     */
    public static void createTopics(String bootstrapServers, Collection<NewTopic> topics) {
        createTopics(bootstrapServers, topics, DEFAULT_TIMEOUT);
    }

    /**
     * Creates the topics through a short-lived admin client and waits until they are ready; see
     * {@link #createTopics(Admin, Collection, Duration)}.
     *
     * @param bootstrapServers the cluster, e.g. {@code 127.0.0.1:9092}
     * @param topics           the topics
     * @param timeout          bound for creating and waiting together
     */
    public static void createTopics(String bootstrapServers, Collection<NewTopic> topics, Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "cellwatch-kafka-topics");
        // No default.api.timeout.ms here: every call below carries its own timeout, and an Admin refuses a
        // default.api.timeout.ms below request.timeout.ms (30 s), i.e. any shorter timeout the caller passes.
        try (Admin admin = Admin.create(config)) {
            createTopics(admin, topics, timeout);
        }
    }

    /**
     * Creates the topics and waits until they are ready. Uses {@link #DEFAULT_TIMEOUT}.
     *
     * @param admin  the admin client (not closed here)
     * @param topics the topics
     */
    public static void createTopics(Admin admin, Collection<NewTopic> topics) {
        createTopics(admin, topics, DEFAULT_TIMEOUT);
    }

    /**
     * Creates the topics, accepting those that exist already, then waits until every partition of every topic
     * has a leader and the leader's log directories list it. Retries creation while the cluster is not ready
     * for it (retriable errors, or no broker registered yet for the replication factor).
     *
     * @param admin   the admin client (not closed here)
     * @param topics  the topics; an existing topic is left as it is, even with another partition count
     * @param timeout bound for creating and waiting together
     * @throws TimeoutException   when a topic is not created or not ready in time; the message names it
     * @throws KafkaException     when the cluster refuses a topic for good (e.g. an invalid config)
     * @throws InterruptException when the calling thread is interrupted (the interrupt flag stays set)
     */
    public static void createTopics(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, NewTopic> pending = new LinkedHashMap<>();
        for (NewTopic topic : topics) {
            pending.put(topic.name(), topic);
        }
        Set<String> names = new LinkedHashSet<>(pending.keySet());
        Throwable lastError = null;
        long backoff = FIRST_BACKOFF_MILLIS;
        while (!pending.isEmpty()) {
            long remaining = remainingMillis(deadline);
            if (remaining <= 0) {
                throw new TimeoutException("Kafka topic '" + pending.keySet().iterator().next() + "' was not created within "
                        + timeout + (pending.size() > 1 ? " (nor " + (pending.size() - 1) + " other topic(s))" : "")
                        + (lastError == null ? "" : "; last error: " + lastError), lastError);
            }
            CreateTopicsResult result = admin.createTopics(pending.values(),
                    new CreateTopicsOptions().timeoutMs((int) Math.min(remaining, MAX_CALL_MILLIS)));
            for (Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
                String name = entry.getKey();
                try {
                    get(entry.getValue(), deadline);
                    pending.remove(name);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof TopicExistsException) {
                        // Idempotent by design: several tests or components may declare the same topic.
                        LOG.debug("Kafka topic '{}' exists already", name);
                        pending.remove(name);
                    } else if (cause instanceof RetriableException
                            || cause instanceof InvalidReplicationFactorException) {
                        // InvalidReplicationFactor also means "no broker registered yet" right after startup.
                        lastError = cause;
                    } else {
                        throw new KafkaException("could not create Kafka topic '" + name + "': " + cause, cause);
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    lastError = e;
                }
            }
            if (!pending.isEmpty()) {
                backoff = sleep(backoff, deadline);
            }
        }
        awaitReady(admin, names, deadline, timeout);
    }

    /**
     * Waits until every partition of the topics has a leader and the leader's log directories list it, i.e.
     * until an idempotent producer can safely send. For topics created elsewhere.
     *
     * @param admin   the admin client (not closed here)
     * @param topics  the topic names
     * @param timeout bound for the wait
     * @throws TimeoutException   when a topic is not ready in time; the message names it and says what is missing
     * @throws InterruptException when the calling thread is interrupted (the interrupt flag stays set)
     */
    public static void awaitTopicsReady(Admin admin, Collection<String> topics, Duration timeout) {
        Objects.requireNonNull(admin, "admin");
        awaitReady(admin, new LinkedHashSet<>(topics), System.nanoTime() + timeout.toNanos(), timeout);
    }

    private static void awaitReady(Admin admin, Set<String> topics, long deadline, Duration timeout) {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            NotReady notReady;
            try {
                notReady = firstNotReady(admin, topics, deadline);
            } catch (ExecutionException e) {
                notReady = new NotReady(topics.iterator().next(), "the cluster did not answer: " + e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                notReady = new NotReady(topics.iterator().next(), "the cluster did not answer in time");
            }
            if (notReady == null) {
                return;
            }
            if (remainingMillis(deadline) <= 0) {
                throw new TimeoutException("Kafka topic '" + notReady.topic() + "' not ready within " + timeout + ": "
                        + notReady.reason());
            }
            backoff = sleep(backoff, deadline);
        }
    }

    /** Returns the first topic that is not ready yet and why, or null when all are ready. */
    private static NotReady firstNotReady(Admin admin, Set<String> topics, long deadline)
            throws ExecutionException, java.util.concurrent.TimeoutException {
        if (topics.isEmpty()) {
            return null;
        }
        int callTimeout = (int) Math.max(1, Math.min(remainingMillis(deadline), MAX_CALL_MILLIS));
        Map<String, KafkaFuture<TopicDescription>> futures = admin
                .describeTopics(topics, new DescribeTopicsOptions().timeoutMs(callTimeout))
                .topicNameValues();
        Map<TopicPartition, Integer> leaders = new LinkedHashMap<>();
        for (String topic : topics) {
            TopicDescription description;
            try {
                description = get(futures.get(topic), deadline);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return new NotReady(topic, "it does not exist (yet)");
                }
                throw e;
            }
            for (TopicPartitionInfo partition : description.partitions()) {
                Node leader = partition.leader();
                if (leader == null || leader.isEmpty() || leader.id() < 0) {
                    return new NotReady(topic, "partition " + partition.partition() + " has no leader");
                }
                leaders.put(new TopicPartition(topic, partition.partition()), leader.id());
            }
        }
        // A leader in the metadata is not enough: the broker must also have created the partition's log.
        Map<Integer, Map<String, LogDirDescription>> logDirs = get(admin
                .describeLogDirs(new HashSet<>(leaders.values()), new DescribeLogDirsOptions().timeoutMs(callTimeout))
                .allDescriptions(), deadline);
        Map<Integer, Set<TopicPartition>> hosted = new HashMap<>();
        for (Map.Entry<Integer, Map<String, LogDirDescription>> broker : logDirs.entrySet()) {
            Set<TopicPartition> partitions = hosted.computeIfAbsent(broker.getKey(), id -> new HashSet<>());
            for (LogDirDescription dir : broker.getValue().values()) {
                if (dir.error() != null) {
                    continue; // an offline log directory hosts nothing
                }
                for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                    if (!replica.getValue().isFuture()) { // a future replica is a move in progress, not the log
                        partitions.add(replica.getKey());
                    }
                }
            }
        }
        for (Map.Entry<TopicPartition, Integer> entry : leaders.entrySet()) {
            if (!hosted.getOrDefault(entry.getValue(), Set.of()).contains(entry.getKey())) {
                return new NotReady(entry.getKey().topic(), "partition " + entry.getKey().partition()
                        + " is not yet in the log directories of its leader, broker " + entry.getValue());
            }
        }
        return null;
    }

    private static <T> T get(KafkaFuture<T> future, long deadline)
            throws ExecutionException, java.util.concurrent.TimeoutException {
        try {
            // A little past the deadline: the call carries its own timeout and should report it first.
            return future.get(Math.max(1, remainingMillis(deadline)) + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        }
    }

    private static long sleep(long backoff, long deadline) {
        try {
            Thread.sleep(Math.max(1, Math.min(backoff, remainingMillis(deadline))));
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        }
        return Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
    }

    private static long remainingMillis(long deadline) {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    /** Why a topic is not ready; only for the timeout message. */
    private record NotReady(String topic, String reason) {
    }
}
