package dev.leadflow.api;

import java.util.Locale;

/** What a user may do: sellers work their queues; ops read every queue but claim nothing. */
public enum Role {
    SELLER,
    OPS;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Role parse(String text) {
        for (Role role : values()) {
            if (role.id().equals(text)) {
                return role;
            }
        }
        throw new IllegalArgumentException("must be seller or ops, was \"" + text + "\"");
    }
}
