package dev.leadflow.launcher.oracle;

import dev.leadflow.job.JobSettings;

/** {@link QueueOracleIT} with the job's state in RocksDB (incremental checkpoints). */
class QueueOracleRocksDbIT extends QueueOracleIT {

    @Override
    JobSettings.StateBackend stateBackend() {
        return JobSettings.StateBackend.ROCKSDB;
    }
}
