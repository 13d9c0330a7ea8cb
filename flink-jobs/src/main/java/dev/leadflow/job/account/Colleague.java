package dev.leadflow.job.account;

/**
 * Another engaged person of a handed-off lead's account, as the seller who claims the lead sees them: the
 * buying committee by name. A Flink POJO.
 */
public class Colleague {

    /** People named in one handoff at most: the committee's size is in {@code engagedLeads}. */
    public static final int SHOWN = 5;

    public String name;
    public String title;

    public Colleague() {}

    public Colleague(String name, String title) {
        this.name = name;
        this.title = title;
    }
}
