# Air-gapped toolchain for the PHP agent: Debian's PHP CLI with ext-dom/ext-mbstring, and
# Composer, PHPUnit, the PCOV coverage driver and PHP_CodeSniffer from Debian (phpunit and
# phpcs on PATH).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends php-cli php-xml php-mbstring php-curl composer phpunit php-pcov php-codesniffer unzip \
 && rm -rf /var/lib/apt/lists/*
