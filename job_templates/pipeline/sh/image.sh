# Build, tag and push the application image. Every value comes from the environment
# (withEnv / withCredentials); nothing from the spec is spliced into this text.
#   JB_IMAGE_REPO  registry/repository   JB_IMAGE_TAGS  tag templates, space separated
#   JB_DOCKERFILE, JB_CONTEXT, JB_TARGET (optional), JB_BUILD_ARGS (names; values in env)
#   JB_BRANCH      branch when BRANCH_NAME is unset (pipeline jobs)
#   JB_REGISTRY_USERNAME / JB_REGISTRY_PASSWORD  set only when the spec names credentials
set -eu
set -f
mkdir -p .jenkinsbridge
DOCKER_CONFIG="$(pwd)/.jenkinsbridge/docker-config"
export DOCKER_CONFIG
mkdir -p "$DOCKER_CONFIG"
trap 'rm -rf "$DOCKER_CONFIG"' EXIT
if [ -n "${JB_REGISTRY_PASSWORD:-}" ]; then
  printf '%s' "$JB_REGISTRY_PASSWORD" | docker login --username "$JB_REGISTRY_USERNAME" --password-stdin "${JB_IMAGE_REPO%%/*}"
fi
commit=$(git rev-parse HEAD)
short_commit=$(printf '%s' "$commit" | cut -c1-7)
build=$BUILD_NUMBER
# a tag holds [A-Za-z0-9_.-] and starts with neither '.' nor '-' (as sanitize_tag does)
sanitize() { sed -e 's/[^A-Za-z0-9_.-][^A-Za-z0-9_.-]*/-/g' -e 's/^[.-]*//'; }
branch=$(printf '%s' "${BRANCH_NAME:-$JB_BRANCH}" | sanitize)
version=$(git describe --tags --always 2>/dev/null | sanitize)
tags=
for template in $JB_IMAGE_TAGS; do
  tag=$(printf '%s' "$template" | sed -e "s/{commit}/$commit/g" -e "s/{short_commit}/$short_commit/g" \
    -e "s/{build}/$build/g" -e "s/{branch}/${branch:-untagged}/g" -e "s/{version}/${version:-$short_commit}/g" | cut -c1-128)
  tags="$tags $tag"
done
set -- --file "$JB_DOCKERFILE" --label "org.opencontainers.image.revision=$commit"
if [ -n "${JB_TARGET:-}" ]; then set -- "$@" --target "$JB_TARGET"; fi
for name in ${JB_BUILD_ARGS:-}; do set -- "$@" --build-arg "$name"; done
for tag in $tags; do set -- "$@" --tag "$JB_IMAGE_REPO:$tag"; done
docker build "$@" "$JB_CONTEXT"
for tag in $tags; do docker push "$JB_IMAGE_REPO:$tag"; done
first=${tags# }
first=${first%% *}
docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$JB_IMAGE_REPO:$first" \
  | grep -F "$JB_IMAGE_REPO@" | head -n1 > .jenkinsbridge/image-ref
test -s .jenkinsbridge/image-ref
echo "pushed $(cat .jenkinsbridge/image-ref)"
