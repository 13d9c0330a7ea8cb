package dev.leadflow.job.account;

import dev.leadflow.job.types.AccountTallySerializer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What the prioritizer keeps per account besides its members: the size of the buying committee and
 * the leads with an open handoff, in the order they were enqueued. A committee change re-prioritizes
 * only those, not every member: accounts such as a university or a competitor gather thousands of
 * members and hardly any open handoff. Serialized by {@link AccountTallySerializer}.
 */
@TypeInfo(AccountTallySerializer.Factory.class)
public class AccountTally {

    /** Engaged leads of the account. */
    public int engaged;
    /** Lead ids with an open handoff, oldest first. */
    public List<String> open = new ArrayList<>();

    public AccountTally() {}

    /** Nothing left worth keeping. */
    public boolean isEmpty() {
        return engaged == 0 && open.isEmpty();
    }
}
