"""gapstudy beside its peers on the same work: llm-analysis for the cost of a training layout, R's
diptest for bootstrap dip p-values. Prints times and the ratio (peer time / gapstudy time).

Run: python benchmarks/bench_peers.py   (prints figures; nothing is asserted)
Peers: `pip install llm-analysis` (it pins old transformers/huggingface-hub; a separate venv with
gapstudy installed keeps them apart), `apt-get install r-cran-diptest`. A missing peer or gapstudy
module is reported, not fatal.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# one core for both sides: keep any BLAS/OpenMP pools to a single thread before numpy loads
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

# GPT-3 175B (Brown et al. 2020, Table 2.1) on 1024 A100-80GB as 8-way tensor x 8-way pipeline x
# 16-way data parallel, micro-batch 1, full recomputation: the shape and layout of Narayanan et al.
# (2021, Table 1) at their 1024-GPU row, within rounding.
GPT3 = dict(layers=96, hidden=12288, heads=96, seq_len=2048, vocab=51200, global_batch=1536)
LAYOUT = dict(micro_batch=1, tensor=8, pipeline=8, data=16)
# Dip benchmark: sample sizes and bootstrap replicates (R's dip.test default B is 2000).
DIP_SIZES = (100, 300, 1000)
DIP_B = 2000


def timed(fn, reps: int) -> tuple[float, object]:
    """Mean seconds per call over `reps` calls after one warm-up call, and the last result."""
    out = fn()
    t0 = time.perf_counter()
    for _ in range(reps):
        out = fn()
    return (time.perf_counter() - t0) / reps, out


def bench_costmodel() -> None:
    print("== training-layout cost: llm-analysis vs gapstudy.costmodel")
    try:
        from gapstudy.costmodel import estimate_step, search
    except ImportError as exc:
        print(f"  gapstudy.costmodel is not available ({exc}); nothing to compare")
        return
    t_one, est = timed(lambda: estimate_step(**GPT3, **LAYOUT, recompute="full", hardware="a100_80gb"), 200)
    print(f"  gapstudy estimate_step, one layout:       {t_one * 1e3:8.3f} ms  (step {est.step_time:.2f} s)")
    cluster = LAYOUT["tensor"] * LAYOUT["pipeline"] * LAYOUT["data"]  # the same 1,024 GPUs as the single layout
    t_search, res = timed(lambda: search(layers=GPT3["layers"], hidden=GPT3["hidden"], heads=GPT3["heads"],
                                         global_batch=GPT3["global_batch"], hardware="a100_80gb", max_gpus=cluster), 3)
    per_layout = t_search / max(res.evaluated, 1)
    best = f"; cheapest layout's step {res.estimate.step_time:.2f} s" if res.estimate else ""
    print(f"  gapstudy search over layouts of at most {cluster:,} GPUs: {res.evaluated:,} layouts in {t_search:.3f} s"
          f" = {per_layout * 1e6:8.3f} us per layout (enumeration cached after the first call{best})")
    # everything included: 2024 techniques and overlap, deadline, GPU cap, critical batch, failure
    # overhead, cheapest layout per adoption-cost class (what size_choice runs for every size)
    from gapstudy.costmodel import size_choice as sc

    a = sc.Assumptions()
    sc._curve_for_size(11.24, 2024, "h100", a)  # warm-up (layouts are enumerated in chunks on every call, not cached)
    t_full, full = timed(lambda: sc._curve_for_size(11.24, 2024, "h100", a), 3)
    rate = full["evaluated"] / t_full
    print(f"  gapstudy size-choice scan, 175B on H100 in 2024, everything included: {full['evaluated']:,} layouts in"
          f" {t_full:.3f} s = {rate:,.0f} layouts/s per core")
    print(f"  Calculon (Isaev et al. SC'23, published): ~57 configurations/s per core -> ratio {rate / 57:,.0f}x")
    try:
        from llm_analysis.analysis import train
    except ImportError:
        print("  llm-analysis is not installed here (pip install llm-analysis); no peer figure")
        return
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "gpt3-175b.json"
        model.write_text(json.dumps({"name": "gpt3-175b", "num_layers": GPT3["layers"], "n_head": GPT3["heads"],
                                     "hidden_dim": GPT3["hidden"], "vocab_size": GPT3["vocab"],
                                     "max_seq_len": GPT3["seq_len"]}))

        def peer():
            return train(model_name=str(model), gpu_name="a100-sxm-80gb", log_level="ERROR",
                         batch_size_per_gpu=LAYOUT["micro_batch"], global_batch_size=GPT3["global_batch"],
                         seq_len=GPT3["seq_len"], activation_recomputation=2, tp_size=LAYOUT["tensor"],
                         pp_size=LAYOUT["pipeline"], dp_size=LAYOUT["data"],
                         total_num_gpus=LAYOUT["tensor"] * LAYOUT["pipeline"] * LAYOUT["data"], flops_efficiency=0.5)

        t_peer, out = timed(peer, 50)
    print(f"  llm-analysis train(), one layout:          {t_peer * 1e3:8.3f} ms  (step {out['latency_per_iter']:.2f} s at its assumed 50% FLOP efficiency)")
    print(f"  ratio llm-analysis / estimate_step:        {t_peer / t_one:8.1f}x")
    print(f"  ratio llm-analysis / search per layout:    {t_peer / per_layout:8.0f}x")
    print(f"  ratio llm-analysis / full size-choice scan: {t_peer * rate:8.0f}x")


R_SCRIPT = """
suppressMessages(library(diptest))
x <- scan(commandArgs(TRUE)[1], quiet = TRUE)
B <- as.integer(commandArgs(TRUE)[2])
set.seed(1)
invisible(dip.test(x, simulate.p.value = TRUE, B = 100))
t0 <- proc.time()[["elapsed"]]
r <- dip.test(x, simulate.p.value = TRUE, B = B)
cat(r$statistic, r$p.value, proc.time()[["elapsed"]] - t0, "\\n")
"""


def bench_dip() -> None:
    print(f"== bootstrap dip p-value (B={DIP_B}): R diptest vs gapstudy.stats.dip_test")
    try:
        from gapstudy.stats import dip_test
    except ImportError as exc:
        print(f"  gapstudy.stats.dip_test is not available ({exc}); nothing to compare")
        return
    rscript = shutil.which("Rscript")
    has_r = bool(rscript) and subprocess.run([rscript, "-e", "library(diptest)"], capture_output=True).returncode == 0
    if not has_r:
        print("  R's diptest is not installed (apt-get install r-cran-diptest); no peer figure")
    rng = np.random.default_rng(20220706)
    print(f"  {'n':>6}{'gapstudy s':>12}{'R s':>9}{'R/gapstudy':>12}{'dip (ours, R)':>22}{'p (ours, R)':>18}")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "dip.R"
        script.write_text(R_SCRIPT)
        for n in DIP_SIZES:
            # log10 sizes: two lumps, as model sizes below and above a gap
            x = np.concatenate([rng.normal(9.0, 0.5, n // 2), rng.normal(11.0, 0.5, n - n // 2)])
            t_ours, res = timed(lambda: dip_test(x, method="bootstrap", n_boot=DIP_B, jitter=None,
                                                 rng=np.random.default_rng(1)), 2)
            line = f"  {n:>6}{t_ours:>12.3f}"
            if has_r:
                data = Path(tmp) / f"x{n}.txt"
                np.savetxt(data, x, fmt="%.17g")
                out = subprocess.run([rscript, str(script), str(data), str(DIP_B)], capture_output=True, text=True)
                try:
                    stat_r, p_r, t_r = (float(v) for v in out.stdout.split())
                except ValueError:
                    line += f"  R failed: {out.stderr.strip()[:80]}"
                else:
                    line += (f"{t_r:>9.3f}{t_r / t_ours:>12.1f}{f'{res.statistic:.4f}, {stat_r:.4f}':>22}"
                             f"{f'{res.pvalue:.4f}, {p_r:.4f}':>18}")
            print(line, flush=True)


def main() -> None:
    print(f"python {sys.version.split()[0]}; single-threaded BLAS")
    bench_costmodel()
    bench_dip()


if __name__ == "__main__":
    main()
