# The traffic generator: `leadflow generate` from the launcher, producing realistic clickstream,
# campaign and sales events into Kafka with schemas in the Schema Registry.
#
# Build context is the repository root, after `mvn -B package -DskipTests`:
#   docker build -f docker/generator.Dockerfile -t leadflow/generator .
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 leadflow \
 && useradd --system --uid 10001 --gid leadflow --home-dir /opt/leadflow --no-create-home --shell /usr/sbin/nologin leadflow \
 && mkdir -p /opt/leadflow && chown leadflow:leadflow /opt/leadflow

COPY --chown=leadflow:leadflow launcher/target/leadflow-launcher-*.jar /opt/leadflow/leadflow.jar

USER 10001:10001
WORKDIR /opt/leadflow
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/leadflow/leadflow.jar", "generate"]
