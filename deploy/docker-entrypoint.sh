#!/bin/sh
# Entry point of the flux-speed and flux-speed-agent images.
#   server | worker | all   apply migrations (retrying while the database starts), then run it;
#                           the server seeds the demo data itself when SEED_DEMO=true (once)
#   migrate                 apply migrations and exit
#   agent                   run a test agent (SPEED_SERVER_URL, AGENT_NAME, AGENT_LOCATION, AGENT_TOKEN)
#   anything else           run as given (e.g. `sh`, or `flux-speed user passwd admin`)
# FLUX_SPEED_BIN names the flux-speed executable (default: flux-speed on PATH).
set -eu

flux="${FLUX_SPEED_BIN:-flux-speed}"
[ "$#" -eq 0 ] && set -- server

log() { echo "flux-speed-entrypoint: $*" >&2; }

migrate_until_ready() {
  tries="${MIGRATE_RETRIES:-30}"
  attempt=1
  while :; do
    status=0
    "$flux" migrate || status=$?
    [ "$status" -eq 0 ] && return 0
    # 2 is a configuration error: retrying cannot help.
    if [ "$status" -eq 2 ] || [ "$attempt" -ge "$tries" ]; then
      log "migrations failed (exit $status after $attempt attempt(s)); not starting"
      exit "$status"
    fi
    log "database not ready (attempt $attempt/$tries), retrying in 2 s"
    attempt=$((attempt + 1))
    sleep 2
  done
}

case "$1" in
  server | worker | all)
    if [ "${MIGRATE_ON_START:-true}" = "true" ]; then
      migrate_until_ready
    fi
    exec "$flux" "$@"
    ;;
  migrate)
    migrate_until_ready
    ;;
  agent | user | token | help | --help)
    exec "$flux" "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
