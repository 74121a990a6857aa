#!/usr/bin/env bash
# The cluster mode as plain processes on loopback, no Docker: PostgreSQL, two silos (the first one
# gpu-marked), two gateways (Orleans clients, the "AI-helpers") and the YARP front on http://127.0.0.1:8080,
# the one address clients use (the gateways listen on 8081 and 8082).
#   deploy/local-cluster.sh start     build, start everything, wait until the front answers
#   deploy/local-cluster.sh stop      SIGTERM the hosts (they drain), then stop PostgreSQL
#   deploy/local-cluster.sh status
# State (database, logs, models, pids) lives in .local-cluster/ (VERGE_LOCAL_CLUSTER overrides).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
state=${VERGE_LOCAL_CLUSTER:-$root/.local-cluster}
pg_port=${VERGE_PG_PORT:-55432}
front_port=${VERGE_FRONT_PORT:-8080}
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"

pg() { # run a PostgreSQL tool, as the postgres user when we are root (PostgreSQL refuses root)
  local tool=$1; shift
  local bin
  bin=$(command -v "$tool" || ls -d /usr/lib/postgresql/*/bin/"$tool" 2>/dev/null | sort -V | tail -1)
  [[ -x "$bin" ]] || { echo "PostgreSQL's $tool is missing: apt-get install postgresql" >&2; exit 1; }
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$bin" "$@"; else "$bin" "$@"; fi
}

host() { # name project extra-env...: start one host in the background, remember its pid
  local name=$1 project=$2; shift 2
  local dll="$root/$project/bin/Release/net10.0/linux-x64/Verge.Orleans.$project.dll"
  (cd "$(dirname "$dll")" && exec env \
      Verge__Cluster__Storage=PostgreSql Verge__Cluster__ConnectionString="$connection" \
      Verge__DataDirectory="$state/data" "$@" dotnet "$dll") >"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
}

start() {
  mkdir -p "$state/pg" "$state/data"
  [[ $(id -u) == 0 ]] && chown postgres:postgres "$state/pg"
  [[ -f "$state/pg/PG_VERSION" ]] || pg initdb -D "$state/pg" -U postgres -A trust -E UTF8 >/dev/null
  pg pg_ctl -D "$state/pg" -l "$state/pg/server.log" -w start \
     -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $state/pg" >/dev/null
  for project in Silo Gateway Front; do dotnet build "$root/$project/$project.csproj" -c Release -v quiet -nologo >/dev/null; done
  host silo-1 Silo Verge__Silo__Gpu=true Verge__Silo__SiloPort=11111 Verge__Silo__GatewayPort=30000
  host silo-2 Silo Verge__Silo__SiloPort=11112 Verge__Silo__GatewayPort=30001
  host gateway-1 Gateway Urls="http://127.0.0.1:$((front_port + 1))"
  # The first gateway creates the admin user of a fresh install: the second starts once it is ready.
  for _ in $(seq 120); do curl -fs "http://127.0.0.1:$((front_port + 1))/health/ready" >/dev/null && break; sleep 1; done
  host gateway-2 Gateway Urls="http://127.0.0.1:$((front_port + 2))"
  host front Front Urls="http://127.0.0.1:$front_port"
  for _ in $(seq 120); do
    if curl -fs "http://127.0.0.1:$front_port/health/ready" >/dev/null; then
      echo "Cluster up: http://127.0.0.1:$front_port (logs in $state; a fresh install prints the admin key in gateway-1.log or gateway-2.log)"
      return
    fi
    sleep 1
  done
  echo "The front did not become ready; see $state/*.log" >&2
  exit 1
}

stop() {
  for name in front gateway-2 gateway-1 silo-2 silo-1; do
    [[ -f "$state/$name.pid" ]] || continue
    pid=$(cat "$state/$name.pid")
    kill -TERM "$pid" 2>/dev/null && while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    rm -f "$state/$name.pid"
  done
  [[ -f "$state/pg/postmaster.pid" ]] && pg pg_ctl -D "$state/pg" -m fast -w stop >/dev/null
  echo "Cluster stopped"
}

status() {
  for name in silo-1 silo-2 gateway-1 gateway-2 front; do
    if [[ -f "$state/$name.pid" ]] && kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then echo "$name: running"; else echo "$name: stopped"; fi
  done
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
