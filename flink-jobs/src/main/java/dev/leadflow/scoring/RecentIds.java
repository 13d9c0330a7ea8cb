package dev.leadflow.scoring;

/**
 * The lead's recently seen event ids (64-bit hashes), for de-duplication. A set-associative table:
 * buckets of {@value #WAYS} slots (64 bytes, about a cache line), newest first; a full bucket forgets its
 * oldest id. A lookup reads one bucket instead of every remembered id, which matters for busy
 * leads. The table starts at one bucket and doubles up to the model's limit, so a quiet lead
 * keeps only a few ids. With one bucket (a limit of {@value #WAYS}) it is exactly the last ids;
 * with more it is about the last {@code limit} ids, as ids spread over the buckets by hash.
 */
public final class RecentIds {

    public static final int WAYS = 8;

    private RecentIds() {}

    static boolean contains(LeadState s, long hash) {
        long[] table = s.recentEventIds;
        if (table == null) {
            return false;
        }
        long id = nonZero(hash);
        int b = bucket(id, table.length);
        for (int w = 0; w < WAYS; w++) {
            if (table[b + w] == id) {
                return true;
            }
        }
        return false;
    }

    /** @param limit ids remembered at most, rounded up to a power of two of at least {@value #WAYS} */
    static void add(LeadState s, long hash, int limit) {
        long[] table = s.recentEventIds;
        if (table == null) {
            table = new long[WAYS];
        } else if (s.recentEventIdCount >= table.length && table.length < capacity(limit)) {
            table = grown(table);
        }
        insert(table, nonZero(hash));
        s.recentEventIds = table;
        s.recentEventIdCount = Math.min(s.recentEventIdCount + 1, table.length);
    }

    private static int capacity(int limit) {
        return Math.max(WAYS, Integer.highestOneBit(Math.max(1, limit - 1)) << 1);
    }

    private static void insert(long[] table, long id) {
        int b = bucket(id, table.length);
        System.arraycopy(table, b, table, b + 1, WAYS - 1);
        table[b] = id;
    }

    /** Twice the buckets; re-inserting each bucket oldest first keeps newest-first order. */
    private static long[] grown(long[] table) {
        long[] bigger = new long[table.length * 2];
        for (int b = 0; b < table.length; b += WAYS) {
            for (int w = WAYS - 1; w >= 0; w--) {
                if (table[b + w] != 0) {
                    insert(bigger, table[b + w]);
                }
            }
        }
        return bigger;
    }

    private static int bucket(long id, int length) {
        return ((int) (id >>> 32) & (length / WAYS - 1)) * WAYS;
    }

    /** 0 marks an empty slot. */
    private static long nonZero(long hash) {
        return hash == 0 ? 1 : hash;
    }
}
