package dev.leadflow.scoring;

/**
 * Whether fit lets a lead be handed off at all; anything but {@link #OK} blocks every handoff,
 * hand-raisers included. When several apply, COMPETITOR wins over STUDENT over FREE_MAIL_ONLY.
 */
public enum FitGate {
    OK,
    /** Student email domain ({@code .edu}, {@code ac.uk}, ...) or a student title. */
    STUDENT,
    /** Email or company domain of a competitor. */
    COMPETITOR,
    /** A free-mail address and no company domain: nothing says which business this is. */
    FREE_MAIL_ONLY
}
