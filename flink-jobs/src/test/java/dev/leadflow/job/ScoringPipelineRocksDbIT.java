package dev.leadflow.job;

/** {@link ScoringPipelineIT} with the job's state in RocksDB (incremental checkpoints). */
class ScoringPipelineRocksDbIT extends ScoringPipelineIT {

    @Override
    JobSettings.StateBackend stateBackend() {
        return JobSettings.StateBackend.ROCKSDB;
    }
}
