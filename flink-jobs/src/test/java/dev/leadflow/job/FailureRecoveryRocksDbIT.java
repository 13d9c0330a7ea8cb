package dev.leadflow.job;

/** {@link FailureRecoveryIT} with the job's state in RocksDB (incremental checkpoints). */
class FailureRecoveryRocksDbIT extends FailureRecoveryIT {

    private static final RecoveryHarness ROCKSDB =
            new RecoveryHarness(KAFKA, REDIS, "mock://failure-recovery-rocksdb-it", JobSettings.StateBackend.ROCKSDB);

    @Override
    RecoveryHarness harness() {
        return ROCKSDB;
    }
}
