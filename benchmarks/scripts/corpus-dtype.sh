#!/usr/bin/env bash
# relax explain on a corpus with --dtype auto against float32, side by side in one run (alternating, ROUNDS each),
# reporting each run's masks/s (the explanation only, from the command's last line) and the ratio of medians.
# Usage: benchmarks/scripts/corpus-dtype.sh [CORPUS] [ROUNDS]   (default: 12 generated clips, 3 rounds)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${2:-3}
work=$(mktemp -d /tmp/relax-dtype-XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build src/Relax.Cli -c Release --nologo -v quiet >/dev/null
relax="dotnet src/Relax.Cli/bin/Release/net10.0/relax.dll"
corpus=${1:-}
if [ -z "$corpus" ]; then
  corpus="$work/corpus"
  for kind in dog cat bird; do
    mkdir -p "$corpus/$kind"
    for seed in 1 2 3 4; do $relax synth "$kind" --seconds 2 --seed "$seed" -o "$corpus/$kind/$seed.wav" >/dev/null; done
  done
fi
declare -A rates
for round in $(seq 1 "$rounds"); do
  for dtype in auto float32; do
    line=$($relax explain "$corpus" --dtype "$dtype" --masks time-frequency --count 512 --no-figures -o "$work/out-$dtype-$round" 2>/dev/null | grep "masks/s")
    rate=$(echo "$line" | sed -n 's/.*(\([0-9]*\) masks\/s).*/\1/p')
    echo "round $round  --dtype $dtype: $rate masks/s"
    rates[$dtype]="${rates[$dtype]:-} $rate"
  done
done
median() { printf '%s\n' $1 | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
a=$(median "${rates[auto]}"); f=$(median "${rates[float32]}")
echo "median masks/s: auto $a, float32 $f; auto / float32 = $(awk -v a="$a" -v f="$f" 'BEGIN { printf "%.2f", a / f }')"
grep -o '"dtype": "[A-Za-z0-9]*"' "$work/out-auto-1/corpus.json" | sed 's/^/auto resolved to: /'
