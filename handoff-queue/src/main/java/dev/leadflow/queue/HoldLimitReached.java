package dev.leadflow.queue;

/** A claim refused because the claimant already holds the most leads of the queue allowed at once. */
public final class HoldLimitReached extends RuntimeException {

    private final String queue;
    private final long held;
    private final int limit;

    public HoldLimitReached(String queue, long held, int limit) {
        super("you hold " + held + " leads of queue " + queue + " and at most " + limit
                + " may be held at once: accept, reject or release one before claiming another");
        this.queue = queue;
        this.held = held;
        this.limit = limit;
    }

    public String queue() {
        return queue;
    }

    public long held() {
        return held;
    }

    public int limit() {
        return limit;
    }
}
