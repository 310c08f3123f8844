#!/bin/sh
# Entry point of the flux-speed-nginx image: make sure a TLS certificate exists (a self-signed
# one is generated on first start when none is mounted), render nginx.conf from the template,
# then run nginx in the foreground (or the command given).
#
#   NGINX_PORT          HTTPS port                               4041
#   FLUX_UPSTREAM       the web tier, host:port (one or more,    flux-speed-web:4040
#                       separated by spaces)
#   NGINX_TLS_DIR       holds tls.crt and tls.key                /etc/nginx/tls
#   NGINX_TLS_HOSTNAMES names and addresses for a generated      localhost 127.0.0.1
#                       certificate (the first is its CN)
#   NGINX_STATIC_ROOT   directory holding the UI's assets/       /usr/share/flux-speed/web
#   NGINX_STATE_DIR     pid file and temporary files             /var/cache/nginx/flux
#   NGINX_CONF          where the rendered configuration goes    /etc/nginx/nginx.conf
#   NGINX_ACCESS_LOG    access log (the container's output)      /dev/stdout
#   NGINX_ERROR_LOG     error log                                /dev/stderr
#   NGINX_TEMPLATE      the template                             next to this script
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
: "${NGINX_PORT:=4041}"
: "${FLUX_UPSTREAM:=flux-speed-web:4040}"
: "${NGINX_TLS_DIR:=/etc/nginx/tls}"
: "${NGINX_TLS_HOSTNAMES:=localhost 127.0.0.1}"
: "${NGINX_STATIC_ROOT:=/usr/share/flux-speed/web}"
: "${NGINX_STATE_DIR:=/var/cache/nginx/flux}"
: "${NGINX_CONF:=/etc/nginx/nginx.conf}"
: "${NGINX_TEMPLATE:=$here/nginx.conf.template}"
: "${NGINX_ACCESS_LOG:=/dev/stdout}"
: "${NGINX_ERROR_LOG:=/dev/stderr}"

log() { echo "flux-speed-nginx: $*" >&2; }

case "$NGINX_PORT" in
  '' | *[!0-9]*) log "NGINX_PORT must be a port number (got \"$NGINX_PORT\")"; exit 2 ;;
esac

mkdir -p "$NGINX_TLS_DIR" "$NGINX_STATE_DIR"
# The list is split into words on purpose (one name or address per word).
# shellcheck disable=SC2086
"$here/ensure-cert.sh" "$NGINX_TLS_DIR" $NGINX_TLS_HOSTNAMES

upstream_servers=""
for server in $FLUX_UPSTREAM; do
  upstream_servers="${upstream_servers}server ${server} max_fails=3 fail_timeout=10s; "
done

# Only these placeholders are replaced: nginx's own $variables stay as they are.
sed -e "s#\${NGINX_PORT}#${NGINX_PORT}#g" \
    -e "s#\${FLUX_UPSTREAM_SERVERS}#${upstream_servers}#g" \
    -e "s#\${NGINX_TLS_DIR}#${NGINX_TLS_DIR}#g" \
    -e "s#\${NGINX_STATIC_ROOT}#${NGINX_STATIC_ROOT}#g" \
    -e "s#\${NGINX_STATE_DIR}#${NGINX_STATE_DIR}#g" \
    -e "s#\${NGINX_ACCESS_LOG}#${NGINX_ACCESS_LOG}#g" \
    -e "s#\${NGINX_ERROR_LOG}#${NGINX_ERROR_LOG}#g" \
    "$NGINX_TEMPLATE" > "$NGINX_CONF"
log "HTTPS on port $NGINX_PORT in front of $FLUX_UPSTREAM"

if [ "$#" -eq 0 ]; then
  set -- nginx -c "$NGINX_CONF" -g 'daemon off;'
fi
exec "$@"
