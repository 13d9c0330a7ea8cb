# The collector: Segment's HTTP Tracking API and the CRM webhook, /metrics.
#
# Build context is the repository root, after `mvn -B package -DskipTests`:
#   docker build -f docker/collector.Dockerfile -t leadflow/collector .
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 leadflow \
 && useradd --system --uid 10001 --gid leadflow --home-dir /opt/leadflow --no-create-home --shell /usr/sbin/nologin leadflow \
 && mkdir -p /opt/leadflow /etc/leadflow && chown leadflow:leadflow /opt/leadflow

COPY --chown=leadflow:leadflow collector/target/leadflow-collector-*.jar /opt/leadflow/collector.jar

USER 10001:10001
WORKDIR /opt/leadflow
EXPOSE 8090
# Configuration through LEADFLOW_COLLECTOR_* variables (docs/collector.md); the keys file is mounted.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Djava.io.tmpdir=/tmp", "-jar", "/opt/leadflow/collector.jar"]
