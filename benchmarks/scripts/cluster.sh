#!/usr/bin/env bash
# Two workers × 1 thread against one process × 1 thread, one process × 2 threads, and two independent processes × 1
# thread on the corpus's two halves at once (what two cores give to work that shares nothing: the ceiling for any
# distribution), on the same corpus, side by side in alternating rounds (docs/cluster.md). Starts its own redis-server and workers on localhost and stops them (by PID)
# on exit. Usage: bash benchmarks/scripts/cluster.sh [rounds=2] [masks=1024]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-2}
count=${2:-1024}
command -v redis-server >/dev/null || { echo "cluster.sh: needs redis-server (apt-get install redis-server)" >&2; exit 1; }
dotnet build src/Relax.Cli -c Release -v q -nologo >/dev/null
relax() { dotnet src/Relax.Cli/bin/Release/net10.0/relax.dll "$@"; }
relax_dll=src/Relax.Cli/bin/Release/net10.0/relax.dll
tmp=$(mktemp -d)
pids=()
# The PIDs are the processes' own (dotnet and redis-server started directly, not through a function's subshell).
cleanup() {
  # The background half of a "halves" run is started in a command substitution's subshell: its PID is in a file.
  [ -f "$tmp/halves.pid" ] && pids+=("$(cat "$tmp/halves.pid")")
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 2
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

for kind in dog cat bird; do
  for seed in 1 2 3 4; do relax synth "$kind" --seconds 2 --seed "$seed" -o "$tmp/in/$kind/$kind-$seed.wav" >/dev/null; done
  mkdir -p "$tmp/half-a/$kind" "$tmp/half-b/$kind"
  cp "$tmp/in/$kind/$kind-1.wav" "$tmp/in/$kind/$kind-2.wav" "$tmp/half-a/$kind/"
  cp "$tmp/in/$kind/$kind-3.wav" "$tmp/in/$kind/$kind-4.wav" "$tmp/half-b/$kind/"
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no >"$tmp/redis.log" 2>&1 & pids+=($!)
sleep 1
for w in 1 2; do
  OMP_NUM_THREADS=1 dotnet "$relax_dll" worker --cluster "127.0.0.1:$port" --threads 1 --name "w$w" >"$tmp/w$w.log" 2>&1 & pids+=($!)
done
for w in 1 2; do
  for _ in $(seq 1 300); do grep -q "joined the cluster" "$tmp/w$w.log" && break; sleep 0.2; done
done

settings=(--masks time-frequency --count "$count" --no-figures)
timed() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); python3 -c "print(f'{$end - $start:.2f}')"; }
halves() {
  OMP_NUM_THREADS=1 dotnet "$relax_dll" explain "$tmp/half-a" "${settings[@]}" -o "$tmp/halves-$1/a" >/dev/null 2>&1 &
  local a=$!
  echo "$a" >"$tmp/halves.pid"
  OMP_NUM_THREADS=1 relax explain "$tmp/half-b" "${settings[@]}" -o "$tmp/halves-$1/b" >/dev/null 2>&1
  wait "$a"
}
declare -a one two cluster split
for r in $(seq 1 "$rounds"); do
  one+=("$(OMP_NUM_THREADS=1 timed relax explain "$tmp/in" "${settings[@]}" -o "$tmp/one-$r")")
  two+=("$(OMP_NUM_THREADS=2 timed relax explain "$tmp/in" "${settings[@]}" -o "$tmp/two-$r")")
  cluster+=("$(OMP_NUM_THREADS=1 timed relax explain "$tmp/in" "${settings[@]}" -o "$tmp/cluster-$r" --cluster "127.0.0.1:$port")")
  split+=("$(timed halves "$r")")
  echo "round $r: one process × 1 thread ${one[-1]} s, one process × 2 threads ${two[-1]} s, two workers × 1 thread ${cluster[-1]} s, two processes × 1 thread on halves ${split[-1]} s"
done
python3 - "${one[*]}" "${two[*]}" "${cluster[*]}" "${split[*]}" <<'PY'
import statistics, sys
one, two, cluster, split = (statistics.median(map(float, a.split())) for a in sys.argv[1:5])
print(f"median wall time: one × 1 thread {one:.2f} s, one × 2 threads {two:.2f} s, two workers × 1 thread {cluster:.2f} s, two processes on halves {split:.2f} s")
print(f"two workers × 1 thread vs one process × 1 thread: {one / cluster:.2f}×")
print(f"two workers × 1 thread vs one process × 2 threads: {two / cluster:.2f}×")
print(f"two processes on halves vs one process × 1 thread (the machine's ceiling for two workers): {one / split:.2f}×")
print(f"two workers × 1 thread vs two processes on halves: {split / cluster:.2f}×")
PY
cmp -s "$tmp/one-1/bird/bird-1/example-000/time-frequency/saliency.npy" "$tmp/cluster-1/bird/bird-1/example-000/time-frequency/saliency.npy" \
  && echo "maps identical (one process vs cluster)" || echo "MAPS DIFFER"
