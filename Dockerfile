# syntax=docker/dockerfile:1
# Flux Speed server and worker (one image, two commands), and the nginx front of the stack.
#   docker build -t flux-speed .                           the server/worker image (last stage)
#   docker build --target nginx -t flux-speed-nginx .      TLS termination and static assets
ARG NODE_IMAGE=node:20.19-bookworm-slim
ARG DEBIAN_IMAGE=debian:bookworm-slim

# Every dependency, to build the web UI.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY web ./web
COPY src ./src
RUN npm run build:web

# Production dependencies only (tsx runs the TypeScript sources: there is no compile step).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# nginx from Debian, the same package the repository's tests run the configuration with.
FROM ${DEBIAN_IMAGE} AS nginx
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light openssl ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
 && mkdir -p /etc/nginx/tls /var/cache/nginx/flux /usr/share/flux-speed
COPY deploy/nginx/ /opt/flux-speed-nginx/
RUN chmod 755 /opt/flux-speed-nginx/entrypoint.sh /opt/flux-speed-nginx/ensure-cert.sh
COPY --from=build /app/web/dist /usr/share/flux-speed/web
ENV NGINX_PORT=4041 FLUX_UPSTREAM=flux-speed-web:4040 NGINX_TLS_DIR=/etc/nginx/tls
VOLUME /etc/nginx/tls
EXPOSE 4041
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["sh", "-c", "curl -fsk -o /dev/null https://127.0.0.1:${NGINX_PORT}/healthz"]
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/opt/flux-speed-nginx/entrypoint.sh"]

# The server and worker: `server` (default), `worker`, `migrate`, `all`.
FROM ${NODE_IMAGE} AS app
ENV NODE_ENV=production DATA_DIR=/data PORT=4040 HOST=0.0.0.0
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY src ./src
COPY --from=build /app/web/dist ./web/dist
COPY deploy/docker-entrypoint.sh /usr/local/bin/flux-speed-entrypoint
RUN chmod 755 /usr/local/bin/flux-speed-entrypoint /app/bin/flux-speed.js /app/bin/flux-speed-healthcheck.js \
 && ln -s /app/bin/flux-speed.js /usr/local/bin/flux-speed \
 && ln -s /app/bin/flux-speed-healthcheck.js /usr/local/bin/flux-speed-healthcheck \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 4040
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=3 CMD ["flux-speed-healthcheck"]
ENTRYPOINT ["flux-speed-entrypoint"]
CMD ["server"]
