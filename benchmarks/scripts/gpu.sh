#!/usr/bin/env bash
# Issue 23's device check, in one call of the GPU machine: CUDA against the CPU (every mask kind bit for bit, the
# default model's RELAX maps, every explainer, curve and audio score of relax evaluate), `relax explain` and
# `relax evaluate --device cuda` from the command line, and RELAX's throughput against a PyTorch loop on the same GPU,
# side by side, two rounds.
#
#   Here, from the project root (CPU machine):   bash benchmarks/scripts/gpu.sh prepare
#       fills .gpu/ through ../shared/gpu/prepare.sh: the .NET runtime and one publish of benchmarks/Relax.DeviceCheck,
#       which carries the relax command too (the tree that travels is limited to 64 MiB), plus a few recordings of the
#       study's corpus when ../shared has them.
#   There, through the device tool:              bash benchmarks/scripts/gpu.sh run
#       builds LibTorchSharp against the machine's libtorch (../shared/gpu/on-device.sh) and writes $OUT/device.log,
#       $OUT/results.txt and $OUT/gpu.md (the throughput table and the agreement lines).
#   A dry run of the measuring part on a CPU:     bash benchmarks/scripts/gpu.sh dry-run
# Settings: N (masks per throughput run, default 40960), BATCHES (default 256,1024,4096), DTYPES (float32,bfloat16).
set -euo pipefail
N=${N:-40960}; BATCHES=${BATCHES:-256,1024,4096}; DTYPES=${DTYPES:-float32,bfloat16}
here=$(cd "$(dirname "$0")" && pwd)

case "${1:-}" in
prepare)
  bash ../shared/gpu/prepare.sh benchmarks/Relax.DeviceCheck
  rm -rf .gpu/corpus && mkdir -p .gpu/corpus
  if [ -d ../shared/data/animal-sounds ]; then
    # Ten recordings per class (about 4 MB): enough to time the corpus path; docs/performance.md scales by examples.
    for class in dog cat bird; do
      mkdir -p ".gpu/corpus/$class"
      find "../shared/data/animal-sounds/$class" -name '*.wav' | sort | head -n 10 | xargs -I{} cp {} ".gpu/corpus/$class/"
    done
  fi
  du -sh .gpu
  ;;
run)
  bash .gpu/on-device.sh "bash benchmarks/scripts/gpu.sh on-device"
  ;;
on-device)
  # Inside on-device.sh: $DOTNET is set and /tmp/app/gpu-publish holds the publish with LibTorchSharp rebuilt.
  out=${OUT:-/tmp/gpu-out}; mkdir -p "$out"; results="$out/results.txt"; : > "$results"
  app=/tmp/app/gpu-publish
  relax() { "$DOTNET" "$app/relax.dll" "$@"; }
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee -a "$results"
  for round in 1 2; do
    echo "round $round" | tee -a "$results"
    "$DOTNET" "$app/Relax.DeviceCheck.dll" "$N" "$BATCHES" "$DTYPES" 2>&1 | tee -a "$results" || echo "device check FAILED (exit $?)" | tee -a "$results"
    (cd tools/reference && python3 relax_gpu.py "$N" "$BATCHES" "$DTYPES") 2>&1 | tee -a "$results"
  done
  # The command line: explain and evaluate on CUDA; the maps of explain equal the CPU's.
  for device in cuda cpu; do
    SECONDS=0
    relax explain samples/data/synthetic-bird.wav -o "/tmp/explain-$device" --device "$device" --count 2000 --masks time-frequency,random-grid 2>&1 | tail -n 3 | tee -a "$results"
    echo "relax explain --device $device: $SECONDS s" | tee -a "$results"
  done
  python3 - "$results" <<'PY'
import glob, sys
import numpy as np
lines = []
for a in sorted(glob.glob("/tmp/explain-cuda/**/saliency.npy", recursive=True)):
    b = a.replace("/tmp/explain-cuda/", "/tmp/explain-cpu/")
    x, y = np.load(a).ravel(), np.load(b).ravel()
    lines.append("relax explain cuda vs cpu %s: r = %.7f, max |d| %.2e" % (a.split("explain-cuda/")[1], np.corrcoef(x, y)[0, 1], np.abs(x - y).max()))
with open(sys.argv[1], "a") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
  SECONDS=0
  relax evaluate --synthetic 2 -o /tmp/evaluate-cuda --device cuda --count 1000 --no-figures 2>&1 | tail -n 12 | tee -a "$results"
  echo "relax evaluate --device cuda (6 clips, 7 explainers): $SECONDS s" | tee -a "$results"
  if [ -d .gpu/corpus ] && [ -n "$(ls -A .gpu/corpus)" ]; then
    for dtype in float32 bfloat16; do
      relax explain .gpu/corpus -o "/tmp/corpus-$dtype" --device cuda --dtype "$dtype" --no-figures 2>&1 | grep -E "explained|Corpus" | sed "s/^/corpus $dtype: /" | tee -a "$results"
    done
  fi
  python3 "$here/gpu_table.py" "$results" | tee "$out/gpu.md"
  ;;
dry-run)
  # The measuring part on this machine's CPU at tiny sizes, to check the script before spending device time.
  dotnet build benchmarks/Relax.DeviceCheck -c Release >/dev/null
  results=/tmp/gpu-dry-run.txt; : > "$results"
  dotnet benchmarks/Relax.DeviceCheck/bin/Release/net10.0/Relax.DeviceCheck.dll 128 32,64 float32 2>&1 | tee -a "$results"
  (cd tools/reference && /usr/bin/python3 relax_gpu.py 128 32,64 float32) 2>&1 | tee -a "$results"
  python3 "$here/gpu_table.py" "$results"
  ;;
*)
  sed -n '2,17p' "$0"; exit 2
  ;;
esac
