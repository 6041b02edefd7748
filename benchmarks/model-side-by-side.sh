#!/bin/bash
# Runs shared/bench/torch_ref.py and our model benchmark alternately N times on the same configurations, then prints
# per-measure medians and ratios (ours / PyTorch), damping the noise of a shared machine.
# Usage, from the repository root: bash benchmarks/model-side-by-side.sh [N=3] [configs=tiny,small] [path to shared/bench]
set -euo pipefail
N=${1:-3}
CONFIGS=${2:-tiny,small}
BENCH=${3:-../shared/bench}
OUT=$(mktemp -d)
source "$(dirname "$0")/side-by-side-lib.sh"
build_ours "$OUT"
OURS=benchmarks/Alignment.Benchmarks/bin/Release/net10.0/Alignment.Benchmarks
for i in $(seq "$N"); do
  run_peer "$OUT/torch$i.log" "PyTorch's torch_ref.py (run $i)" \
    env -u OPENBLAS_CORETYPE -C "$BENCH" /usr/bin/python3 torch_ref.py --configs "$CONFIGS" --out "$OUT/torch$i.json"
  run_logged "$OUT/ours$i.txt" "our model benchmark (run $i)" "$OURS" model "$CONFIGS"
done
/usr/bin/python3 - "$N" "$OUT" <<'PY'
import json, re, sys, statistics as st
n, out = int(sys.argv[1]), sys.argv[2]
keys = {'train': ('train', 'tokens_per_s', 'tok/s'), 'rm-pair': ('reward_pairwise', 'pairs_per_s', 'pairs/s'),
        'sample': ('sample_kv', 'new_tokens_per_s', 'new tok/s'),
        # Not the same definition: our decode weights in bfloat16 against PyTorch's float32 sampling.
        'sample-bf16': ('sample_kv', 'new_tokens_per_s', 'new tok/s, bf16 decode weights vs PyTorch fp32')}
ours, torch = {}, {}
for i in range(1, n + 1):
    for line in open(f'{out}/ours{i}.txt'):
        m = re.match(r'^(\S+)\s+(train|rm-pair|sample-bf16|sample)\s+([\d.]+)', line)
        if m:
            ours.setdefault((m.group(1), m.group(2)), []).append(float(m.group(3)))
    for r in json.load(open(f'{out}/torch{i}.json'))['results']:
        for measure, (section, field, _) in keys.items():
            torch.setdefault((r['config'], measure), []).append(r[section][field])
print(f"{'config':10s} {'measure':11s} {'ours':>10s} {'PyTorch':>10s} {'ratio':>6s}   unit (medians of {n} alternated runs; per-run ratios)")
for key, values in ours.items():
    ref = torch.get(key, [])
    if not ref:
        continue
    o, t = st.median(values), st.median(ref)
    runs = ' '.join(f'{a / b:.2f}' for a, b in zip(values, ref))
    print(f"{key[0]:10s} {key[1]:11s} {o:10.3f} {t:10.3f} {o / t:6.2f}   {keys[key[1]][2]}  ({runs})")
PY
