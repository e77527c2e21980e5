# Deploy one environment with the jenkinsbridge command line. Values come from the
# environment: JB_SPEC, JB_JOB, JB_ENV, JB_IMAGE_REF (when an image was pushed) and,
# for a TLS endpoint, DOCKER_CERT_PATH bound by withCredentials(dockerCert).
set -eu
set --
if [ -n "${JB_IMAGE_REF:-}" ]; then set -- --image "$JB_IMAGE_REF"; fi
if [ -n "${DOCKER_CERT_PATH:-}" ]; then DOCKER_TLS_VERIFY=1; export DOCKER_TLS_VERIFY; fi
jenkinsbridge deploy "$JB_SPEC" --job "$JB_JOB" --env "$JB_ENV" "$@"
