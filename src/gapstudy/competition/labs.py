"""The lab population: kinds, budget levels and growth per lab, release counts per kind and month."""

from __future__ import annotations

import numpy as np
from scipy.stats import poisson

from gapstudy.competition import constants as K
from gapstudy.competition import rng
from gapstudy.competition.params import CompetitionParams

POISSON_TAIL = 1e-12  # inverse-CDF tables stop where the Poisson tail mass is below this


def kind_counts(p: CompetitionParams) -> np.ndarray:
    """Labs per kind: n_labs split by kind_shares with largest remainders (same in every world)."""
    raw = np.asarray(p.kind_shares, dtype=float) * p.n_labs
    counts = np.floor(raw).astype(int)
    short = p.n_labs - counts.sum()
    if short > 0:
        counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts


def lab_kinds(p: CompetitionParams) -> np.ndarray:
    """Kind code of each lab index (labs are numbered frontier first, then industry, academia)."""
    return np.repeat(np.arange(K.N_KINDS, dtype=np.int8), kind_counts(p))


def month_grid(p: CompetitionParams) -> tuple[np.ndarray, np.ndarray]:
    """(start, middle) fractional year of each simulated month."""
    n = int(np.ceil((p.end - K.SIM_START) * K.MONTHS_PER_YEAR - 1e-9))
    start = K.SIM_START + np.arange(n) / K.MONTHS_PER_YEAR
    return start, start + 0.5 / K.MONTHS_PER_YEAR


def release_counts(p: CompetitionParams, keys: np.ndarray, t_mid: np.ndarray) -> np.ndarray:
    """Releases per (month, world, kind): Poisson with mean labs_of_kind x rate x growth^(t - 2017).

    The sum of independent per-lab Poisson counts is Poisson, so drawing per kind and then
    picking the lab uniformly within the kind is the per-lab-month Poisson process."""
    n_k = kind_counts(p)
    lam = (n_k * np.asarray(p.release_rate))[None, :] * (p.release_rate_growth ** (t_mid - K.SIM_START))[:, None]
    n_m, n_w = t_mid.size, keys.size
    counter = np.arange(n_m * K.N_KINDS, dtype=np.uint64).reshape(n_m, 1, K.N_KINDS)
    u = rng.uniform(keys[None, :, None], rng.STREAM_POISSON, counter)  # (months, worlds, kinds)
    out = np.zeros((n_m, n_w, K.N_KINDS), dtype=np.int64)
    top = int(poisson.isf(POISSON_TAIL, lam.max())) + 2 if lam.max() > 0 else 1
    ks = np.arange(top)
    cdf = poisson.cdf(ks[None, None, :], lam[:, :, None])  # (months, kinds, top)
    for m in range(n_m):  # a loop over months only; worlds are vectorised
        for k in range(K.N_KINDS):
            if lam[m, k] > 0:
                out[m, :, k] = np.searchsorted(cdf[m, k], u[m, :, k], side="right")
    return out


def lab_budgets(p: CompetitionParams, keys: np.ndarray, pw: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(log budget at budget_ref_year, log yearly growth) per (world, lab), lognormal between labs.
    `pw` optionally holds per-world arrays of budget_median, budget_growth (n, 3), budget_sigma and
    growth_sigma (n,) for the worlds of `keys` (see params.world_settings)."""
    pw = pw or {}
    kinds = lab_kinds(p)
    labs = np.arange(p.n_labs, dtype=np.uint64)[None, :]
    z_level = rng.normal(keys[:, None], rng.STREAM_BUDGET, labs)
    z_growth = rng.normal(keys[:, None], rng.STREAM_GROWTH, labs)

    def per_kind(name):
        v = pw.get(name)
        return np.log(np.asarray(getattr(p, name)))[kinds][None, :] if v is None else np.log(v)[:, kinds]

    def scalar(name):
        v = pw.get(name)
        return getattr(p, name) if v is None else np.asarray(v)[:, None]

    level = per_kind("budget_median") + scalar("budget_sigma") * z_level
    growth = per_kind("budget_growth") + scalar("growth_sigma") * z_growth
    return level, growth


def device_memory_gb(year: np.ndarray) -> np.ndarray:
    """Memory of the largest common data-centre accelerator available at `year` (K.DEVICE_MEMORY_GB)."""
    dates = np.array([d for d, _ in K.DEVICE_MEMORY_GB])
    gb = np.array([g for _, g in K.DEVICE_MEMORY_GB])
    i = np.clip(np.searchsorted(dates, np.asarray(year, dtype=float), side="right") - 1, 0, gb.size - 1)
    return gb[i]


def consumer_cap_params(year: np.ndarray) -> np.ndarray:
    """Largest model whose weights fill one consumer card at `year` (K.CONSUMER_MEMORY_GB): 4-bit weights
    (K.CONSUMER_BYTES_PER_PARAM) from K.QUANT_4BIT_DATE, 16-bit (K.INFERENCE_BYTES_PER_PARAM) before."""
    year = np.asarray(year, dtype=float)
    dates = np.array([d for d, _ in K.CONSUMER_MEMORY_GB])
    gb = np.array([g for _, g in K.CONSUMER_MEMORY_GB])
    i = np.clip(np.searchsorted(dates, year, side="right") - 1, 0, gb.size - 1)
    bytes_pp = np.where(year >= K.QUANT_4BIT_DATE, K.CONSUMER_BYTES_PER_PARAM, K.INFERENCE_BYTES_PER_PARAM)
    return gb[i] * 1e9 / bytes_pp


def own_use_cap(p: CompetitionParams, year: np.ndarray, u_devices=None, u_share=None) -> np.ndarray:
    """Largest own-use model: its weights must fit its deployment target. "fixed": own_use_devices
    accelerators, all memory for weights. "spread": the target drawn by the uniforms u_devices with shares
    p.deploy_device_probs among K.DEPLOY_DEVICES data-centre accelerators and one consumer card
    (consumer_cap_params); the weights take a share of its memory uniform in K.DEPLOY_WEIGHT_SHARE (u_share)."""
    mem = device_memory_gb(year) * 1e9 / p.own_use_bytes_per_param
    if p.own_use_deploy == "fixed" or u_devices is None:
        return p.own_use_devices * mem
    cum = np.cumsum(p.deploy_device_probs)
    target = np.minimum(np.searchsorted(cum / cum[-1], u_devices, side="right"), len(cum) - 1)
    n_dc = len(K.DEPLOY_DEVICES)
    lo, hi = K.DEPLOY_WEIGHT_SHARE
    w = lo + (hi - lo) * np.asarray(u_share)
    cap = np.asarray(K.DEPLOY_DEVICES + (1.0,))[target] * w * mem
    if p.deploy_device_probs[n_dc] > 0:
        cap = np.where(target == n_dc, w * consumer_cap_params(year), cap)
    return cap
