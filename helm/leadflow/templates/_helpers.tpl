{{/* Chart name, overridable. */}}
{{- define "leadflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name prefix of every resource: <release>-<chart>, or the release name when it already
contains the chart name. Kept to 50 characters so that suffixes (-seller-api, -credentials) fit 63.
*/}}
{{- define "leadflow.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "leadflow.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "leadflow.labels" -}}
helm.sh/chart: {{ include "leadflow.chart" . }}
{{ include "leadflow.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "leadflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "leadflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Names and selectors of the workloads. */}}
{{- define "leadflow.job.name" -}}
{{- printf "%s-job" (include "leadflow.fullname" .) }}
{{- end }}

{{- define "leadflow.outcomes.name" -}}
{{- printf "%s-outcomes" (include "leadflow.fullname" .) }}
{{- end }}

{{/* The FlinkDeployments rendered, as a JSON list of {name, component}: the scoring job, the outcomes job. */}}
{{- define "leadflow.flinkDeployments" -}}
{{- $out := list }}
{{- if .Values.job.enabled }}
{{- $out = append $out (dict "name" (include "leadflow.job.name" .) "component" "job") }}
{{- end }}
{{- if .Values.outcomes.enabled }}
{{- $out = append $out (dict "name" (include "leadflow.outcomes.name" .) "component" "outcomes") }}
{{- end }}
{{- toJson $out }}
{{- end }}

{{- define "leadflow.sellerApi.name" -}}
{{- printf "%s-seller-api" (include "leadflow.fullname" .) }}
{{- end }}

{{- define "leadflow.sellerApi.selectorLabels" -}}
{{ include "leadflow.selectorLabels" . }}
app.kubernetes.io/component: seller-api
{{- end }}

{{- define "leadflow.collector.name" -}}
{{- printf "%s-collector" (include "leadflow.fullname" .) }}
{{- end }}

{{- define "leadflow.collector.selectorLabels" -}}
{{ include "leadflow.selectorLabels" . }}
app.kubernetes.io/component: collector
{{- end }}


{{/* The Secret holding every credential (never created by the chart). */}}
{{- define "leadflow.secretName" -}}
{{- default (printf "%s-credentials" (include "leadflow.fullname" .)) .Values.credentials.existingSecret }}
{{- end }}

{{/* image: <repository>:<tag or appVersion> */}}
{{- define "leadflow.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) }}
{{- end }}

{{/* Storage directories, each defaulting under storage.baseUri. */}}
{{- define "leadflow.checkpointDir" -}}
{{- default (printf "%s/checkpoints" (trimSuffix "/" .Values.storage.baseUri)) .Values.storage.checkpointDir }}
{{- end }}
{{- define "leadflow.savepointDir" -}}
{{- default (printf "%s/savepoints" (trimSuffix "/" .Values.storage.baseUri)) .Values.storage.savepointDir }}
{{- end }}
{{- define "leadflow.haDir" -}}
{{- default (printf "%s/ha" (trimSuffix "/" .Values.storage.baseUri)) .Values.storage.haDir }}
{{- end }}

{{/* Name of the model ConfigMap, empty when the job uses the model built into the jar. */}}
{{- define "leadflow.modelConfigMap" -}}
{{- if .Values.job.model.existingConfigMap }}
{{- .Values.job.model.existingConfigMap }}
{{- else if .Values.job.model.content }}
{{- printf "%s-model" (include "leadflow.fullname" .) }}
{{- end }}
{{- end }}

{{/*
Kafka client properties as environment variables the applications read:
LEADFLOW_KAFKA_PROP_<PROPERTY> for the job (dots become underscores), and the same for the API.
*/}}
{{- define "leadflow.kafkaPropertyEnv" -}}
{{- range $k, $v := .properties }}
- name: {{ printf "%s%s" $.prefix ($k | upper | replace "." "_" | replace "-" "_") }}
  value: {{ $v | toString | quote }}
{{- end }}
{{- end }}
