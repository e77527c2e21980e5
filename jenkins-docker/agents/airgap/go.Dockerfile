# Air-gapped toolchain for the Go agent: Debian's Go, gotestsum, govulncheck (reads a
# mirrored database from GOVULNDB=file:///...) and staticcheck (the lint stage's fallback:
# Debian has no golangci-lint); GOPROXY=off, so
# modules must be vendored or come from the standard library.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends golang-go gotestsum go-staticcheck govulncheck gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
ENV GOPROXY=off \
    GOFLAGS=-mod=mod
