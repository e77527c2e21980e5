# Post the build result to a DingTalk robot. The webhook URL is a secret bound by
# withCredentials; Jenkins item names cannot hold '"' or '\', so printf builds valid JSON.
set -eu
body=$(printf '{"msgtype":"text","text":{"content":"jenkinsbridge: %s #%s %s %s"}}' \
  "$JOB_NAME" "$BUILD_NUMBER" "$JB_BUILD_STATUS" "${BUILD_URL:-}")
curl -fsS -m 10 -H 'Content-Type: application/json' --data-binary "$body" "$JB_DINGTALK_WEBHOOK" >/dev/null \
  || echo 'dingtalk notification failed' >&2
