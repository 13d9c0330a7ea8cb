package dev.leadflow.queue;

/**
 * One entry of a queue's change stream.
 *
 * @param id       the stream entry id, to resume after
 * @param leadId   the lead changed; null for {@link Type#ERASE}, which names no lead (its version and
 *                 priority are 0): some lead was erased and its earlier changes are gone from the stream
 * @param at       epoch ms of the change (the time part of the id, Redis server clock)
 * @param claimant who claimed, settled or lost the lease; null for the job's actions
 * @param reason   the reject reason, else null
 */
public record QueueChange(String id, Type type, String leadId, long version, double priority, long at,
                          String claimant, String reason) {

    /**
     * {@code TARGET}: the lead's response target was set or tightened; {@code ESCALATE}: it passed a
     * deadline unclaimed and an escalation step was taken (a move to an overflow queue shows as a
     * {@code WITHDRAW} with reason {@code overflow:<queue>}).
     */
    public enum Type { ENQUEUE, UPDATE, WITHDRAW, CLAIM, ACCEPT, REJECT, RELEASE, EXPIRE, ERASE, TARGET, ESCALATE }
}
