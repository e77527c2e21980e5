# The shared first layer of the air-gapped toolchains: what the agent layer needs (a Java
# runtime for agent.jar, git, curl, CA certificates), installed once for every language
# instead of once per agent image.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends default-jre-headless git curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
