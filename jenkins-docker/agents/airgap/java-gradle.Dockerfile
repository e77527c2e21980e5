# Air-gapped toolchain for the Java/Gradle agent: Debian's JDK 17 and gradle, with JUnit 4
# in /usr/share/java for offline builds that declare it as a file dependency.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless gradle junit4 \
 && rm -rf /var/lib/apt/lists/*
