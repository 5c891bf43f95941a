{{/*
Names, labels and the pieces the gateway Deployment and the migration Job share.
*/}}

{{- define "polku.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's full name, at most 63 characters (a DNS label).
*/}}
{{- define "polku.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The Job's name leaves room for "-migrate" within 63 characters, since the
Job's name becomes a label value on its pod.
*/}}
{{- define "polku.migrateName" -}}
{{- printf "%s-migrate" (include "polku.fullname" . | trunc 55 | trimSuffix "-") }}
{{- end }}

{{- define "polku.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "polku.selectorLabels" -}}
app.kubernetes.io/name: {{ include "polku.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "polku.labels" -}}
helm.sh/chart: {{ include "polku.chart" . }}
{{ include "polku.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: polku
{{- end }}

{{/*
The component label keeps the migration pods out of the gateway's Service,
PodDisruptionBudget and NetworkPolicy.
*/}}
{{- define "polku.gatewaySelectorLabels" -}}
{{ include "polku.selectorLabels" . }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "polku.migrateSelectorLabels" -}}
{{ include "polku.selectorLabels" . }}
app.kubernetes.io/component: migrate
{{- end }}

{{- define "polku.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "polku.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "polku.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
POLKU_LISTEN is a socket address, so an IPv6 host needs brackets.
*/}}
{{- define "polku.listen" -}}
{{- $port := .Values.containerPort | int }}
{{- if contains ":" .Values.listenHost }}
{{- printf "[%s]:%d" .Values.listenHost $port }}
{{- else }}
{{- printf "%s:%d" .Values.listenHost $port }}
{{- end }}
{{- end }}

{{/*
One environment variable read from a Secret. Called with a dict:
  env  - the variable's name
  ref  - the {name, key} value
  path - the value's path, for the message when the name is missing
*/}}
{{- define "polku.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "%s.name must name an existing Secret" .path) .ref.name | quote }}
      key: {{ required (printf "%s.key must name a key in that Secret" .path) .ref.key | quote }}
{{- end }}

{{/*
Logging and tracing, read by every command that starts telemetry (serve and
migrate alike).
*/}}
{{- define "polku.telemetryEnv" -}}
- name: RUST_LOG
  value: {{ .Values.telemetry.logFilter | quote }}
- name: POLKU_LOG_FORMAT
  value: {{ .Values.telemetry.logFormat | quote }}
{{- with .Values.telemetry.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- end }}

{{- define "polku.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser | int }}
runAsGroup: {{ .Values.securityContext.runAsGroup | int }}
fsGroup: {{ .Values.securityContext.runAsGroup | int }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "polku.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser | int }}
runAsGroup: {{ .Values.securityContext.runAsGroup | int }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Stops rendering on settings the gateway would only refuse at start-up, or that
would make Kubernetes kill it mid-drain.
*/}}
{{- define "polku.checks" -}}
{{- $auth := .Values.auth }}
{{- if not (or $auth.jwksUrl $auth.jwksSecret.name) }}
{{- fail "auth: set auth.jwksUrl or auth.jwksSecret.name; without one the gateway cannot verify tokens and refuses to start (the development token secret is not for clusters)" }}
{{- end }}
{{- if and $auth.jwksUrl $auth.jwksSecret.name }}
{{- fail "auth: set auth.jwksUrl or auth.jwksSecret.name, not both (the gateway would silently prefer the file)" }}
{{- end }}
{{- $drain := add (.Values.preStopSleepSeconds | int) (.Values.shutdownGracePeriodSeconds | int) }}
{{- if lt (.Values.terminationGracePeriodSeconds | int) $drain }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be at least preStopSleepSeconds + shutdownGracePeriodSeconds (%d), or pods are killed while draining" (.Values.terminationGracePeriodSeconds | int) $drain) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (not (dig "requests" "cpu" "" .Values.resources)) }}
{{- fail "autoscaling: the CPU target is a share of resources.requests.cpu, so set it" }}
{{- end }}
{{- end }}

{{/*
NetworkPolicy: one TCP egress rule from {port, to}; an empty `to` allows that port to any
destination, since a managed database or collector often has no fixed address.
*/}}
{{- define "polku.egressRule" -}}
- ports:
    - port: {{ .port | int }}
      protocol: TCP
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{- define "polku.dnsEgress" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
