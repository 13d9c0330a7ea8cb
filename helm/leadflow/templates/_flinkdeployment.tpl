{{/*
One FlinkDeployment (application mode) of the job jar; the scoring job and the outcomes job are both
rendered from it (flinkdeployment.yaml). Arguments (a dict):
  root        the chart's context
  name        the FlinkDeployment's name (the operator labels its pods app: <name>)
  component   app.kubernetes.io/component of the deployment and its pods
  entryClass  the job's main class
  v           the job's values: those of `job`, or those of `outcomes` over the pod settings of `job`
  checkpointDir, savepointDir
  redis       whether the job writes to Redis (its URI and TLS files are mounted)
  modelCm     the model ConfigMap to mount and pass as --model; empty: none
  env         extra LEADFLOW_* variables of this job (list of name/value)
*/}}
{{- define "leadflow.flinkDeployment" -}}
{{- $root := .root }}
{{- $v := .v }}
{{- $secret := include "leadflow.secretName" $root }}
{{- $modelCm := .modelCm }}
{{- $redis := .redis }}
{{- $registryAuth := $root.Values.credentials.registryUserKey }}
{{- $slots := int $v.taskManager.slots }}
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: {{ .name }}
  labels:
    {{- include "leadflow.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  image: {{ include "leadflow.image" (dict "image" $v.image "root" $root) | quote }}
  imagePullPolicy: {{ $v.image.pullPolicy }}
  flinkVersion: {{ $v.flinkVersion }}
  serviceAccount: {{ $v.serviceAccount }}
  flinkConfiguration:
    {{- $conf := dict
      "taskmanager.numberOfTaskSlots" ($slots | toString)
      "state.backend.type" $v.stateBackend
      "execution.checkpointing.incremental" (eq $v.stateBackend "rocksdb" | toString)
      "execution.checkpointing.dir" .checkpointDir
      "execution.checkpointing.savepoint-dir" .savepointDir
      "high-availability.type" "kubernetes"
      "high-availability.storageDir" (include "leadflow.haDir" $root)
      "metrics.reporter.prom.factory.class" "org.apache.flink.metrics.prometheus.PrometheusReporterFactory"
      "metrics.reporter.prom.port" ($v.metricsPort | toString)
    }}
    {{- if $v.periodicSavepointInterval }}
    {{- $_ := set $conf "kubernetes.operator.periodic.savepoint.interval" $v.periodicSavepointInterval }}
    {{- end }}
    {{- range $k, $val := $v.flinkConfiguration }}
    {{- $_ := set $conf $k ($val | toString) }}
    {{- end }}
    {{- range $k, $val := $conf }}
    {{ $k }}: {{ $val | quote }}
    {{- end }}
  jobManager:
    replicas: {{ $v.jobManager.replicas }}
    resource:
      cpu: {{ $v.jobManager.resources.cpu }}
      memory: {{ $v.jobManager.resources.memory | quote }}
  taskManager:
    resource:
      cpu: {{ $v.taskManager.resources.cpu }}
      memory: {{ $v.taskManager.resources.memory | quote }}
  podTemplate:
    metadata:
      labels:
        {{- include "leadflow.selectorLabels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ .component }}
      annotations:
        {{- if and $modelCm $root.Values.job.model.content }}
        # a new model changes the spec, so the operator upgrades the job (via savepoint)
        checksum/model: {{ $root.Values.job.model.content | sha256sum }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        # the operator merges this into the JobManager's and TaskManagers' Flink container
        - name: flink-main-container
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          ports:
            - name: metrics
              containerPort: {{ $v.metricsPort }}
              protocol: TCP
          env:
            # the job's options (JobSettings): flags win, these LEADFLOW_* variables are the fallback
            - name: LEADFLOW_BOOTSTRAP_SERVERS
              value: {{ $root.Values.kafka.bootstrapServers | quote }}
            - name: LEADFLOW_REGISTRY_URL
              value: {{ $root.Values.schemaRegistry.url | quote }}
            - name: LEADFLOW_GROUP_ID
              value: {{ $v.groupId | quote }}
            - name: LEADFLOW_START_FROM
              value: {{ $v.startFrom | quote }}
            - name: LEADFLOW_CHECKPOINT_INTERVAL
              value: {{ $v.checkpointInterval | quote }}
            - name: LEADFLOW_CHECKPOINT_DIR
              value: {{ .checkpointDir | quote }}
            - name: LEADFLOW_PARALLELISM
              value: {{ $v.parallelism | quote }}
            - name: LEADFLOW_CHECKPOINT_TIMEOUT
              value: {{ $v.checkpointTimeout | quote }}
            - name: LEADFLOW_TOLERABLE_CHECKPOINT_FAILURES
              value: {{ $v.tolerableCheckpointFailures | quote }}
            - name: LEADFLOW_MAX_PARALLELISM
              value: {{ $v.maxParallelism | quote }}
            {{- range .env }}
            - name: {{ .name }}
              value: {{ .value | quote }}
            {{- end }}
            {{- if $redis }}
            # secrets are read from files mounted from the existing Secret, never from values
            - name: LEADFLOW_REDIS_URI_FILE
              value: /etc/leadflow/secrets/redis-uri
            {{- if $root.Values.redisTls.secretName }}
            - name: LEADFLOW_REDIS_TLS_CA_FILE
              value: /etc/leadflow/redis-tls/ca.crt
            {{- if $root.Values.redisTls.certKey }}
            - name: LEADFLOW_REDIS_TLS_CERT_FILE
              value: /etc/leadflow/redis-tls/client.crt
            - name: LEADFLOW_REDIS_TLS_KEY_FILE
              value: /etc/leadflow/redis-tls/client.key
            {{- end }}
            - name: LEADFLOW_REDIS_TLS_VERIFY_HOSTNAME
              value: {{ $root.Values.redisTls.verifyHostname | quote }}
            {{- end }}
            {{- end }}
            {{- if $registryAuth }}
            - name: LEADFLOW_REGISTRY_USER
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: {{ $registryAuth }}
            - name: LEADFLOW_REGISTRY_PASSWORD_FILE
              value: /etc/leadflow/secrets/registry-password
            {{- end }}
            {{- if $root.Values.credentials.kafkaSaslJaasConfigKey }}
            - name: LEADFLOW_KAFKA_PROP_SASL_JAAS_CONFIG
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: {{ $root.Values.credentials.kafkaSaslJaasConfigKey }}
            {{- end }}
            {{- include "leadflow.kafkaPropertyEnv" (dict "properties" $root.Values.kafka.properties "prefix" "LEADFLOW_KAFKA_PROP_") | nindent 12 }}
            {{- with $v.env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          volumeMounts:
            {{- if or $redis $registryAuth }}
            - name: credentials
              mountPath: /etc/leadflow/secrets
              readOnly: true
            {{- end }}
            {{- if and $redis $root.Values.redisTls.secretName }}
            - name: redis-tls
              mountPath: /etc/leadflow/redis-tls
              readOnly: true
            {{- end }}
            {{- if $modelCm }}
            - name: model
              mountPath: /etc/leadflow/model
              readOnly: true
            {{- end }}
      volumes:
        {{- if or $redis $registryAuth }}
        - name: credentials
          secret:
            secretName: {{ $secret }}
            defaultMode: 0440
            items:
              {{- if $redis }}
              - key: {{ $root.Values.credentials.redisUriKey }}
                path: redis-uri
              {{- end }}
              {{- if $registryAuth }}
              - key: {{ $root.Values.credentials.registryPasswordKey }}
                path: registry-password
              {{- end }}
        {{- end }}
        {{- if and $redis $root.Values.redisTls.secretName }}
        - name: redis-tls
          secret:
            secretName: {{ $root.Values.redisTls.secretName }}
            defaultMode: 0440
            items:
              - key: {{ $root.Values.redisTls.caKey }}
                path: ca.crt
              {{- if $root.Values.redisTls.certKey }}
              - key: {{ $root.Values.redisTls.certKey }}
                path: client.crt
              - key: {{ $root.Values.redisTls.keyKey }}
                path: client.key
              {{- end }}
        {{- end }}
        {{- if $modelCm }}
        - name: model
          configMap:
            name: {{ $modelCm }}
            items:
              - key: model.yaml
                path: model.yaml
        {{- end }}
  job:
    jarURI: {{ $v.jarURI }}
    entryClass: {{ .entryClass }}
    parallelism: {{ $v.parallelism }}
    upgradeMode: {{ $v.upgradeMode }}
    state: {{ $v.state }}
    allowNonRestoredState: {{ $v.allowNonRestoredState }}
    {{- if or $modelCm $v.extraArgs }}
    args:
      {{- if $modelCm }}
      - --model
      - /etc/leadflow/model/model.yaml
      {{- end }}
      {{- range $v.extraArgs }}
      - {{ . | quote }}
      {{- end }}
    {{- end }}
{{- end }}
