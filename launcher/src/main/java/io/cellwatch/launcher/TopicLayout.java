package io.cellwatch.launcher;

import java.util.List;

import io.cellwatch.kafka.embedded.KafkaTopics;
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

    /** Creates the topics if missing and waits until every partition is hosted (producing earlier loses data). */
    public static void ensure(final String bootstrapServers, final List<NewTopic> topics) {
        KafkaTopics.createTopics(bootstrapServers, topics);
    }
}
