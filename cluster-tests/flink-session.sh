#!/usr/bin/env bash
# A Flink 2.2 session cluster of separate processes from Flink's artifacts on Maven Central, as FlinkClusterIT
# starts it: ./flink-session.sh jobmanager | taskmanager | stop
#   build the distribution first (lib/ and plugins/ under cluster-tests/target/flink):
#     mvn -B -pl cluster-tests -am package -DskipTests
#   then, with a config.yaml in $FLINK_CONF_DIR (default cluster-tests/conf, written on first use):
#     ./cluster-tests/flink-session.sh jobmanager && ./cluster-tests/flink-session.sh taskmanager
#   submit the job jar through the REST API (http://127.0.0.1:8081 by default), e.g.
#     curl -F jarfile=@flink-jobs/target/leadflow-flink-jobs-0.1.0-SNAPSHOT-job.jar http://127.0.0.1:8081/jars/upload
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FLINK_HOME="${FLINK_HOME:-$here/target/flink}"
FLINK_CONF_DIR="${FLINK_CONF_DIR:-$here/conf}"
FLINK_LOG_DIR="${FLINK_LOG_DIR:-$here/target/flink-log}"
export FLINK_PLUGINS_DIR="${FLINK_PLUGINS_DIR:-$FLINK_HOME/plugins}" FLINK_CONF_DIR

[[ -d "$FLINK_HOME/lib" ]] || { echo "no $FLINK_HOME/lib: run mvn -B -pl cluster-tests -am package -DskipTests" >&2; exit 1; }
mkdir -p "$FLINK_CONF_DIR" "$FLINK_LOG_DIR"
if [[ ! -f "$FLINK_CONF_DIR/config.yaml" ]]; then
  cat > "$FLINK_CONF_DIR/config.yaml" <<YAML
jobmanager.rpc.address: 127.0.0.1
rest.address: 127.0.0.1
rest.port: 8081
taskmanager.numberOfTaskSlots: 2
jobmanager.memory.process.size: 768m
taskmanager.memory.process.size: 1280m
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: 9249-9259
YAML
fi
[[ -f "$FLINK_CONF_DIR/log4j.properties" ]] || cat > "$FLINK_CONF_DIR/log4j.properties" <<'PROPS'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n
PROPS

cp="$FLINK_HOME/lib/*"
opens=(-XX:+IgnoreUnrecognizedVMOptions --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED)
for p in java.lang java.net java.io java.nio sun.nio.ch java.lang.reflect java.text java.time java.util \
         java.util.concurrent java.util.concurrent.atomic java.util.concurrent.locks; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done

# what Flink's own scripts do: BashJavaUtils turns config.yaml's memory sizes into JVM options and dynamic properties
resources() {
  java -cp "$cp" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" -c "$FLINK_CONF_DIR" | grep '^BASH_JAVA_UTILS_EXEC_RESULT:' | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

start() { # name, main class, resource command
  mapfile -t r < <(resources "$3")
  # shellcheck disable=SC2086
  nohup java ${r[0]} "${opens[@]}" -Dlog.file="$FLINK_LOG_DIR/$1.log" \
    -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j.properties" -classpath "$cp" "$2" \
    --configDir "$FLINK_CONF_DIR" ${r[1]} > "$FLINK_LOG_DIR/$1.out" 2>&1 &
  echo $! >> "$FLINK_LOG_DIR/pids"
  echo "started $1 (pid $!), log $FLINK_LOG_DIR/$1.log"
}

case "${1:-}" in
  jobmanager) start jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS ;;
  taskmanager) start "taskmanager-$(date +%s%N)" org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS ;;
  stop) [[ -f "$FLINK_LOG_DIR/pids" ]] && xargs -r kill < "$FLINK_LOG_DIR/pids" 2>/dev/null; rm -f "$FLINK_LOG_DIR/pids"; echo stopped ;;
  *) echo "usage: $0 jobmanager | taskmanager | stop" >&2; exit 2 ;;
esac
