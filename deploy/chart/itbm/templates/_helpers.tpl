{{- define "itbm.fullname" -}}
{{- printf "%s-itbm" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "itbm.labels" -}}
app.kubernetes.io/name: itbm
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.release.version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "itbm.env" -}}
{{- range $key, $value := .Values.env }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- range .Values.secretFiles }}
- name: {{ .env }}
  value: {{ printf "/run/secrets/%s" .name | quote }}
{{- end }}
{{- end -}}
