# Air-gapped toolchain for the Go agent: Debian's Go and gotestsum; GOPROXY=off, so
# modules must be vendored or come from the standard library.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends golang-go gotestsum gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
ENV GOPROXY=off \
    GOFLAGS=-mod=mod
