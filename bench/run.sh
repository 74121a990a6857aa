#!/usr/bin/env bash
# One command: write a Qwen2.5-0.5B-shaped Q8_0 random model, start the gateway on loopback, and
# compare HTTP with the in-process engine, then measure 1/4/8 concurrent streams, then many conversations
# over few slots (the prompt cache). BENCH_ONLY=conversations runs only the last.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-$(mktemp -d)}
port=${BENCH_PORT:-18080}
model="$work/qwen2.5-0.5b-q8_0.gguf"
key="vk_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"

dotnet build Verge.Orleans.sln -c Release -v quiet -nologo
[ -f "$model" ] || dotnet Silo/bin/Release/net10.0/linux-x64/Verge.Orleans.Silo.dll write-model random "$model" qwen2.5-0.5b q8_0

dotnet Gateway/bin/Release/net10.0/linux-x64/Verge.Orleans.Gateway.dll \
  --Urls "http://127.0.0.1:$port" --Verge:DataDirectory "$work" --Verge:BootstrapAdminKey "$key" --Verge:Cluster:Storage Memory \
  --Verge:Models:0:Name bench --Verge:Models:0:Path "$model" --Verge:Models:0:Parallel 8 \
  --Verge:Models:0:ContextSize 1024 --Verge:Models:0:Cores "$(nproc)" \
  --Verge:Models:1:Name bench4 --Verge:Models:1:Path "$model" --Verge:Models:1:Parallel 4 \
  --Verge:Models:1:ContextSize 512 --Verge:Models:1:Cores "$(nproc)" --Verge:Models:1:MaxQueue 64 \
  --Verge:Models:2:Name bench4c --Verge:Models:2:Path "$model" --Verge:Models:2:Parallel 4 \
  --Verge:Models:2:ContextSize 2048 --Verge:Models:2:Cores "$(nproc)" --Verge:Models:2:MaxQueue 64 \
  --Verge:Models:2:PromptCacheMiB "${BENCH_PROMPT_CACHE_MIB:-256}" \
  --Verge:Silo:SiloPort "${BENCH_SILO_PORT:-21111}" --Verge:Silo:GatewayPort "${BENCH_GATEWAY_PORT:-23000}" --Logging:LogLevel:Default Warning &
gateway=$!
trap 'kill $gateway 2>/dev/null; wait $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/models" >/dev/null && break; sleep 0.2; done

dotnet bench/Bench/bin/Release/net10.0/linux-x64/Verge.Orleans.Bench.dll "$model" "http://127.0.0.1:$port/v1" bench "$key" "${BENCH_TOKENS:-128}" bench4 bench4c
