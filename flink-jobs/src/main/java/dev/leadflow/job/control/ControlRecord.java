package dev.leadflow.job.control;

import dev.leadflow.job.ingest.DeadLetter;

/** What the control source emits: a decoded and validated {@link Control} or a dead letter, never both. */
public class ControlRecord {
    public Control control;
    public DeadLetter deadLetter;

    public ControlRecord() {}

    static ControlRecord of(Control control) {
        ControlRecord r = new ControlRecord();
        r.control = control;
        return r;
    }

    static ControlRecord dead(DeadLetter deadLetter) {
        ControlRecord r = new ControlRecord();
        r.deadLetter = deadLetter;
        return r;
    }
}
