# Air-gapped toolchain for the Java/Maven agent: Debian's JDK 17 and Maven with the
# plugins and JUnit 4 from Debian's Maven repository (/usr/share/maven-repo).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
      libmaven-resources-plugin-java libmaven-compiler-plugin-java libsurefire-java \
      libmaven-jar-plugin-java libmaven-install-plugin-java junit4 \
 && rm -rf /var/lib/apt/lists/*
