# The scoring job image: Flink 2.2 with the shaded job jar in /opt/flink/usrlib, where both the
# standalone application mode (docker/compose.yaml: "standalone-job") and the Flink Kubernetes
# Operator (jarURI local:///opt/flink/usrlib/leadflow-flink-jobs-job.jar) find it.
#
# Build context is the repository root, after `mvn -B package -DskipTests`:
#   docker build -f docker/job.Dockerfile -t leadflow/job .
FROM flink:2.2-java17

# Flink's Prometheus reporter ships as a plugin of the distribution; make sure it is in plugins/
# (older images kept optional reporters in opt/), and add the S3 file system plugin for checkpoints,
# savepoints and HA metadata on object storage (Helm chart). The reporter itself is switched on by
# configuration: metrics.reporter.prom.factory.class / metrics.reporter.prom.port.
RUN set -eux; \
    cd /opt/flink; \
    if ! ls plugins/metrics-prometheus/flink-metrics-prometheus-*.jar >/dev/null 2>&1; then \
      mkdir -p plugins/metrics-prometheus; \
      cp opt/flink-metrics-prometheus-*.jar plugins/metrics-prometheus/; \
    fi; \
    mkdir -p plugins/s3-fs-presto; \
    cp opt/flink-s3-fs-presto-*.jar plugins/s3-fs-presto/; \
    mkdir -p usrlib checkpoints savepoints; \
    chown -R flink:flink usrlib checkpoints savepoints plugins

COPY --chown=flink:flink flink-jobs/target/leadflow-flink-jobs-*-job.jar /opt/flink/usrlib/leadflow-flink-jobs-job.jar

# Flink's user (uid 9999); the image's entrypoint runs as it directly when not started as root.
USER flink
