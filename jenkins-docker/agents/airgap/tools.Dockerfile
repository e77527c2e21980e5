# Air-gapped toolchain for the tools agent: Debian's Python and docker CLI (docker.io)
# with docker-compose 1.29; the daemon it carries is never started.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv python3-pip docker.io docker-compose \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /usr/local/libexec/docker/cli-plugins \
 && touch /usr/local/libexec/docker/cli-plugins/.keep
