package io.vhdflow.pipeline.camel;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;

/**
 * The work queue on an Apache Artemis broker, for several workers: the {@code jms} component the
 * routes' {@code vhdflow.queue.*} URIs name (see {@link CamelSettings}), connected to
 * {@code vhdflow.broker.url}.
 */
public final class JmsWorkQueue {
    /** The broker queue carrying one message (the job id) per job. */
    public static final String QUEUE = "vhdflow.jobs";
    /** Where the broker moves a message delivered too often without a commit (broker.xml's dead-letter-address). */
    public static final String DEAD_LETTERS = "DLQ";

    private JmsWorkQueue() {
    }

    /** Binds the {@code jms} component to the broker at {@code url}. */
    public static void bind(CamelContext context, String url) {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
        // No prefetch: a message stays in the broker until a worker has a free slot, so an idle node
        // takes the next job instead of it waiting behind a busy node's running ones.
        factory.setConsumerWindowSize(0);
        // A node that cannot reach the broker keeps trying, and says so in the log, instead of stopping.
        factory.setReconnectAttempts(-1);
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(factory);
        context.addComponent("jms", jms);
    }
}
