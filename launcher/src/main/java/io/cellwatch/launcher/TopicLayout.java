package io.cellwatch.launcher;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.cellwatch.kafka.embedded.KafkaTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topics CellWatch needs and how they are laid out. Samples are keyed by channel id, so the partition count is
 * the job's useful source parallelism; alerts are few; dead letters fewer. Replication 1 fits the single embedded
 * broker; a plant cluster creates them with replication 3 (docs/deploy.md).
 */
public final class TopicLayout {
    private TopicLayout() {
    }

    public static List<NewTopic> topics(final String samples, final String alerts, final String deadLetters,
                                        final int samplePartitions, final short replication) {
        return List.of(
            new NewTopic(samples, samplePartitions, replication),
            new NewTopic(alerts, 2, replication),
            new NewTopic(deadLetters, 1, replication));
    }

    /**
     * Checks that an external cluster has the topics.
     *
     * @throws IllegalStateException naming the missing topics and how to create them
     */
    public static void requireExisting(final String bootstrapServers, final List<String> names) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            final Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            final List<String> missing = names.stream().filter(n -> !existing.contains(n)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("Kafka at " + bootstrapServers + " lacks the topics " + missing
                    + "; create them first with the plant's replication (see docs/deploy.md)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics at " + bootstrapServers, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics of Kafka at " + bootstrapServers + ": " + e, e);
        }
    }

    /** Creates the topics if missing and waits until every partition is hosted (producing earlier loses data). */
    public static void ensure(final String bootstrapServers, final List<NewTopic> topics) {
        KafkaTopics.createTopics(bootstrapServers, topics);
    }
}
