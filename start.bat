@echo off
rem Flux Speed with Docker Desktop: creates .env on first run (random secrets, demo data), builds
rem the images, starts the database and Redis, applies migrations, starts everything, waits until
rem it is healthy, then prints the URLs and the admin password.
setlocal EnableExtensions EnableDelayedExpansion
cd /d "%~dp0"

set "COMPOSE=docker compose"
docker compose version >nul 2>&1
if errorlevel 1 (
  docker-compose version >nul 2>&1
  if errorlevel 1 (
    echo start.bat: Docker Desktop with compose is required: https://docs.docker.com/desktop/
    exit /b 1
  )
  set "COMPOSE=docker-compose"
)
docker info >nul 2>&1
if errorlevel 1 (
  echo start.bat: the Docker engine does not answer; start Docker Desktop and try again
  exit /b 1
)

set FIRST_RUN=0
if not exist .env (
  echo ==^> first run: creating .env with generated secrets ^(demo data on^)
  powershell -NoProfile -ExecutionPolicy Bypass -Command ^
    "$r = { -join ((1..$args[0]) | ForEach-Object { '{0:x2}' -f (Get-Random -Maximum 256) }) };" ^
    "(Get-Content .env.example) | ForEach-Object {" ^
    "  $_ -replace '^POSTGRES_PASSWORD=.*', ('POSTGRES_PASSWORD=' + (& $r 18))" ^
    "     -replace '^REDIS_PASSWORD=.*', ('REDIS_PASSWORD=' + (& $r 18))" ^
    "     -replace '^JWT_SECRET=.*', ('JWT_SECRET=' + (& $r 32))" ^
    "     -replace '^AGENT_REGISTRATION_TOKEN=.*', ('AGENT_REGISTRATION_TOKEN=' + (& $r 16))" ^
    "     -replace '^SEED_DEMO=.*', 'SEED_DEMO=true'" ^
    "} | Set-Content -Encoding ascii .env"
  if errorlevel 1 exit /b 1
  set FIRST_RUN=1
)

echo ==^> building the images
%COMPOSE% build || exit /b 1

echo ==^> starting PostgreSQL and Redis
%COMPOSE% up -d flux-speed-db flux-speed-redis || exit /b 1
call :wait_healthy flux-speed-db 120 || exit /b 1
call :wait_healthy flux-speed-redis 60 || exit /b 1

echo ==^> applying database migrations
%COMPOSE% run --rm --no-deps flux-speed-web migrate || exit /b 1

echo ==^> starting Flux Speed
%COMPOSE% up -d || exit /b 1
if "%FIRST_RUN%"=="1" echo ==^> first run: seeding demo data ^(about 30 s^)
call :wait_healthy flux-speed-web 180 || exit /b 1
call :wait_healthy flux-speed-nginx 60 || exit /b 1
call :wait_healthy flux-speed-worker 120 || exit /b 1

set "WEB_PORT=4040"
set "NGINX_PORT=4041"
set "ADMINER_PORT=6046"
set "PASSWORD="
for /f "usebackq tokens=1,* delims==" %%a in (".env") do (
  if "%%a"=="WEB_PORT" if not "%%b"=="" set "WEB_PORT=%%b"
  if "%%a"=="NGINX_PORT" if not "%%b"=="" set "NGINX_PORT=%%b"
  if "%%a"=="ADMINER_PORT" if not "%%b"=="" set "ADMINER_PORT=%%b"
  if "%%a"=="ADMIN_PASSWORD" set "PASSWORD=%%b"
)
if "%PASSWORD%"=="" (
  for /f "usebackq delims=" %%p in (`%COMPOSE% exec -T flux-speed-web cat /data/initial-admin-password 2^>nul`) do set "PASSWORD=%%p"
)
if "%PASSWORD%"=="" set "PASSWORD=(not available: reset with docker exec -it flux-speed-web flux-speed user passwd admin)"

echo.
echo Flux Speed is running.
echo.
echo   Web UI + API   http://localhost:%WEB_PORT%
echo   HTTPS (nginx)  https://localhost:%NGINX_PORT%   (self-signed certificate unless you mounted one)
echo   API docs       http://localhost:%WEB_PORT%/api/docs
echo   Adminer        http://localhost:%ADMINER_PORT%   (server flux-speed-db:5440, credentials in .env)
echo.
echo   Sign in as     admin / %PASSWORD%
echo.
echo   Deploy an agent: see docs\deployment.md; registration token AGENT_REGISTRATION_TOKEN in .env.
echo   Logs: %COMPOSE% logs -f    Stop: %COMPOSE% down
exit /b 0

:wait_healthy
set /a WAITED=0
:wait_loop
set "STATUS=missing"
for /f "usebackq delims=" %%s in (`docker inspect --format "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}" %1 2^>nul`) do set "STATUS=%%s"
if "%STATUS%"=="healthy" exit /b 0
if "%STATUS%"=="unhealthy" goto wait_failed
if "%STATUS%"=="exited" goto wait_failed
if %WAITED% geq %2 goto wait_failed
timeout /t 2 /nobreak >nul
set /a WAITED+=2
goto wait_loop
:wait_failed
%COMPOSE% logs --tail 50 %1
echo start.bat: %1 is not healthy after %WAITED% s (status: %STATUS%)
exit /b 1
