# The seller API: HTTP service, live page and /metrics.
#
# Build context is the repository root, after `mvn -B package -DskipTests`:
#   docker build -f docker/seller-api.Dockerfile -t leadflow/seller-api .
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 leadflow \
 && useradd --system --uid 10001 --gid leadflow --home-dir /opt/leadflow --no-create-home --shell /usr/sbin/nologin leadflow \
 && mkdir -p /opt/leadflow /etc/leadflow && chown leadflow:leadflow /opt/leadflow

COPY --chown=leadflow:leadflow seller-api/target/leadflow-seller-api-*.jar /opt/leadflow/seller-api.jar

USER 10001:10001
WORKDIR /opt/leadflow
EXPOSE 8080
# Configuration through LEADFLOW_API_* variables (see docs/operations.md, "Deploy"); the users file is mounted.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-Djava.io.tmpdir=/tmp", "-jar", "/opt/leadflow/seller-api.jar"]
