package dev.leadflow.scoring;

/**
 * A 64-bit string hash that allocates nothing: FNV-1a over the UTF-16 chars, then the MurmurHash3
 * finalizer so that ids differing in one trailing character still spread over all bits. Used for
 * the de-duplication ring (a collision among a lead's few hundred recent ids has odds around
 * 1e-15) and for the model fingerprint.
 */
public final class Hashing {

    private Hashing() {}

    public static long hash64(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
