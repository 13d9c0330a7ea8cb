package dev.leadflow.queue;

/** Test actions whose payload tells which action wrote it. */
final class Leads {

    private Leads() {
    }

    static QueueAction enqueue(String queue, String lead, String handoff, long version, double priority,
                               long enqueuedAt) {
        return QueueAction.enqueue(queue, lead, handoff, version, priority, payload(lead, version), enqueuedAt);
    }

    static QueueAction update(String queue, String lead, String handoff, long version, double priority,
                              long enqueuedAt) {
        return QueueAction.update(queue, lead, handoff, version, priority, payload(lead, version), enqueuedAt);
    }

    static String payload(String lead, long version) {
        return "{\"leadId\":\"" + lead + "\",\"version\":" + version + "}";
    }
}
