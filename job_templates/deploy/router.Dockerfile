# The jenkinsbridge deploy router: nginx in front of the colors (or replicas) of one app.
# Its configuration is written by jenkinsbridge (nginx.conf.j2) and applied with
# `nginx -s reload`, which lets in-flight requests finish on the old workers.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light curl \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
    && mkdir -p /var/lib/jenkinsbridge
COPY nginx.conf /etc/nginx/nginx.conf
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
