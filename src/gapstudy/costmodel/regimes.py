"""Parallelism regimes of the cheapest layout over model sizes, cost-effectiveness, and the predicted band."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from gapstudy.costmodel.gemm import DEFAULT_CALIBRATION, Calibration
from gapstudy.costmodel.hardware import Hardware, get_hardware, load_catalogue
from gapstudy.costmodel.memory import model_state_coefficients
from gapstudy.costmodel.search import Layout, search
from gapstudy.costmodel.techniques import search_options, software_overlap
from gapstudy.errors import GapstudyError

SIZES = tuple(float(x) for x in np.logspace(9, 12, 16))  # 1B..1T, 5 points per decade
KAPLAN_TOKENS_PER_PARAM = 300e9 / 175e9  # GPT-3: 300B tokens for 175B parameters (Brown et al. 2020), ~1.7
CHINCHILLA_TOKENS_PER_PARAM = 20.0  # Hoffmann et al. (2022)
PRACTICES = {"kaplan": KAPLAN_TOKENS_PER_PARAM, "chinchilla": CHINCHILLA_TOKENS_PER_PARAM}
# Hoffmann et al. (2022) parametric fit L(N, D) = E + A/N^alpha + B/D^beta
LOSS_E, LOSS_A, LOSS_B, LOSS_ALPHA, LOSS_BETA = 1.69, 406.4, 410.7, 0.34, 0.28
BAND_WINDOW = 4.0  # "neighbours": sizes within a factor 4 either side (the 20B-70B gap spans 3.5x)
BAND_TOLERANCE = 0.05  # a neighbour must be >5% cheaper per parameter-token: discrete shapes and layouts alone move cost by ~±5%


def chinchilla_loss(params, tokens):
    """L(N, D) = 1.69 + 406.4/N^0.34 + 410.7/D^0.28 (Hoffmann et al. 2022)."""
    n = np.asarray(params, dtype=float)
    d = np.asarray(tokens, dtype=float)
    return LOSS_E + LOSS_A / n**LOSS_ALPHA + LOSS_B / d**LOSS_BETA


def classify(layout: Layout, hardware: Hardware) -> str:
    """Name a layout's parallelism regime (what crosses the node boundary decides the name)."""
    t, p, d, node = layout.tensor, layout.pipeline, layout.data, hardware.chips_per_node
    if t == 1 and p == 1:
        if d == 1:
            return "one GPU"
        return "ZeRO data parallel" if layout.zero_stage > 0 else "data parallel"
    if p == 1:
        return "tensor parallel within a node" if t <= node else "tensor parallel across nodes"
    name = "pipeline" if t == 1 else "tensor+pipeline"
    return f"{name} within a node" if t * p <= node else f"{name} across nodes"


def state_threshold(hardware: str | Hardware, *, bytes_per_param: float = 16.0, zero_stage: int = 0,
                    data: float = 1.0, reserve: float = 0.0) -> float:
    """Largest N whose model state fits one node, sharded over its chips (and ZeRO over `data` replicas).

    Per GPU: (N / chips) x (replicated + sharded / data) bytes <= (1 - reserve) x memory.
    16 bytes/param: 8 x 40 GB -> 20B, 8 x 80 GB -> 40B. ZeRO across many replicas (data -> inf)
    leaves only the replicated bytes: stage 1 -> 4, stage 2 -> 2, stage 3 -> no limit.
    """
    hw = get_hardware(hardware)
    replicated, sharded = model_state_coefficients(zero_stage, bytes_per_param)
    per_param = float(replicated) + float(sharded) / float(data)
    if per_param <= 0:
        return float("inf")
    return hw.chips_per_node * (1.0 - reserve) * hw.memory_bytes / per_param


@dataclass(frozen=True)
class Assumptions:
    """What a sweep assumes; hashable so sweeps are cached."""

    bytes_per_param: float = 16.0
    zero_stages: tuple[int, ...] = (0, 1, 2, 3)
    reserve: float = 0.1
    max_gpus: int = 16384
    max_days: float | None = None  # None: pure cost (no deadline)
    inter_bandwidth_scale: float = 1.0
    intra_bandwidth_scale: float = 1.0
    calibration: Calibration = DEFAULT_CALIBRATION
    seq_len: int = 2048
    vocab: int = 51200
    # None: every technique, the GEMM efficiency of Megatron-LM's 2021 software and no overlap (the sweep before
    # technique history). A year: only the techniques that existed in it (techniques.search_options), the
    # communication overlap of its software (techniques.software_overlap) and its GEMM efficiency (gemm era).
    software_year: int | None = None

    @classmethod
    def make(cls, **kwargs) -> "Assumptions":
        cal = kwargs.pop("calibration", None)
        gemm = {k: kwargs.pop(k) for k in ("gemm_max_efficiency", "gemm_size_scale", "elementwise_passes") if k in kwargs}
        cal = (cal or DEFAULT_CALIBRATION).replace(**gemm)
        if "zero_stages" in kwargs:
            kwargs["zero_stages"] = tuple(kwargs["zero_stages"])
        unknown = set(kwargs) - set(cls.__dataclass_fields__)
        if unknown:
            raise GapstudyError(f"unknown cost-model assumption(s) {sorted(unknown)}; known: "
                                f"{sorted(cls.__dataclass_fields__) + ['gemm_max_efficiency', 'gemm_size_scale', 'elementwise_passes']}")
        year = kwargs.get("software_year")
        if year is not None:
            if isinstance(year, bool) or not isinstance(year, (int, float, np.integer, np.floating)) or not float(year).is_integer():
                raise GapstudyError(f"software_year must be a whole year such as 2021 (or None), got {year!r}")
            kwargs["software_year"] = int(year)
            search_options(kwargs["software_year"])  # a year before data-parallel training is an error here
        return cls(calibration=cal, **kwargs)

    def search_kwargs(self) -> dict:
        """What search() is given for the software of software_year (nothing: every technique, 2021 software)."""
        if self.software_year is None:
            return {}
        opts = search_options(self.software_year)
        opts["zero_stages"] = tuple(z for z in self.zero_stages if z in opts["zero_stages"])
        return {**opts, "overlap": software_overlap(self.software_year), "era": self.software_year}

    def hardware(self, name: str | Hardware) -> Hardware:
        hw = get_hardware(name)
        if self.inter_bandwidth_scale != 1.0 or self.intra_bandwidth_scale != 1.0:
            hw = hw.replace(inter_node_bandwidth_gbs=hw.inter_node_bandwidth_gbs * self.inter_bandwidth_scale,
                            intra_node_bandwidth_gbs=hw.intra_node_bandwidth_gbs * self.intra_bandwidth_scale)
        return hw


@dataclass(frozen=True)
class Sweep:
    """Cheapest layout per size on one chip: arrays over `sizes` (NaN where nothing is feasible)."""

    hardware: str
    sizes: np.ndarray
    params: np.ndarray  # of the shapes actually used (within a few % of sizes)
    regimes: tuple[str, ...]
    layouts: tuple[Layout | None, ...]
    mfu: np.ndarray
    dollars_per_token: np.ndarray
    dollars_per_param_token: np.ndarray
    gpus: np.ndarray
    evaluated: int
    reasons: tuple[str | None, ...] = field(default=())

    def training_cost(self, practice: str = "chinchilla") -> np.ndarray:
        """Dollars to train each size on its practice's token budget."""
        return self.dollars_per_token * PRACTICES[practice] * self.params

    def loss(self, practice: str = "chinchilla") -> np.ndarray:
        return chinchilla_loss(self.params, PRACTICES[practice] * self.params)


@functools.lru_cache(maxsize=512)
def _sweep_cached(hardware: str, sizes: tuple[float, ...], a: Assumptions, practice: str) -> Sweep:
    hw = a.hardware(hardware)
    regimes, layouts, reasons = [], [], []
    params, mfu, dpt, gpus = [], [], [], []
    evaluated = 0
    for n in sizes:
        r = search(n, hardware=hw, tokens=PRACTICES[practice] * n, max_gpus=a.max_gpus, max_days=a.max_days,
                   bytes_per_param=a.bytes_per_param, reserve=a.reserve, calibration=a.calibration, seq_len=a.seq_len,
                   vocab=a.vocab, verify=True, **{"zero_stages": a.zero_stages, **a.search_kwargs()})
        evaluated += r.evaluated
        params.append(r.shape.params)
        if r.found:
            layouts.append(r.layout)
            regimes.append(classify(r.layout, hw))
            reasons.append(None)
            mfu.append(r.estimate.mfu)
            dpt.append(r.dollars / r.tokens)
            gpus.append(r.layout.gpus)
        else:
            layouts.append(None)
            regimes.append("infeasible")
            reasons.append(r.reason)
            mfu.append(np.nan)
            dpt.append(np.nan)
            gpus.append(np.nan)
    params_a = np.array(params)
    dpt_a = np.array(dpt)
    return Sweep(hardware=hw.name, sizes=np.array(sizes), params=params_a, regimes=tuple(regimes),
                 layouts=tuple(layouts), mfu=np.array(mfu), dollars_per_token=dpt_a,
                 dollars_per_param_token=dpt_a / params_a, gpus=np.array(gpus), evaluated=evaluated,
                 reasons=tuple(reasons))


def sweep(hardware: str, sizes=SIZES, practice: str = "chinchilla", **assumptions) -> Sweep:
    """The cheapest fitting layout at each size on `hardware` (cached per assumptions)."""
    if practice not in PRACTICES:
        raise GapstudyError(f"practice must be one of {sorted(PRACTICES)}, got {practice!r}")
    a = Assumptions.make(**assumptions)
    # without a deadline the token budget only scales the cost, so one sweep serves every practice
    key_practice = practice if a.max_days is not None else "chinchilla"
    return _sweep_cached(hardware, tuple(float(s) for s in sizes), a, key_practice)


def regime_changes(s: Sweep) -> list[dict]:
    """Where the regime of the cheapest layout changes between feasible sizes (a size with no
    feasible layout is not a regime: transitions into or out of it are not counted)."""
    out = []
    for i in range(1, len(s.regimes)):
        if "infeasible" in (s.regimes[i], s.regimes[i - 1]):
            continue
        if s.regimes[i] != s.regimes[i - 1]:
            jump = s.dollars_per_param_token[i] / s.dollars_per_param_token[i - 1]
            out.append({"below": float(s.params[i - 1]), "above": float(s.params[i]), "from": s.regimes[i - 1],
                        "to": s.regimes[i], "cost_jump": float(jump)})
    return out


def marginal_dollars_per_loss(s: Sweep, practice: str = "chinchilla") -> np.ndarray:
    """Dollars per unit of loss reduction between consecutive sizes (length len(sizes) - 1)."""
    cost = s.training_cost(practice)
    loss = s.loss(practice)
    return np.diff(cost) / -np.diff(loss)


def band_mask(params, cost_per_param_token, window: float = BAND_WINDOW, tolerance: float = BAND_TOLERANCE) -> np.ndarray:
    """Sizes less cost-effective than both neighbours: some smaller AND some larger size within a
    factor `window` trains a parameter-token more than `tolerance` cheaper."""
    n = np.asarray(params, dtype=float)
    c = np.asarray(cost_per_param_token, dtype=float)
    out = np.zeros(n.size, dtype=bool)
    for i in range(n.size):
        if not np.isfinite(c[i]):
            continue
        lo = (n < n[i]) & (n >= n[i] / window) & np.isfinite(c)
        hi = (n > n[i]) & (n <= n[i] * window) & np.isfinite(c)
        cheaper = c < c[i] * (1.0 - tolerance)
        out[i] = bool((lo & cheaper).any() and (hi & cheaper).any())
    return out


def bands(params, cost_per_param_token, **kw) -> list[tuple[float, float, float]]:
    """Contiguous runs of band_mask as (lowest size, highest size, worst excess over the cheaper side)."""
    n = np.asarray(params, dtype=float)
    c = np.asarray(cost_per_param_token, dtype=float)
    mask = band_mask(n, c, **kw)
    runs, i = [], 0
    while i < n.size:
        if mask[i]:
            j = i
            while j + 1 < n.size and mask[j + 1]:
                j += 1
            outside = np.isfinite(c) & ~mask
            lo_side = c[: i][outside[: i]]
            hi_side = c[j + 1:][outside[j + 1:]]
            ref = max(lo_side.min() if lo_side.size else np.inf, hi_side.min() if hi_side.size else np.inf)
            excess = float(np.nanmax(c[i: j + 1]) / ref - 1.0) if np.isfinite(ref) else float("nan")
            runs.append((float(n[i]), float(n[j]), excess))
            i = j + 1
        else:
            i += 1
    return runs


def band(s: Sweep, **kw) -> tuple[float, float] | None:
    """The most pronounced band of a sweep (largest excess), or None."""
    runs = bands(s.params, s.dollars_per_param_token, **kw)
    if not runs:
        return None
    lo, hi, _ = max(runs, key=lambda r: (np.nan_to_num(r[2], nan=-1.0), r[1] / r[0]))
    return (lo, hi)


def regime_map(hardware_names=None, sizes=SIZES, **assumptions) -> dict[str, Sweep]:
    """A sweep per chip (default: the whole catalogue)."""
    names = list(hardware_names) if hardware_names is not None else sorted(load_catalogue())
    return {name: sweep(name, sizes, **assumptions) for name in names}
