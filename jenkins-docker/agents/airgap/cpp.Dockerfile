# Air-gapped toolchain for the C++ agent: Debian's GCC, CMake, Make, Ninja, GoogleTest,
# gcovr and clang-tidy.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make ninja-build cmake libgtest-dev gcovr clang-tidy \
 && rm -rf /var/lib/apt/lists/*
