package dev.leadflow.scoring;

/** What an evaluation did to the lead's one handoff. */
public enum Transition {
    NONE,
    /** A new handoff was opened; its id is {@code leadId-handoffSeq}. */
    OPENED,
    /** The open handoff ended: withdrawn by scoring, or accepted/rejected by a seller. */
    CLOSED
}
