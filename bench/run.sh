#!/usr/bin/env bash
# One command: write a Qwen2.5-0.5B-shaped Q8_0 random model and a 384-dimension embedding model, start
# the gateway on loopback, compare HTTP with the in-process engine, measure 1/4/8 concurrent streams,
# constrained generation, fairness, many conversations over few slots (the prompt cache), then embeddings
# over HTTP against LLamaSharp's batch API. BENCH_SUITES="chat embeddings" picks suites;
# BENCH_ONLY=conversations runs only the prompt cache figures of the chat suite.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-$(mktemp -d)}
port=${BENCH_PORT:-18080}
suites=${BENCH_SUITES:-chat embeddings}
model="$work/qwen2.5-0.5b-q8_0.gguf"
embedding="$work/embedding-small-q8_0.gguf"
key="vk_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"

dotnet build Verge.Orleans.sln -c Release -v quiet -nologo
[ -f "$model" ] || dotnet Silo/bin/Release/net10.0/linux-x64/Verge.Orleans.Silo.dll write-model random "$model" qwen2.5-0.5b q8_0
[ -f "$embedding" ] || dotnet Silo/bin/Release/net10.0/linux-x64/Verge.Orleans.Silo.dll write-model embedding "$embedding"

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
  --Verge:Silo:SiloPort "${BENCH_SILO_PORT:-21111}" --Verge:Silo:GatewayPort "${BENCH_GATEWAY_PORT:-23000}" --Logging:LogLevel:Default Warning &
gateway=$!
trap 'kill $gateway 2>/dev/null; wait $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/models" >/dev/null && break; sleep 0.2; done

bench=bench/Bench/bin/Release/net10.0/linux-x64/Verge.Orleans.Bench.dll
if [[ " $suites " == *" chat "* ]]; then
  dotnet $bench "$model" "http://127.0.0.1:$port/v1" bench "$key" "${BENCH_TOKENS:-128}" bench4 bench4c
fi
if [[ " $suites " == *" embeddings "* ]]; then
  dotnet $bench embeddings "$embedding" "http://127.0.0.1:$port/v1" bench-embed "$key"
fi
