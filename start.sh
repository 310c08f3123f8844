#!/usr/bin/env bash
# Flux Speed with Docker: creates .env on first run (random secrets, demo data), builds the
# images, starts the database and Redis, applies migrations, starts everything, waits until it
# is healthy, then prints the URLs and the admin password.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'start.sh: %s\n' "$*" >&2; exit 1; }

if docker compose version >/dev/null 2>&1; then
  compose() { docker compose "$@"; }
elif command -v docker-compose >/dev/null 2>&1; then
  compose() { docker-compose "$@"; }
else
  die "Docker with the compose plugin (or docker-compose) is required: https://docs.docker.com/engine/install/"
fi
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (is it running, and may this user use it?)"

secret() {
  if command -v openssl >/dev/null 2>&1; then openssl rand -hex "$1"; else head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; fi
}

# Reads one variable from .env (the last assignment wins, as for compose).
env_value() { sed -n "s/^$1=//p" .env | tail -n 1; }

first_run=false
if [ ! -f .env ]; then
  say "first run: creating .env with generated secrets (demo data on)"
  sed -e "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=$(secret 18)/" \
      -e "s/^REDIS_PASSWORD=.*/REDIS_PASSWORD=$(secret 18)/" \
      -e "s/^JWT_SECRET=.*/JWT_SECRET=$(secret 32)/" \
      -e "s/^AGENT_REGISTRATION_TOKEN=.*/AGENT_REGISTRATION_TOKEN=$(secret 16)/" \
      -e "s/^SEED_DEMO=.*/SEED_DEMO=true/" \
      .env.example > .env
  chmod 600 .env
  first_run=true
fi

say "building the images"
compose build

say "starting PostgreSQL and Redis"
compose up -d flux-speed-db flux-speed-redis

wait_healthy() {
  local container=$1 timeout=$2 waited=0 status
  while :; do
    status=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$container" 2>/dev/null || echo missing)
    case "$status" in
      healthy) return 0 ;;
      unhealthy | exited | dead) compose logs --tail 50 "$container" >&2 || true; die "$container is $status" ;;
    esac
    [ "$waited" -ge "$timeout" ] && { compose logs --tail 50 "$container" >&2 || true; die "$container not healthy after ${timeout} s (status: $status)"; }
    sleep 2
    waited=$((waited + 2))
  done
}
wait_healthy flux-speed-db 120
wait_healthy flux-speed-redis 60

say "applying database migrations"
compose run --rm --no-deps flux-speed-web migrate

say "starting Flux Speed"
compose up -d
[ "$first_run" = true ] && say "first run: seeding demo data (about 30 s)"
wait_healthy flux-speed-web 180
wait_healthy flux-speed-nginx 60
wait_healthy flux-speed-worker 120

web_port=$(env_value WEB_PORT); web_port=${web_port:-4040}
nginx_port=$(env_value NGINX_PORT); nginx_port=${nginx_port:-4041}
adminer_port=$(env_value ADMINER_PORT); adminer_port=${adminer_port:-6046}
password=$(env_value ADMIN_PASSWORD)
if [ -z "$password" ]; then
  password=$(compose exec -T flux-speed-web cat /data/initial-admin-password 2>/dev/null | tr -d '\r\n' || true)
fi

cat <<INFO

Flux Speed is running.

  Web UI + API   http://localhost:${web_port}
  HTTPS (nginx)  https://localhost:${nginx_port}   (self-signed certificate unless you mounted one)
  API docs       http://localhost:${web_port}/api/docs
  Adminer        http://localhost:${adminer_port}   (server flux-speed-db:5440, user $(env_value POSTGRES_USER), password POSTGRES_PASSWORD in .env)

  Sign in as     admin / ${password:-"(not available: it was set before; reset with: docker exec -it flux-speed-web flux-speed user passwd admin)"}

  Deploy an agent: see docs/deployment.md ("Deploying an agent"); registration token AGENT_REGISTRATION_TOKEN in .env.
  Logs: docker compose logs -f    Stop: docker compose down
INFO
