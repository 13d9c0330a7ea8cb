package dev.leadflow.scoring;

import java.util.Objects;

/**
 * One line of a lead's story for the seller: when, which side of the house ({@code web}, {@code campaign},
 * {@code sales}) and what happened, in words ("Viewed pricing", "Attended webinar 'q3-launch'", "Call by s17 —
 * no answer"). Never changed once made: lists of them are shared between updates. A Flink POJO.
 */
public final class StoryEntry {

    public long at;
    public String source;
    public String what;

    public StoryEntry() {}

    public StoryEntry(long at, String source, String what) {
        this.at = at;
        this.source = source;
        this.what = what;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoryEntry e && at == e.at && Objects.equals(source, e.source) && Objects.equals(what, e.what);
    }

    @Override
    public int hashCode() {
        return Objects.hash(at, source, what);
    }

    @Override
    public String toString() {
        return at + " " + source + " " + what;
    }
}
