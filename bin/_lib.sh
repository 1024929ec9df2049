# Shared by bin/run and bin/test: install what is missing, start a private PostgreSQL and Redis.
# Sourced, not run. Everything it starts lives under var/ (git-ignored) and is stopped by stop_services.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STARTED_PG=()
STARTED_REDIS=()

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_system_packages() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_venv() {
  local stamp="$VENV/.requirements.sha256" want
  want=$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" | sha256sum | cut -d' ' -f1)
  if [ ! -x "$PY" ]; then
    log "creating the Python virtual environment in .venv"
    python3 -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing Python dependencies"
    "$PY" -m pip install -q --disable-pip-version-check -r "$ROOT/requirements-dev.txt"
    echo "$want" >"$stamp"
  fi
}

# local_secret_key: print this checkout's Django key, made once under ${VAR:-$ROOT/var} (mode
# 0600) and kept, so bin/run's sessions survive a restart. Django itself no longer makes one up
# when DEBUG is off: a server must set SECRET_KEY, and bin/run passes this one.
local_secret_key() {
  local file="${VAR:-$ROOT/var}/secret_key"
  if [ ! -s "$file" ]; then
    mkdir -p "$(dirname "$file")"
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' >"$file")
  fi
  chmod 600 "$file"
  cat "$file"
}

pg_bindir() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# start_postgres DIR PORT: a private cluster on 127.0.0.1:PORT, user "budget", trust auth.
start_postgres() {
  local dir="$1" port="$2" bin
  bin=$(pg_bindir)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$(dirname "$dir")"; then
    # The checkout sits where the postgres user cannot reach (say under /root): keep the
    # cluster outside it, at a path fixed for this checkout so a second run finds it again.
    local alt="/var/tmp/budget-review-$(echo "$dir" | sha1sum | cut -c1-12)"
    mkdir -p "$alt"
    rmdir "$dir" 2>/dev/null || true
    [ -L "$dir" ] || ln -s "$alt" "$dir"
    dir="$alt"
  fi
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir" && chmod 700 "$dir"
  PG_DATA_DIR="$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "creating a PostgreSQL cluster in ${dir#"$ROOT"/}"
    as_pg "$bin/initdb" -D "$dir" -U budget --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    log "PostgreSQL already running on port $port"
  else
    as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=${PG_FSYNC:-on}" start >/dev/null
    STARTED_PG+=("$dir")
  fi
  as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U budget -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='budget'" | grep -q 1 ||
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U budget budget
}

# start_redis DIR PORT [persist]: a private Redis on 127.0.0.1:PORT.
start_redis() {
  local dir="$1" port="$2" persist="${3:-no}"
  mkdir -p "$dir"
  if redis-cli -p "$port" ping >/dev/null 2>&1; then
    log "Redis already running on port $port"
    return
  fi
  local save=(--save "")
  [ "$persist" = yes ] && save=(--save "60 1" --appendonly yes)
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" "${save[@]}"
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  STARTED_REDIS+=("$port")
}

stop_services() {
  local dir port
  for port in "${STARTED_REDIS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  for dir in "${STARTED_PG[@]}"; do as_pg "$(pg_bindir)/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true; done
}
