"""Size choice with fixed adoption costs: which sizes labs build per year with and without them.

Model. In year Y on the chip in use, `cost_curves` gives, per model size N and per class of
techniques a layout needs (tensor parallel, pipeline parallel, ZeRO-3/FSDP sharding), the
cheapest variable cost per parameter-token of a layout that fits in memory, uses at most the
lab's GPUs, finishes the year's token budget (tokens per parameter of the year's practice)
within the deadline with the critical-batch cap and failure overhead, and uses only techniques
that existed in Y. A layout that needs technique class S also pays a one-time adoption cost
A x w_S (w_S: summed weights of the costly techniques it uses), amortised over the lab's runs.
Training N costs total(N) = min_S [c_S(N) tpp N^2 + A w_S / runs]. A lab with budget C trains
the largest N it can afford (max {N : total(N) <= C}), so with M(N) = min_{N' >= N} total(N'),
budgets in (M(N_i), M(N_i+1)] choose sizes in (N_i, N_i+1].

`thinning` is the density of chosen sizes with adoption costs over the density without, for
budgets locally uniform in log (so it does not depend on the budget distribution): for a size
whose layout class is unchanged it is C0 / (C0 + A_eff), C0 the size's cost without adoption,
and it is averaged over labs whose costs spread lognormally around A. Mass removed from a band
piles up at its lower edge (a point mass); the ratio is clipped to [0, 1], so `thinning` only
says where sizes are thinned, as hypothesis H1 in compare needs.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from gapstudy import cache
from gapstudy.costmodel import constraints as _c
from gapstudy.costmodel import techniques as _tech
from gapstudy.costmodel.architecture import DEFAULT_SEQ_LEN, DEFAULT_VOCAB, shape_for_params
from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION, Calibration
from gapstudy.costmodel.hardware import get_hardware, hardware_in_use
from gapstudy.costmodel.regimes import BAND_TOLERANCE, BAND_WINDOW, bands, classify
from gapstudy.costmodel.search import CHUNK, SECONDS_PER_DAY, default_global_batch, evaluate_layouts, layout_chunks
from gapstudy.errors import GapstudyError

# One-time cost of adopting a model-parallel technique (tensor or pipeline parallelism, ZeRO-3 /
# FSDP sharding), US dollars: engineering effort to integrate and stabilise it plus compute lost
# to failed starts. Low end: 2 engineers for 3 months at ~$200k/year fully loaded (staff-cost
# method of Cottier et al. 2024, "The rising costs of training frontier AI models", arXiv:2405.21015)
# = $0.1M. High end: a 10-engineer team for a year at ~$0.5M each plus stabilisation compute,
# e.g. OPT-175B's run needed 53-54 restarts over ~56 days and a mid-run change of
# hyper-parameters on 992 A100s (Zhang et al. 2022, OPT logbook), weeks of a $0.1M/day cluster
# = ~$10M. A range of orders of magnitude, not a measurement; the experiment scans it.
ADOPTION_COST_RANGE_USD = (1.0e5, 1.0e7)

# Techniques that carry the adoption cost and their weights (multiples of adoption_cost_usd);
# data parallelism, ZeRO-1/2, recomputation and FlashAttention are configuration flags in
# DeepSpeed / Megatron-LM once those are in use and carry none.
DEFAULT_ADOPTION_WEIGHTS = (("tensor", 1.0), ("pipeline", 1.0), ("zero3", 1.0))
CLASS_BITS = {"tensor": 1, "pipeline": 2, "zero3": 4}  # class code of a layout: sum of the bits it uses
N_CLASSES = 8

YEARS = tuple(range(2018, 2027))
LOG10_SIZES = tuple(round(8.5 + 0.1 * i, 2) for i in range(41))  # 316M .. 3.2T, searched
FINE_STEP = 0.02  # dex: the size grid thinning is tabulated on
LOG10_COSTS = tuple(round(2.0 + 0.1 * i, 2) for i in range(81))  # $100 .. $10B
_LOG10_AEFF = np.round(np.arange(-1.0, 12.0001, 0.05), 3)  # effective per-lab costs the ratio is computed at
_LAB_NODES = 21  # quadrature points of the lab spread (+-3 sd)


@dataclass(frozen=True)
class Assumptions:
    """Everything the size-choice grid depends on (hashable; every field is in the cache key)."""

    max_days: float | None = _c.DEFAULT_MAX_DAYS  # None: no deadline
    gpus_per_lab: tuple[tuple[int, int], ...] = tuple((y, v[0]) for y, v in _c.GPUS_PER_LAB.items())
    tokens_per_param: tuple[tuple[int, float], ...] = tuple(_c.TOKENS_PER_PARAM.items())
    critical_batch: bool = True
    failure_overhead_per_gpu: float = _c.failure_overhead_per_gpu()
    bytes_per_param: float = 16.0
    reserve: float = 0.1
    technique_lag: float = 0.0  # years between a technique's release and its use
    adoption_weights: tuple[tuple[str, float], ...] = DEFAULT_ADOPTION_WEIGHTS
    runs_per_lab: float = 1.0  # runs the one-time cost is spread over
    lab_spread_dex: float = 0.5  # sd of log10 of a lab's adoption cost around the nominal one
    hardware: tuple[tuple[int, str], ...] = ()  # per-year chip overrides; default hardware_in_use(year)
    calibration: Calibration = DEFAULT_CALIBRATION
    seq_len: int = DEFAULT_SEQ_LEN
    vocab: int = DEFAULT_VOCAB

    @classmethod
    def make(cls, value=None, **changes) -> "Assumptions":
        """From None, an Assumptions or a dict of fields (dict tables accepted), then `changes`."""
        if isinstance(value, Assumptions):
            base = dataclasses.asdict(value)
            base["calibration"] = value.calibration
        else:
            base = {}
            base.update(dict(value or {}))
        base.update(changes)
        unknown = set(base) - set(cls.__dataclass_fields__)
        if unknown:
            raise GapstudyError(f"unknown size-choice assumption(s) {sorted(unknown)}; known: {sorted(cls.__dataclass_fields__)}")
        kinds = {"gpus_per_lab": (int, int), "tokens_per_param": (int, float), "adoption_weights": (str, float),
                 "hardware": (int, str)}
        for key, (kk, kv) in kinds.items():
            if key in base:
                v = base[key]
                items = v.items() if hasattr(v, "items") else v
                try:
                    base[key] = tuple(sorted((kk(k), kv(x)) for k, x in items))
                except (TypeError, ValueError):
                    raise GapstudyError(f"size-choice assumption {key} must map {kk.__name__} to {kv.__name__}, got {v!r}") from None
        if isinstance(base.get("calibration"), dict):
            base["calibration"] = Calibration(**base["calibration"])
        out = cls(**base)
        out.check()
        return out

    def check(self) -> None:
        if self.max_days is not None and not self.max_days > 0:
            raise GapstudyError(f"max_days must be positive or None, got {self.max_days!r}")
        if not self.runs_per_lab >= 1:
            raise GapstudyError(f"runs_per_lab must be >= 1, got {self.runs_per_lab!r}")
        if not self.lab_spread_dex >= 0:
            raise GapstudyError(f"lab_spread_dex must be >= 0, got {self.lab_spread_dex!r}")
        bad = [k for k, _ in self.adoption_weights if k not in CLASS_BITS]
        if bad:
            raise GapstudyError(f"adoption_weights names unknown technique(s) {bad}; use {sorted(CLASS_BITS)}")
        if not 0 <= self.reserve < 1 or self.bytes_per_param < 14:
            raise GapstudyError("reserve must be in [0, 1) and bytes_per_param >= 14")

    def chip(self, year: int) -> str:
        override = dict(self.hardware)
        return override.get(int(year)) or hardware_in_use(int(year))

    def gpus(self, year: int) -> int:
        return _c.gpus_per_lab(year, dict(self.gpus_per_lab))

    def tpp(self, year: int) -> float:
        return _c.tokens_per_param(year, dict(self.tokens_per_param))

    def class_weights(self) -> np.ndarray:
        """Adoption weight of each class code 0..7."""
        w = dict(self.adoption_weights)
        return np.array([sum(w.get(name, 0.0) for name, bit in CLASS_BITS.items() if code & bit)
                         for code in range(N_CLASSES)])

    def record(self) -> dict:
        """Plain-data form for results.json."""
        d = dataclasses.asdict(self)
        d["calibration"] = dataclasses.asdict(self.calibration)
        return d


def _as_assumptions(assumptions) -> Assumptions:
    return assumptions if isinstance(assumptions, Assumptions) else Assumptions.make(assumptions)


# ---------------------------------------------------------------------------------------------
# cost curves: cheapest variable cost per class of techniques, per size


def _curve_for_size(log10_n: float, year: int, chip: str, a: Assumptions, *, chunk: int = CHUNK) -> dict:
    """The cheapest feasible layout per class for one size, reduced chunk by chunk as the layouts are
    enumerated (search.layout_chunks): memory stays at one chunk of `chunk` layouts, whatever the size."""
    hw = get_hardware(chip)
    opts = _tech.search_options(year, a.technique_lag)
    flash = opts.pop("flash_attention")
    overlap = _tech.software_overlap(year, a.technique_lag)
    shape = shape_for_params(10.0 ** log10_n, vocab=a.vocab, seq_len=a.seq_len)
    n = shape.params
    tokens = a.tpp(year) * n
    batch = default_global_batch(n, a.seq_len)
    if a.critical_batch:
        batch = _c.capped_batch(batch, n, tokens, a.seq_len)
    cap = a.gpus(year)
    steps = tokens / (batch * a.seq_len)
    best = np.full(N_CLASSES, np.inf)
    best_lay: list = [None] * N_CLASSES  # (chunk, index) of each class's cheapest layout
    best_days = np.full(N_CLASSES, np.nan)
    best_gpus = np.full(N_CLASSES, np.nan)
    min_days = np.inf
    any_fit = False
    evaluated = 0
    for sub, (has_t, has_d, has_p) in layout_chunks(shape, batch, cap, chunk=chunk, **opts):
        evaluated += len(sub)
        r = evaluate_layouts(shape, batch, sub, hw, bytes_per_param=a.bytes_per_param, reserve=a.reserve,
                             calibration=a.calibration, max_gpus=cap, flash_attention=flash, overlap=overlap,
                             era=year - a.technique_lag)
        stretch = 1.0 + a.failure_overhead_per_gpu * r["gpus"]
        days = r["step_time"] * stretch * (steps / SECONDS_PER_DAY)
        fits = r["fits"]
        if not fits.any():
            continue
        any_fit = True
        min_days = min(min_days, float(days[fits].min()))
        ok = fits & (days <= a.max_days) if a.max_days is not None else fits
        if not ok.any():
            continue
        dollars = np.where(ok, r["dollars_per_step"] * stretch * steps, np.inf)
        # a chunk's layouts share tensor > 1 and pipeline > 1; ZeRO-3 (possible only with data > 1) splits it
        # into at most two classes. Within a class the first cheapest layout in enumeration order wins, as
        # it would in one pass over the class's layouts.
        k0 = CLASS_BITS["tensor"] * has_t + CLASS_BITS["pipeline"] * has_p
        if has_d:
            z3 = sub.zero_stage == 3
            split = ((k0, np.where(z3, np.inf, dollars)), (k0 + CLASS_BITS["zero3"], np.where(z3, dollars, np.inf)))
        else:
            split = ((k0, dollars),)
        for k, dk in split:
            i = int(np.argmin(dk))
            if dk[i] < best[k]:
                best[k], best_lay[k], best_days[k], best_gpus[k] = dk[i], (sub, i), days[i], r["gpus"][i]
    per_pt = best / (n * tokens)
    k_all = int(np.argmin(best))
    if np.isfinite(best[k_all]):
        sub, i = best_lay[k_all]
        layout = sub.layout(i)
        regime, status = classify(layout, hw), "feasible"
    else:
        layout, regime = None, "infeasible"
        status = ("does not fit in memory on at most {cap} GPUs" if not any_fit else
                  f"fastest fitting layout takes {min_days:.0f} days > {a.max_days:g}-day deadline").format(cap=cap)
    return {"params": n, "tokens": tokens, "batch": batch, "per_param_token": per_pt, "days": best_days,
            "gpus": best_gpus, "best_class": k_all if layout is not None else -1, "regime": regime, "status": status,
            "layout": None if layout is None else dataclasses.asdict(layout), "evaluated": evaluated}


def _curves_compute(year: int, chip: str, a: Assumptions, log10_sizes: tuple[float, ...]) -> dict:
    rows = [_curve_for_size(x, year, chip, a) for x in log10_sizes]
    return {
        "log10_sizes": np.array(log10_sizes), "params": np.array([r["params"] for r in rows]),
        "tokens": np.array([r["tokens"] for r in rows]), "batch": np.array([r["batch"] for r in rows]),
        "per_param_token": np.vstack([r["per_param_token"] for r in rows]),  # (sizes, classes), inf = none
        "days": np.vstack([r["days"] for r in rows]), "gpus": np.vstack([r["gpus"] for r in rows]),
        "best_class": np.array([r["best_class"] for r in rows]),
        "regimes": [r["regime"] for r in rows], "status": [r["status"] for r in rows],
        "layouts": [r["layout"] if r["layout"] is not None else {} for r in rows],
        "evaluated": int(sum(r["evaluated"] for r in rows)),
    }


CURVE_FIELDS = ("max_days", "gpus_per_lab", "tokens_per_param", "critical_batch", "failure_overhead_per_gpu",
                "bytes_per_param", "reserve", "technique_lag", "calibration", "seq_len", "vocab")


def _key(year: int, chip: str, a: Assumptions, extra) -> dict:
    hw = get_hardware(chip)
    rec = a.record()
    return {"year": int(year), "chip": dataclasses.asdict(hw) | {"source": ""},
            "assumptions": {k: rec[k] for k in CURVE_FIELDS},
            "overlap": dataclasses.asdict(_tech.software_overlap(year, a.technique_lag)),
            "techniques": _tech.history(), "extra": extra, "version": 3}


def cost_curves(year: int, chip: str | None = None, *, assumptions=None, log10_sizes=LOG10_SIZES) -> dict:
    """Per size: cheapest variable $ per parameter-token per technique class (inf: none feasible),
    days and GPUs of those layouts, and the overall cheapest layout's regime (disk-cached)."""
    a = _as_assumptions(assumptions)
    chip = chip or a.chip(year)
    sizes = tuple(float(x) for x in log10_sizes)
    key = _key(year, chip, a, sizes)
    memo = repr(key)
    if memo not in _CURVES:
        _CURVES[memo] = cache.cached("costmodel.size_choice.curves", key,
                                     lambda: _curves_compute(int(year), chip, a, sizes))
    return _CURVES[memo]


_CURVES: dict[str, dict] = {}


# ---------------------------------------------------------------------------------------------
# from cost curves to chosen sizes


def _fine(curves: dict) -> tuple[np.ndarray, np.ndarray]:
    """Class costs per parameter-token on the fine size grid (log-linear; inf where a neighbour is inf)."""
    x = curves["log10_sizes"]
    fine = np.round(np.arange(x[0], x[-1] + 1e-9, FINE_STEP), 4)
    c = curves["per_param_token"]
    out = np.full((fine.size, c.shape[1]), np.inf)
    j = np.clip(np.searchsorted(x, fine, side="right") - 1, 0, x.size - 2)
    w = (fine - x[j]) / (x[j + 1] - x[j])
    lo, hi = c[j], c[j + 1]
    both = np.isfinite(lo) & np.isfinite(hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        val = np.exp((1 - w[:, None]) * np.log(lo) + w[:, None] * np.log(hi))
    out[both] = val[both]
    return fine, out


def total_cost(fine: np.ndarray, per_pt: np.ndarray, tpp: float, weights: np.ndarray, a_eff) -> np.ndarray:
    """Dollars to train each fine size with the cheapest class given effective adoption costs a_eff
    (array, any shape S): shape S + (sizes,)."""
    n = 10.0 ** fine
    variable = per_pt * (tpp * n * n)[:, None]  # (sizes, classes)
    a = np.asarray(a_eff, dtype=float)[..., None, None]
    return np.min(variable + a * weights, axis=-1)


def _budget_floor(total: np.ndarray) -> np.ndarray:
    """M(N) = min over N' >= N of total(N'): the smallest budget that builds N or larger."""
    return np.minimum.accumulate(total[..., ::-1], axis=-1)[..., ::-1]


def chosen_mass(total: np.ndarray) -> np.ndarray:
    """log-budget mass choosing each fine cell (N_i, N_i+1]: diff of log M (0 where never chosen)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lm = np.log(_budget_floor(total))
        d = np.diff(lm, axis=-1)
    return np.where(np.isfinite(d), d, 0.0)


def _ratio_table(curves: dict, tpp: float, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Density ratio per fine cell at each effective cost in _LOG10_AEFF: (cells,), (aeff, cells)."""
    fine, per_pt = _fine(curves)
    base = chosen_mass(total_cost(fine, per_pt, tpp, weights, 0.0))
    with_cost = chosen_mass(total_cost(fine, per_pt, tpp, weights, 10.0 ** _LOG10_AEFF))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(base > 0, with_cost / base, 1.0)
    mids = 0.5 * (fine[1:] + fine[:-1])
    return mids, np.clip(ratio, 0.0, 1.0)


def _lab_nodes(a: Assumptions) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes (in standard deviations) and weights over labs whose log10 adoption cost spreads
    normally by a.lab_spread_dex; one node at the centre when there is no spread."""
    if a.lab_spread_dex > 0:
        z = np.linspace(-3.0, 3.0, _LAB_NODES)
        w = np.exp(-0.5 * z * z)
        return z, w / w.sum()
    return np.zeros(1), np.ones(1)


def _lab_average(ratio: np.ndarray, log10_costs: np.ndarray, a: Assumptions) -> np.ndarray:
    """Average the ratio over labs whose log10 cost is normal around log10(cost / runs)."""
    z, w = _lab_nodes(a)
    out = np.zeros((log10_costs.size, ratio.shape[1]))
    for zi, wi in zip(z, w):
        x = log10_costs + zi * a.lab_spread_dex - math.log10(a.runs_per_lab)
        pos = np.clip(np.interp(x, _LOG10_AEFF, np.arange(_LOG10_AEFF.size)), 0, _LOG10_AEFF.size - 1)
        j = np.minimum(np.floor(pos).astype(int), _LOG10_AEFF.size - 2)
        f = (pos - j)[:, None]
        val = (1 - f) * ratio[j] + f * ratio[j + 1]
        val = np.where((x < _LOG10_AEFF[0])[:, None], 1.0, val)  # negligible costs change nothing
        out += wi * val
    return out


def _grid_compute(a: Assumptions) -> dict:
    weights = a.class_weights()
    costs = np.array(LOG10_COSTS)
    tables = []
    mids = None
    for year in YEARS:
        curves = cost_curves(year, assumptions=a)
        mids, ratio = _ratio_table(curves, a.tpp(year), weights)
        tables.append(_lab_average(ratio, costs, a))  # (costs, cells)
    return {"years": np.array(YEARS), "log10_sizes": mids, "log10_costs": costs,
            "thinning": np.stack(tables).transpose(0, 2, 1)}  # (years, sizes, costs)


_GRIDS: dict = {}


def thinning_grid(assumptions=None) -> dict:
    """The tabulated thinning over year x log10 size x log10 cost (disk-cached, memoised in process)."""
    a = _as_assumptions(assumptions)
    if a not in _GRIDS:
        key = {"assumptions": a.record(), "years": YEARS, "sizes": LOG10_SIZES, "costs": LOG10_COSTS,
               "chips": {y: dataclasses.asdict(get_hardware(a.chip(y))) | {"source": ""} for y in YEARS},
               "techniques": _tech.history(), "aeff": _LOG10_AEFF.tolist(),
               "overlap": {y: dataclasses.asdict(_tech.software_overlap(y, a.technique_lag)) for y in YEARS}, "nodes": _LAB_NODES, "version": 3}
        _GRIDS[a] = cache.cached("costmodel.size_choice.grid", key, lambda: _grid_compute(a))
    return _GRIDS[a]


def thinning(years, log10_params, adoption_cost_usd, *, assumptions=None) -> np.ndarray:
    """Share of would-be trend models at each size that still get built there once adoption costs apply.

    Broadcasts decimal `years`, `log10_params` and `adoption_cost_usd` (one-time cost per costly
    technique, dollars); values in [0, 1], 1 where adoption costs change nothing (the density of
    chosen sizes with those costs over the density without, see the module docstring). Years
    before/after the tabulated 2018-2026 use the nearest year; sizes outside 316M-3.2T the
    nearest edge; costs below $100 give 1. Cheap: bilinear interpolation in a cached grid.
    """
    g = thinning_grid(assumptions)
    t, y, c = np.broadcast_arrays(np.asarray(years, dtype=float), np.asarray(log10_params, dtype=float),
                                  np.asarray(adoption_cost_usd, dtype=float))
    if np.any(~np.isfinite(t)) or np.any(~np.isfinite(y)) or np.any(~np.isfinite(c)) or np.any(c < 0):
        raise GapstudyError("thinning needs finite years and log10 sizes and non-negative finite adoption costs")
    tab = g["thinning"]
    yi = np.clip(np.floor(t).astype(int) - int(g["years"][0]), 0, len(g["years"]) - 1)
    xs, cs = g["log10_sizes"], g["log10_costs"]
    with np.errstate(divide="ignore"):
        lc = np.log10(np.where(c > 0, c, 1.0))
    px = np.clip(np.interp(y, xs, np.arange(xs.size)), 0, xs.size - 1)
    pc = np.clip(np.interp(lc, cs, np.arange(cs.size)), 0, cs.size - 1)
    i = np.minimum(np.floor(px).astype(int), xs.size - 2)
    j = np.minimum(np.floor(pc).astype(int), cs.size - 2)
    fx, fc = px - i, pc - j
    v = ((1 - fx) * (1 - fc) * tab[yi, i, j] + fx * (1 - fc) * tab[yi, i + 1, j]
         + (1 - fx) * fc * tab[yi, i, j + 1] + fx * fc * tab[yi, i + 1, j + 1])
    v = np.where((c <= 0) | (lc < cs[0]), 1.0, v)
    return np.clip(v, 0.0, 1.0)


# ---------------------------------------------------------------------------------------------
# the band: sizes less cost-effective than both smaller and larger ones


def cost_effectiveness(year: int, adoption_cost_usd: float, *, chip: str | None = None, assumptions=None) -> dict:
    """Dollars per parameter-token of each searched size, adoption cost (amortised) included."""
    a = _as_assumptions(assumptions)
    curves = cost_curves(year, chip, assumptions=a)
    tpp = a.tpp(year)
    n = curves["params"]
    weights = a.class_weights()
    variable = curves["per_param_token"] * (tpp * n * n)[:, None]
    total = np.min(variable + float(adoption_cost_usd) / a.runs_per_lab * weights, axis=1)
    return {"params": n, "per_param_token": total / (tpp * n * n), "curves": curves}


def band(year, adoption_cost_usd, *, chip=None, assumptions=None, window: float = BAND_WINDOW,
         tolerance: float = BAND_TOLERANCE) -> tuple[float, float] | None:
    """(lower, upper) parameter counts less cost-effective than both smaller and larger sizes on the
    hardware of `year` (or `chip`) with adoption costs amortised over the lab's runs; None if none.

    A size is in the band when some smaller and some larger size within a factor `window` train a
    parameter-token more than `tolerance` cheaper (regimes.band_mask); runs of a single searched size
    are ignored (below the grid's resolution); the most pronounced run wins.
    """
    if not (np.isfinite(adoption_cost_usd) and adoption_cost_usd >= 0):
        raise GapstudyError(f"adoption_cost_usd must be a non-negative number, got {adoption_cost_usd!r}")
    ce = cost_effectiveness(int(year), float(adoption_cost_usd), chip=chip, assumptions=assumptions)
    c = np.where(np.isfinite(ce["per_param_token"]), ce["per_param_token"], np.nan)
    # a run of one grid size is below the grid's resolution (discrete shapes and layouts move a
    # single size's cost by several percent): a band spans at least two searched sizes
    runs = [r for r in bands(ce["params"], c, window=window, tolerance=tolerance) if r[1] > r[0]]
    if not runs:
        return None
    lo, hi, _ = max(runs, key=lambda r: (np.nan_to_num(r[2], nan=-1.0), r[1] / r[0]))
    return (lo, hi)


def smallest_opening_cost(year: int, *, chip: str | None = None, assumptions=None,
                          log10_costs=np.arange(3.0, 10.01, 0.1)) -> float | None:
    """Smallest adoption cost on the grid whose band is not None: 0.0 when there is a band without
    any adoption cost (variable costs alone), None when no cost up to the grid's end opens one."""
    if band(year, 0.0, chip=chip, assumptions=assumptions) is not None:
        return 0.0
    for lc in log10_costs:
        if band(year, 10.0 ** lc, chip=chip, assumptions=assumptions) is not None:
            return float(10.0 ** lc)
    return None


# ---------------------------------------------------------------------------------------------
# size histograms for a distribution of lab budgets


@dataclass(frozen=True)
class Budgets:
    """Lognormal lab budgets per year: median `median_2020` dollars growing `growth` x per year,
    sd `spread_dex` in log10. Defaults: growth 2.4x/year of frontier training costs (Cottier et
    al. 2024); median and spread are assumptions for illustration (a lab's run ~ $1M in 2020)."""

    median_2020: float = 1.0e6
    growth: float = 2.4
    spread_dex: float = 1.0

    def median(self, year: int) -> float:
        return self.median_2020 * self.growth ** (int(year) - 2020)


def size_histogram(year: int, adoption_cost_usd: float, *, budgets: Budgets = Budgets(), assumptions=None,
                   chip: str | None = None) -> dict:
    """Share of labs choosing each fine size cell without and with adoption costs (labs' costs spread)."""
    from scipy.stats import norm

    a = _as_assumptions(assumptions)
    curves = cost_curves(year, chip, assumptions=a)
    fine, per_pt = _fine(curves)
    tpp, weights = a.tpp(year), a.class_weights()
    mu, sd = math.log10(budgets.median(year)), budgets.spread_dex

    def hist(a_eff):
        m = _budget_floor(total_cost(fine, per_pt, tpp, weights, a_eff))
        with np.errstate(divide="ignore"):
            cdf = norm.cdf((np.log10(m) - mu) / sd)
        cdf = np.where(np.isfinite(m), cdf, 1.0)
        return np.clip(np.diff(cdf, axis=-1), 0.0, None)

    without = hist(0.0)
    z, w = _lab_nodes(a)
    eff = float(adoption_cost_usd) / a.runs_per_lab * 10.0 ** (z * a.lab_spread_dex)
    with_cost = np.tensordot(w, hist(eff), axes=1)
    return {"log10_edges": fine, "without": without, "with": with_cost, "budget_median": budgets.median(year),
            "budget_spread_dex": sd}
