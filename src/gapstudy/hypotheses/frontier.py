"""The frontier seen from the data: the largest model and the largest training compute released before a date."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from gapstudy.competition import constants as K
from gapstudy.errors import GapstudyError

# Records set before 2020 that a selection starting in 2020 (compare's default) would leave out,
# so that "the frontier L months before" is defined for competitors soon after GPT-3. Values are
# Epoch AI's (notable_ai_models 2026-07-19: publication date, parameters, training compute).
SEED_RECORDS = (
    # (name, fractional year, parameters, training FLOP)
    ("GPT-2 (1.5B)", 2019 + 44 / 365, 1.5e9, 1.92e21),  # 2019-02-14
    ("Megatron-LM (8.3B)", 2019 + 259 / 365, 8.3e9, 9.1e21),  # 2019-09-17
    ("T5-11B", 2019 + 295 / 365, 11e9, 3.3e22),  # 2019-10-23
)
GPT3_NAME = re.compile(r"^\s*GPT-3(\s+175B|\s*\(175B\)|\s+175B\s*\(davinci\))?\s*$", re.I)  # registry: "GPT-3 175B"; Epoch: "GPT-3 175B (davinci)"
GPT3_MATCH_DAYS = 7  # a row within a week of 2020-05-28 with ~175B parameters is GPT-3 (dates differ by source)


def kaplan_era(year) -> np.ndarray:
    """True where a model released at `year` was trained under Kaplan-era allocations (before Chinchilla)."""
    return np.asarray(year, float) < K.CHINCHILLA_DATE


def imputed_compute(log10_params, year) -> np.ndarray:
    """log10 training FLOP of a model from its size alone: 6 N D with the tokens D the allocation of
    its time gives it (Kaplan-era, anchored on GPT-3's 300B tokens for 175B, before Chinchilla;
    20 tokens per parameter after). An estimate, used only where the data give no compute."""
    n = 10.0 ** np.asarray(log10_params, float)
    d = np.where(kaplan_era(year), K.KAPLAN_D_PREFACTOR * n**K.KAPLAN_D_EXPONENT, K.CHIN_TOKENS_PER_PARAM * n)
    return np.log10(K.FLOP_PER_PARAM_TOKEN * n * d)


@dataclass(frozen=True)
class Frontier:
    """Candidate frontier records sorted by date. `training_compute` is the data's FLOP (NaN when
    unknown); `log10_compute` is that, or the size-based estimate (imputed_compute) where it is
    missing; mixture-of-experts rows without a known compute use their active parameters for the
    estimate, or are left out of the compute frontier when those are unknown too (NaN)."""

    dates: np.ndarray  # fractional years
    parameters: np.ndarray  # total parameters
    training_compute: np.ndarray  # FLOP from the data, NaN when unknown
    log10_compute: np.ndarray  # measured, else estimated; NaN when neither
    names: tuple[str, ...]

    def __post_init__(self):
        n = self.dates.size
        if not all(np.asarray(a).shape == (n,) for a in (self.parameters, self.training_compute, self.log10_compute)) or len(self.names) != n:
            raise GapstudyError("Frontier arrays must have one entry per record")
        if n == 0:
            raise GapstudyError("a Frontier needs at least one record with a date and a parameter count")

    @property
    def n_measured(self) -> int:
        """Records whose training compute comes from the data."""
        return int(np.isfinite(self.training_compute).sum())

    def _running(self, values: np.ndarray) -> np.ndarray:
        v = np.where(np.isfinite(values), values, -np.inf)
        return np.maximum.accumulate(v)

    def _before(self, values: np.ndarray, when) -> np.ndarray:
        """Running maximum of values over records dated strictly before `when`; before the first
        record, the first record's value (the frontier is not known earlier than the data)."""
        run = self._running(values)
        i = np.searchsorted(self.dates, np.asarray(when, float), side="left") - 1
        first = np.flatnonzero(np.isfinite(run))
        if first.size == 0:
            return np.full(np.shape(when), np.nan)
        i = np.maximum(i, first[0])
        return run[i]

    def log10_params_before(self, when) -> np.ndarray:
        """log10 of the largest parameter count released before each date."""
        return self._before(np.log10(self.parameters), when)

    def log10_compute_before(self, when) -> np.ndarray:
        """log10 of the largest training compute (measured or estimated) released before each date."""
        return self._before(self.log10_compute, when)

    def without(self, mask) -> "Frontier":
        """The frontier with the records where mask is true removed (a counterfactual)."""
        keep = ~np.asarray(mask, bool)
        return replace(self, dates=self.dates[keep], parameters=self.parameters[keep],
                       training_compute=self.training_compute[keep], log10_compute=self.log10_compute[keep],
                       names=tuple(n for n, k in zip(self.names, keep) if k))

    def gpt3_mask(self) -> np.ndarray:
        """Rows that are GPT-3 (175B, 2020-05-28): by name, else by date and size."""
        by_name = np.array([bool(GPT3_NAME.match(n or "")) for n in self.names])
        by_value = (np.abs(self.dates - K.GPT3_DATE) < GPT3_MATCH_DAYS / 365) & (np.abs(np.log10(self.parameters / K.GPT3_PARAMS)) < 0.02)
        return by_name | by_value

    def without_gpt3(self) -> "Frontier":
        """The counterfactual frontier without GPT-3's jump: GPT-3 removed, every other record kept."""
        m = self.gpt3_mask()
        if not m.any():
            raise GapstudyError("the frontier has no GPT-3 row (175B, 2020-05-28); the counterfactual without its jump needs it")
        return self.without(m)


def frontier_from_arrays(dates, parameters, training_compute=None, names=None, *, moe=None, active_parameters=None,
                         seed: bool = True) -> Frontier:
    """A Frontier from plain arrays (fractional-year dates, parameter counts, optional FLOP).
    seed=True adds SEED_RECORDS (pre-2020 records) so a selection starting in 2020 still knows them."""
    dates = np.asarray(dates, float).ravel()
    params = np.asarray(parameters, float).ravel()
    n = dates.size
    flop = np.full(n, np.nan) if training_compute is None else np.asarray(training_compute, float).ravel()
    names = tuple("" for _ in range(n)) if names is None else tuple(str(x) for x in names)
    moe = np.zeros(n, bool) if moe is None else np.asarray(moe, bool).ravel()
    active = np.full(n, np.nan) if active_parameters is None else np.asarray(active_parameters, float).ravel()
    if not (params.size == n == flop.size == len(names) == moe.size == active.size):
        raise GapstudyError("frontier arrays must have one entry per model (dates, parameters, compute, names)")
    ok = np.isfinite(dates) & np.isfinite(params) & (params > 0)
    flop = np.where(np.isfinite(flop) & (flop > 0), flop, np.nan)
    size_for_estimate = np.where(moe, active, params)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.where(np.isfinite(size_for_estimate) & (size_for_estimate > 0),
                       imputed_compute(np.log10(np.where(size_for_estimate > 0, size_for_estimate, 1.0)), dates), np.nan)
        lc = np.where(np.isfinite(flop), np.log10(flop), est)
    recs = [(d, p, f, c, nm) for d, p, f, c, nm, k in zip(dates, params, flop, lc, names, ok) if k]
    if seed:
        recs += [(d, p, f, np.log10(f), nm) for nm, d, p, f in SEED_RECORDS]
    if not recs:
        raise GapstudyError("no model has both a date and a parameter count; the frontier cannot be formed")
    recs.sort(key=lambda r: r[0])
    a = list(zip(*recs))
    return Frontier(np.array(a[0], float), np.array(a[1], float), np.array(a[2], float), np.array(a[3], float), tuple(a[4]))


def frontier_from_table(table: pd.DataFrame, *, seed: bool = True) -> Frontier:
    """The frontier of a loaded table (gapstudy.data canonical columns: date, parameters, and where
    present training_compute, moe, active_parameters, name). Pass the table the hypotheses are fitted
    on, or a wider one (e.g. before a date selection): records only raise the frontier."""
    from gapstudy.growth import decimal_year

    for col in ("date", "parameters"):
        if col not in table.columns:
            raise GapstudyError(f"frontier_from_table needs a {col!r} column (a table from gapstudy.data.load_dataset)")
    t = table.dropna(subset=["date", "parameters"])
    dates = decimal_year(pd.to_datetime(t["date"]))

    def col(name, default):
        return t[name].to_numpy() if name in t.columns else default

    n = len(t)
    return frontier_from_arrays(
        dates, t["parameters"].to_numpy(float),
        pd.to_numeric(col("training_compute", np.full(n, np.nan)), errors="coerce"),
        [("" if not isinstance(x, str) else x) for x in col("name", [""] * n)],
        moe=np.asarray(col("moe", np.zeros(n, bool)), dtype=object) == True,  # noqa: E712  (NaN -> False)
        active_parameters=pd.to_numeric(col("active_parameters", np.full(n, np.nan)), errors="coerce"),
        seed=seed,
    )
