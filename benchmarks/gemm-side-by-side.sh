#!/bin/bash
# Runs shared/bench/gemm_ref.py (OpenBLAS through numpy and torch) and our GEMM benchmark alternately N times,
# then prints per-cell medians and ratios (ours / the better of numpy and torch), damping the noise of a shared
# machine. Usage, from the repository root: bash benchmarks/gemm-side-by-side.sh [N=3] [path to shared/bench]
set -euo pipefail
N=${1:-3}
BENCH=${2:-../shared/bench}
OUT=$(mktemp -d)
source "$(dirname "$0")/side-by-side-lib.sh"
build_ours "$OUT"
OURS=benchmarks/Alignment.Benchmarks/bin/Release/net10.0/Alignment.Benchmarks
for i in $(seq "$N"); do
  run_peer "$OUT/ref$i.log" "OpenBLAS's gemm_ref.py (run $i)" \
    env -u OPENBLAS_CORETYPE -C "$BENCH" /usr/bin/python3 gemm_ref.py --out "$OUT/ref$i.json"
  run_logged "$OUT/ours$i.log" "our GEMM benchmark (run $i)" "$OURS" gemm --json "$OUT/ours$i.json"
done
/usr/bin/python3 - "$N" "$OUT" <<'PY'
import json, sys, statistics as st
n, out = int(sys.argv[1]), sys.argv[2]
refs = [{r['shape']: r for r in json.load(open(f'{out}/ref{i}.json'))['gemm']} for i in range(1, n + 1)]
ours = [{r['shape']: r for r in json.load(open(f'{out}/ours{i}.json'))['gemm']} for i in range(1, n + 1)]
print(f"{'shape':24s} {'NN':>7s} {'NT':>7s} {'TN':>7s} {'numpy':>7s} {'torch':>7s}   ratio NN / NT / TN (medians of {n} alternated runs)")
for shape in ours[0]:
    med = {f: st.median(o[shape][f] for o in ours) for f in ['NN', 'NT', 'TN']}
    line = f"{shape:24s} {med['NN']:7.1f} {med['NT']:7.1f} {med['TN']:7.1f}"
    if shape in refs[0]:
        nm = st.median(r[shape]['numpy_2t'] for r in refs)
        tm = st.median(r[shape]['torch_2t'] for r in refs)
        best = max(nm, tm)
        line += f" {nm:7.1f} {tm:7.1f}   {med['NN'] / best:.2f} / {med['NT'] / best:.2f} / {med['TN'] / best:.2f}"
    print(line)
PY
