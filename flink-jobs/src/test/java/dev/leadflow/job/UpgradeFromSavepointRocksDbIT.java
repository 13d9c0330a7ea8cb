package dev.leadflow.job;

/** {@link UpgradeFromSavepointIT} with every release keeping its state in RocksDB. */
class UpgradeFromSavepointRocksDbIT extends UpgradeFromSavepointIT {

    @Override
    JobSettings.StateBackend stateBackend() {
        return JobSettings.StateBackend.ROCKSDB;
    }
}
