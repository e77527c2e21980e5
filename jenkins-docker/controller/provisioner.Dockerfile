# The jenkinsbridge toolkit in an image, to run the agent provisioner
# (`jenkinsbridge agents run CONFIG`) beside the controller.
# Build context: the repository root (docker build -f jenkins-docker/controller/provisioner.Dockerfile .).
ARG BASE_IMAGE=python:3.12-slim-bookworm
FROM ${BASE_IMAGE}
RUN if ! command -v python3 >/dev/null; then \
      apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-venv ca-certificates \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && python3 -m venv /opt/jenkinsbridge
COPY pyproject.toml README.md /src/
COPY jenkinsbridge/ /src/jenkinsbridge/
COPY job_templates/ /src/job_templates/
COPY wizard/ /src/wizard/
RUN /opt/jenkinsbridge/bin/pip install --no-cache-dir /src && rm -rf /src
ENV PATH=/opt/jenkinsbridge/bin:$PATH
ENTRYPOINT ["jenkinsbridge"]
CMD ["agents", "run", "/etc/jenkinsbridge/agents.yaml"]
