#!/usr/bin/python3
"""Our GEMM against OpenBLAS (numpy and torch.matmul), interleaved shape by shape.

gemm-side-by-side.sh alternates whole runs (about a minute each), so a neighbour's load that comes and goes within a
run lands on one side only. Here both sides stay loaded in their own process (OpenBLAS in this one, ours in
`Alignment.Benchmarks gemm-serve`) and each shape is measured on both, back to back, in every round; the side that
goes first alternates between rounds. Each cell's ratio is the median of its per-round ratios (ours / the better of
numpy and torch in that round). Shapes and timing protocol are gemm_ref.py's own (imported from shared/bench).

Usage, from the repository root (Debian's python3, with python3-numpy and python3-torch):
    /usr/bin/python3 benchmarks/gemm-interleaved.py [--rounds 5] [--bench ../shared/bench] [--shapes a,b]
"""
import argparse
import os
import statistics
import subprocess
import sys

FORMS = ["NN", "NT", "TN"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bench", default="../shared/bench")
    ap.add_argument("--shapes", default=None, help="comma-separated subset of gemm_ref.py's shape names")
    ap.add_argument("--ours", default="benchmarks/Alignment.Benchmarks/bin/Release/net10.0/Alignment.Benchmarks")
    args = ap.parse_args()

    # OpenBLAS reads OPENBLAS_CORETYPE when numpy loads it: unset, it picks the machine's own kernels (the README's
    # `env -u OPENBLAS_CORETYPE`). gemm_ref sets the thread counts before it imports numpy and torch.
    os.environ.pop("OPENBLAS_CORETYPE", None)
    sys.path.insert(0, os.path.abspath(args.bench))
    import gemm_ref  # noqa: E402
    import numpy as np  # noqa: E402
    import torch  # noqa: E402

    import ctypes  # noqa: E402

    openblas = ctypes.CDLL("libopenblas.so.0")
    openblas.openblas_get_corename.restype = ctypes.c_char_p
    print(f"OpenBLAS core {openblas.openblas_get_corename().decode()}, torch {torch.__version__}, numpy {np.__version__}",
          flush=True)
    torch.set_num_threads(2)
    shapes = gemm_ref.SHAPES
    if args.shapes:
        wanted = args.shapes.split(",")
        shapes = [s for s in shapes if s[0] in wanted]

    subprocess.run(["dotnet", "build", "-c", "Release", "benchmarks/Alignment.Benchmarks"], check=True,
                   stdout=subprocess.DEVNULL)
    ours = subprocess.Popen([args.ours, "gemm-serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "OPENBLAS_"))})

    def measure_ours(m, k, n):
        ours.stdin.write(f"{m} {k} {n} {','.join(FORMS)}\n")
        ours.stdin.flush()
        words = ours.stdout.readline().split()
        return {words[i]: float(words[i + 1]) for i in range(0, len(words), 2)}

    rng = np.random.default_rng(0)
    operands = {}

    def measure_reference(name, m, k, n):
        if name not in operands:
            operands.clear()
            a = rng.standard_normal((m, k), dtype=np.float32)
            b = rng.standard_normal((k, n), dtype=np.float32)
            operands[name] = (a, b, torch.from_numpy(a.copy()), torch.from_numpy(b.copy()),
                              torch.empty(m, n), np.empty((m, n), dtype=np.float32))
        a, b, ta, tb, tc, nc = operands[name]
        flop = 2.0 * m * n * k
        t = statistics.median(gemm_ref.measure(lambda: torch.matmul(ta, tb, out=tc)))
        nm = statistics.median(gemm_ref.measure(lambda: np.matmul(a, b, out=nc)))
        return {"numpy": flop / nm / 1e9, "torch": flop / t / 1e9}

    records = {name: [] for name, *_ in shapes}
    for r in range(args.rounds):
        for name, m, k, n in shapes:
            if r % 2 == 0:
                ref = measure_reference(name, m, k, n)
                mine = measure_ours(m, k, n)
            else:
                mine = measure_ours(m, k, n)
                ref = measure_reference(name, m, k, n)
            records[name].append((mine, ref))
        print(f"round {r + 1} of {args.rounds} done", file=sys.stderr, flush=True)

    ours.stdin.write("\n")
    ours.stdin.flush()
    ours.wait()

    med = statistics.median
    print(f"{'shape':24s} {'NN':>7s} {'NT':>7s} {'TN':>7s} {'numpy':>7s} {'torch':>7s}   ratio NN / NT / TN "
          f"(medians of {args.rounds} interleaved rounds; ratio = median of per-round ratios)   lowest per-round ratio")
    below = cells = below8 = cells8 = 0
    for name, m, k, n in shapes:
        rows = records[name]
        best = [max(ref.values()) for _, ref in rows]
        ratios = {f: [mine[f] / b for (mine, _), b in zip(rows, best)] for f in FORMS}
        line = f"{name:24s} " + " ".join(f"{med([mine[f] for mine, _ in rows]):7.1f}" for f in FORMS)
        line += f" {med([ref['numpy'] for _, ref in rows]):7.1f} {med([ref['torch'] for _, ref in rows]):7.1f}   "
        line += " / ".join(f"{med(ratios[f]):.2f}" for f in FORMS)
        line += "   " + " / ".join(f"{min(ratios[f]):.2f}" for f in FORMS)
        print(line)
        if m >= 256:
            cells += len(FORMS)
            below += sum(1 for f in FORMS if med(ratios[f]) < 0.90)
        elif m == 8:
            cells8 += len(FORMS)
            below8 += sum(1 for f in FORMS if med(ratios[f]) < 2.0)
    print(f"M >= 256 cells below 0.90x: {below} of {cells}; M = 8 cells below 2x: {below8} of {cells8}")


if __name__ == "__main__":
    main()
