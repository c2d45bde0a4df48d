"""Summaries of simulated worlds: per-year histograms with bands, gap shares, distance to observed counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from gapstudy.competition import constants as K
from gapstudy.competition.params import CompetitionParams
from gapstudy.competition.simulate import SimulationResult, simulate
from gapstudy.errors import GapstudyError

DEFAULT_EDGES = np.arange(5.0, 13.51, 0.25)  # log10 params, quarter-decade bins from 1e5 to 3e13
BAND_NAMES = ("below", "inside", "above")  # < lower, [lower, upper], > upper (bounds inclusive)

def band_of(log10_params: np.ndarray, lower: float = K.GAP_LOWER, upper: float = K.GAP_UPPER) -> np.ndarray:
    """0 below the window, 1 inside (bounds inclusive), 2 above."""
    x = np.asarray(log10_params, dtype=float)
    lo, hi = np.log10(lower), np.log10(upper)
    return (x >= lo).astype(np.int8) + (x > hi).astype(np.int8)


@dataclass
class YearHistograms:
    """Counts of releases per (world, year, log10-size bin), and per (world, year, band)."""

    years: np.ndarray  # calendar years (ints)
    edges: np.ndarray  # log10 bin edges; sizes outside fall into the end bins
    counts: np.ndarray  # (worlds, years, bins)
    bands: np.ndarray  # (worlds, years, 3): below / inside / above the gap window

    def mean(self) -> np.ndarray:
        """Mean count per (year, bin) across worlds."""
        return self.counts.mean(axis=0)

    def band(self, lo: float = 0.05, hi: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lo quantile, median, hi quantile) of counts per (year, bin) across worlds."""
        q = np.quantile(self.counts, [lo, 0.5, hi], axis=0)
        return q[0], q[1], q[2]

    def gap_share(self) -> np.ndarray:
        """Per (world, year) share of releases inside the window (nan where a world has none)."""
        tot = self.bands.sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, self.bands[:, :, 1] / np.maximum(tot, 1), np.nan)

    @staticmethod
    def concat(parts: Sequence["YearHistograms"]) -> "YearHistograms":
        """Stack histograms of disjoint world ranges (same years and edges)."""
        first = parts[0]
        return YearHistograms(first.years, first.edges, np.concatenate([p.counts for p in parts]),
                              np.concatenate([p.bands for p in parts]))


def year_histograms(
    result: SimulationResult,
    years: Sequence[int] | None = None,
    edges: np.ndarray = DEFAULT_EDGES,
    lower: float = K.GAP_LOWER,
    upper: float = K.GAP_UPPER,
) -> YearHistograms:
    """Histogram every world's releases per calendar year (vectorised with one bincount)."""
    yrs = np.arange(int(K.SIM_START), int(np.ceil(result.params.end))) if years is None else np.asarray(years, dtype=int)
    edges = np.asarray(edges, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise GapstudyError("histogram edges must be an increasing 1-D array of at least two log10 sizes")
    n_w, n_y, n_b = result.n_worlds, yrs.size, edges.size - 1
    yi = np.floor(result.year).astype(np.int64) - yrs[0]
    keep = (yi >= 0) & (yi < n_y) & np.isin(np.floor(result.year).astype(np.int64), yrs)
    yi = np.searchsorted(yrs, np.floor(result.year[keep]).astype(np.int64))
    wi = result.world[keep].astype(np.int64) - result.world_offset
    bi = np.clip(np.searchsorted(edges, result.log10_params[keep], side="right") - 1, 0, n_b - 1)
    counts = np.bincount((wi * n_y + yi) * n_b + bi, minlength=n_w * n_y * n_b).reshape(n_w, n_y, n_b)
    gi = band_of(result.log10_params[keep], lower, upper)
    bands = np.bincount((wi * n_y + yi) * 3 + gi, minlength=n_w * n_y * 3).reshape(n_w, n_y, 3)
    return YearHistograms(yrs, edges, counts, bands)


def simulate_histograms(
    params: CompetitionParams,
    *,
    n_worlds: int,
    seed: int,
    world_offset: int = 0,
    chunk_worlds: int = 1000,
    years: Sequence[int] | None = None,
    edges: np.ndarray = DEFAULT_EDGES,
    **simulate_kwargs,
) -> YearHistograms:
    """Simulate many worlds chunk by chunk, keeping only their histograms (bounded memory)."""
    parts = []
    for c0 in range(0, n_worlds, chunk_worlds):
        n_c = min(chunk_worlds, n_worlds - c0)
        res = simulate(params, n_worlds=n_c, seed=seed, world_offset=world_offset + c0, **simulate_kwargs)
        parts.append(year_histograms(res, years, edges))
        del res
    return YearHistograms.concat(parts)


def gap_share(
    result: SimulationResult, start: float, end: float, lower: float = K.GAP_LOWER, upper: float = K.GAP_UPPER
) -> dict[str, float]:
    """Share of releases in [lower, upper] dated in [start, end): pooled, and across worlds
    (mean and 5/50/95% quantiles of per-world shares, worlds without releases left out)."""
    sel = (result.year >= start) & (result.year < end)
    inside = band_of(result.log10_params[sel], lower, upper) == 1
    w = result.world[sel] - result.world_offset
    tot = np.bincount(w, minlength=result.n_worlds)
    ins = np.bincount(w, weights=inside, minlength=result.n_worlds)
    per = ins[tot > 0] / tot[tot > 0]
    q = np.quantile(per, [0.05, 0.5, 0.95]) if per.size else np.full(3, np.nan)
    return {
        "pooled": float(inside.mean()) if inside.size else float("nan"),
        "mean": float(per.mean()) if per.size else float("nan"),
        "q05": float(q[0]), "median": float(q[1]), "q95": float(q[2]),
        "releases_per_world": float(tot.mean()),
    }


def count_distance(hist: YearHistograms, observed: Mapping[int, Sequence[int]]) -> dict:
    """How far observed per-year (below, inside, above) counts are from the simulated worlds.

    Per year and band: observed, simulated mean and 5-95% band, z = (obs - mean) / sd (sd floored
    at 1) and the share of worlds at least as far from the mean. Totals: chi2 over counts and over
    shares (composition only, free of the release rate)."""
    rows, chi_c, chi_s = [], 0.0, 0.0
    for year, obs in sorted(observed.items()):
        if len(obs) != 3:
            raise GapstudyError(f"observed counts for {year} must be (below, inside, above); got {obs!r}")
        if year not in set(hist.years.tolist()):
            continue
        yi = int(np.flatnonzero(hist.years == year)[0])
        sim = hist.bands[:, yi, :].astype(float)  # (worlds, 3)
        obs_a = np.asarray(obs, dtype=float)
        mean, sd = sim.mean(axis=0), np.maximum(sim.std(axis=0), 1.0)
        z = (obs_a - mean) / sd
        far = (np.abs(sim - mean) >= np.abs(obs_a - mean)).mean(axis=0)
        tot = np.maximum(sim.sum(axis=1, keepdims=True), 1.0)
        shares = sim / tot
        s_mean, s_sd = shares.mean(axis=0), np.maximum(shares.std(axis=0), 0.01)
        s_obs = obs_a / max(obs_a.sum(), 1.0)
        chi_c += float((z**2).sum())
        chi_s += float((((s_obs - s_mean) / s_sd) ** 2).sum())
        q05, q95 = np.quantile(sim, [0.05, 0.95], axis=0)
        rows.append({
            "year": int(year),
            **{f"obs_{b}": int(obs_a[i]) for i, b in enumerate(BAND_NAMES)},
            **{f"sim_{b}": float(mean[i]) for i, b in enumerate(BAND_NAMES)},
            **{f"sim_{b}_q05": float(q05[i]) for i, b in enumerate(BAND_NAMES)},
            **{f"sim_{b}_q95": float(q95[i]) for i, b in enumerate(BAND_NAMES)},
            **{f"z_{b}": float(z[i]) for i, b in enumerate(BAND_NAMES)},
            **{f"p_{b}": float(far[i]) for i, b in enumerate(BAND_NAMES)},
            "obs_share_inside": float(s_obs[1]), "sim_share_inside": float(s_mean[1]),
        })
    return {"per_year": rows, "chi2_counts": chi_c, "chi2_shares": chi_s, "cells": 3 * len(rows)}
