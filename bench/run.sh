#!/usr/bin/env bash
# One command: write a Qwen2.5-0.5B-shaped Q8_0 random model and a 384-dimension embedding model, start
# the gateway on loopback, compare HTTP with the in-process engine, measure 1/4/8 concurrent streams,
# constrained generation, fairness, many conversations over few slots (the prompt cache), then embeddings
# over HTTP against LLamaSharp's batch API, and the same conversations over two workers (prefix routing).
# BENCH_SUITES="chat embeddings front" picks suites (front is opt-in: it starts a cluster on a throwaway
# PostgreSQL and compares generation through the YARP front with generation straight to a gateway, in
# paired rounds: BENCH_FRONT_PAIRS, 8 by default);
# BENCH_ONLY=conversations runs only the prompt cache figures of the chat suite, BENCH_ONLY=routing only
# the two-worker routing figure, BENCH_ONLY=table only issue #15's table (every figure against LLamaSharp driven
# directly on the same file, on an assistant of 8 slots x 4096 tokens).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-$(mktemp -d)}
port=${BENCH_PORT:-18080}
suites=${BENCH_SUITES:-chat embeddings}
model="$work/qwen2.5-0.5b-q8_0-v2.gguf" # v2: filler tokens are normal, not user-defined
embedding="$work/embedding-small-q8_0.gguf"
pg() { # a PostgreSQL tool, as the postgres user when we are root (PostgreSQL refuses root)
  local tool=$1; shift
  local bin
  bin=$(command -v "$tool" || ls -d /usr/lib/postgresql/*/bin/"$tool" 2>/dev/null | sort -V | tail -1)
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$bin" "$@"; else "$bin" "$@"; fi
}
key="vk_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"

dotnet build Verge.Orleans.sln -c Release -v quiet -nologo
[ -f "$model" ] || dotnet Silo/bin/Release/net10.0/linux-x64/Verge.Orleans.Silo.dll write-model random "$model" qwen2.5-0.5b q8_0
[ -f "$embedding" ] || dotnet Silo/bin/Release/net10.0/linux-x64/Verge.Orleans.Silo.dll write-model embedding "$embedding"

bench=bench/Bench/bin/Release/net10.0/linux-x64/Verge.Orleans.Bench.dll
pids=()
stop_all() { # newest first (the front before its gateways, gateways before the silo); nothing outlives the run
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.2; done
    kill -9 "${pids[i]}" 2>/dev/null || true
  done
  [[ -z ${pg_dir:-} ]] || pg pg_ctl -D "$pg_dir" -m fast -w stop >/dev/null || true
}
trap stop_all EXIT

if [[ " $suites " == *" chat "* || " $suites " == *" embeddings "* ]]; then
  dotnet Standalone/bin/Release/net10.0/linux-x64/Verge.Orleans.Standalone.dll \
    --Urls "http://127.0.0.1:$port" --Verge:DataDirectory "$work" --Verge:BootstrapAdminKey "$key" --Verge:Cluster:Storage Memory \
    --Verge:Models:0:Name bench --Verge:Models:0:Path "$model" --Verge:Models:0:Parallel 8 \
    --Verge:Models:0:ContextSize 1024 --Verge:Models:0:Cores "$(nproc)" \
    --Verge:Models:1:Name bench4 --Verge:Models:1:Path "$model" --Verge:Models:1:Parallel 4 \
    --Verge:Models:1:ContextSize 512 --Verge:Models:1:Cores "$(nproc)" --Verge:Models:1:MaxQueue 64 \
    --Verge:Models:2:Name bench4c --Verge:Models:2:Path "$model" --Verge:Models:2:Parallel 4 \
    --Verge:Models:2:ContextSize 2048 --Verge:Models:2:Cores "$(nproc)" --Verge:Models:2:MaxQueue 64 \
    --Verge:Models:2:PromptCacheMiB "${BENCH_PROMPT_CACHE_MIB:-256}" \
    --Verge:Models:3:Name bench-embed --Verge:Models:3:Path "$embedding" --Verge:Models:3:Embedding true \
    --Verge:Models:3:Parallel 64 --Verge:Models:3:ContextSize 512 --Verge:Models:3:Cores "$(nproc)" \
    --Verge:Models:4:Name bench4r --Verge:Models:4:Path "$model" --Verge:Models:4:Parallel 4 \
    --Verge:Models:4:ContextSize 2048 --Verge:Models:4:Cores "$(nproc)" --Verge:Models:4:MaxQueue 64 \
    --Verge:Models:4:MinWorkers 2 --Verge:Models:4:MaxWorkers 2 --Verge:Models:4:PromptCacheMiB "${BENCH_PROMPT_CACHE_MIB:-256}" \
    --Verge:Models:5:Name bench8k --Verge:Models:5:Path "$model" --Verge:Models:5:Parallel 8 \
    --Verge:Models:5:ContextSize 4096 --Verge:Models:5:Cores "$(nproc)" \
    --Verge:Silo:SiloPort "${BENCH_SILO_PORT:-21111}" --Verge:Silo:GatewayPort "${BENCH_GATEWAY_PORT:-23000}" --Logging:LogLevel:Default Warning &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/models" >/dev/null && break; sleep 0.2; done
fi
if [[ " $suites " == *" chat "* ]]; then
  dotnet $bench "$model" "http://127.0.0.1:$port/v1" bench "$key" "${BENCH_TOKENS:-128}" bench4 bench4c bench4r bench8k
fi
if [[ " $suites " == *" embeddings "* ]]; then
  dotnet $bench embeddings "$embedding" "http://127.0.0.1:$port/v1" bench-embed "$key"
fi
if [[ " $suites " == *" front "* ]]; then
  # PostgreSQL, one silo serving the model, two gateways and the front, as deploy/local-cluster.sh runs them;
  # the single-process server of the other suites is stopped first (its cores are the figure's).
  stop_all
  pids=()
  pg_dir="$work/pg"; pg_port=${BENCH_PG_PORT:-25432}
  mkdir -p "$pg_dir" "$work/cluster"
  if [[ $(id -u) == 0 ]]; then chmod 755 "$work"; chown postgres:postgres "$pg_dir"; fi
  [[ -f "$pg_dir/PG_VERSION" ]] || pg initdb -D "$pg_dir" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  pg pg_ctl -D "$pg_dir" -l "$pg_dir/server.log" -w start -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $pg_dir -c fsync=off" >/dev/null
  cluster=(Verge__Cluster__Storage=PostgreSql "Verge__Cluster__ConnectionString=Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
    Verge__Cluster__ClusterId=bench-$$ Verge__Cluster__ServiceId=bench-$$ Verge__DataDirectory="$work/cluster"
    Verge__BootstrapAdminKey="$key" Logging__LogLevel__Default=Warning)
  run_host() { local project=$1; shift; (cd "$project/bin/Release/net10.0/linux-x64" && exec env "${cluster[@]}" "$@" dotnet "Verge.Orleans.$project.dll") & pids+=($!); }
  run_host Silo Verge__Silo__SiloPort="${BENCH_SILO_PORT:-21111}" Verge__Silo__GatewayPort="${BENCH_GATEWAY_PORT:-23000}" \
    Verge__Models__0__Name=bench Verge__Models__0__Path="$model" Verge__Models__0__Parallel=8 \
    Verge__Models__0__ContextSize=1024 Verge__Models__0__Cores="$(nproc)"
  run_host Gateway Urls="http://127.0.0.1:$((port + 1))"
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$((port + 1))/health/ready" >/dev/null && break; sleep 0.2; done
  run_host Gateway Urls="http://127.0.0.1:$((port + 2))"
  run_host Front Urls="http://127.0.0.1:$((port + 3))"
  for _ in $(seq 1 300); do curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$((port + 3))/v1/models" >/dev/null && break; sleep 0.2; done
  sleep 3 # the front reads the gateway directory every 2 s: let it see both gateways
  dotnet $bench front "http://127.0.0.1:$((port + 3))/v1" "http://127.0.0.1:$((port + 1))/v1" bench "$key" "${BENCH_TOKENS:-128}"
fi
