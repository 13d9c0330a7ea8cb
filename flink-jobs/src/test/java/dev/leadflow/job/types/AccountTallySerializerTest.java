package dev.leadflow.job.types;

import dev.leadflow.job.account.AccountTally;
import java.util.ArrayList;
import java.util.List;

/** Flink's conformance tests for the prioritizer's per-account tally. */
class AccountTallySerializerTest extends OwnSerializerTestBase<AccountTally> {

    AccountTallySerializerTest() {
        super(AccountTallySerializer.INSTANCE, AccountTally.class, false);
    }

    @Override
    protected AccountTally[] getTestData() {
        AccountTally committee = new AccountTally();
        committee.engaged = 4;
        committee.open = new ArrayList<>(List.of("lead-1", "lead-7", "lead-Zoë"));

        AccountTally large = new AccountTally();
        large.engaged = 70_000;

        AccountTally openOnly = new AccountTally();
        openOnly.open = new ArrayList<>(List.of("lead-9"));
        return new AccountTally[] {committee, large, openOnly, new AccountTally()};
    }
}
