package dev.leadflow.job;

import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** What the broadcast operator harnesses do not offer themselves. */
final class Harnesses {

    private Harnesses() {}

    /** Keyed state entries of the harness's operator, over all keys and states (heap backend). */
    static int keyedStateEntries(AbstractStreamOperatorTestHarness<?> harness) {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }
}
