"""Candidate structures for sharded data parallelism (ZeRO-3 / FSDP), scored on measurements.FIT_SHARDED only.

Each candidate is a set of experimental gemm.Calibration fields (sharded_*) read by step.evaluate in commit 3dab05f, the
commit that added this script (the next commit kept only the chosen structure, so run it there: git checkout 3dab05f); the grid prints each candidate's mean / max absolute error, signed mean and size drift on the fit-side
sharded rows, and a leave-one-source-out check (MPT / fms-fsdp / OPT+BloombergGPT+TinyLlama): each source's rows predicted
with the constants fitted on the other two. Usage (at commit 3dab05f): PYTHONPATH=src python scripts/sharded_candidates.py. Its output, recorded in the
parallelism_cost README (round on sharded data parallelism), is what chose the structure now in step.evaluate.
"""

from __future__ import annotations

import numpy as np

from gapstudy.costmodel import measurements as M
from gapstudy.costmodel import validation as V
from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION as C

W = (None, 0.0, 0.02, 0.05, 0.1, 0.2, 0.3)  # window: fraction of compute that hides sharded traffic (None: all)
E = (1.0, 0.85, 0.7, 0.5, 0.35, 0.2)  # achievable fraction of the node network for cross-node all-gather / reduce-scatter
LS = (0.5, 1.0, 2.0, 3.0, 5.0)  # latency of a per-layer collective's ring step in units of the hardware's
STRUCTS = {
    "step overlap fraction f": [dict(sharded_overlap=f) for f in (0, 0.25, 0.5, 0.75, 1.0)],
    "window w": [dict(sharded_window=w) for w in W],
    "bandwidth efficiency eta (full overlap)": [dict(sharded_bandwidth_efficiency=e) for e in E],
    "per-layer latency x scale (full overlap)": [dict(sharded_layer_latency=True, sharded_latency_scale=s) for s in LS],
    "per-layer latency, step overlap f": [dict(sharded_layer_latency=True, sharded_overlap=f) for f in (0, 0.5, 1.0)],
    "half-bandwidth message (per-layer latency, f)": [dict(sharded_layer_latency=True, sharded_half_bandwidth_bytes=hb,
                                                           sharded_overlap=f) for hb in (16e6, 64e6, 256e6, 1e9)
                                                      for f in (0.0, 0.5, 1.0)],
    "per-layer overlap + eta": [dict(sharded_layer_overlap=True, sharded_layer_latency=True,
                                     sharded_bandwidth_efficiency=e) for e in E],
    "per-layer per-micro-batch cost (f)": [dict(sharded_layer_cost_s=c, sharded_overlap=f)
                                           for c in (0.5e-3, 1e-3, 2e-3, 4e-3) for f in (0.0, 1.0)],
    "window + eta": [dict(sharded_window=w, sharded_bandwidth_efficiency=e) for w in W for e in E],
    "window + per-layer latency": [dict(sharded_window=w, sharded_layer_latency=True) for w in W],
    "window + per-layer latency x scale": [dict(sharded_window=w, sharded_layer_latency=True, sharded_latency_scale=s)
                                           for w in W for s in LS],
    "window + eta + per-layer latency x scale": [dict(sharded_window=w, sharded_bandwidth_efficiency=e,
                                                      sharded_layer_latency=True, sharded_latency_scale=s)
                                                 for w in W for e in E for s in LS],
}
GROUPS = {"MPT": M.HELD_OUT_2, "fms-fsdp": M.HELD_OUT_5, "OPT/BloombergGPT/TinyLlama": M.HELD_OUT_6}


def main() -> None:
    rows = M.FIT_SHARDED
    idx, i = {}, 0
    for g, rs in GROUPS.items():
        idx[g] = np.arange(i, i + len(rs))
        i += len(rs)
    cache: dict = {}

    def errs(kw):
        key = tuple(sorted(kw.items()))
        if key not in cache:
            cache[key] = np.array([r.error for r in V.validate(C.replace(**kw), rows)])
        return cache[key]

    base = errs({})
    print(f"{'no candidate':45s} mean {100 * np.abs(base).mean():5.2f} max {100 * np.abs(base).max():5.1f}")
    for name, cands in STRUCTS.items():
        best = min(cands, key=lambda kw: np.abs(errs(kw)).mean())
        e = errs(best)
        cv = np.zeros(len(rows))
        for g in GROUPS:
            train = np.concatenate([idx[h] for h in GROUPS if h != g])
            pick = min(cands, key=lambda kw: np.abs(errs(kw)[train]).mean())
            cv[idx[g]] = errs(pick)[idx[g]]
        summ = V.error_summary(V.validate(C.replace(**best), rows))
        print(f"{name:45s} mean {100 * np.abs(e).mean():5.2f} max {100 * np.abs(e).max():5.1f} "
              f"signed {100 * e.mean():+5.1f} drift {summ['size_drift_points']:+6.1f} | leave-one-source-out mean "
              f"{100 * np.abs(cv).mean():5.2f} max {100 * np.abs(cv).max():5.1f} | best {best}", flush=True)


if __name__ == "__main__":
    main()
