"""CompetitionParams: every knob of the simulation, validated with one clear message per mistake."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

from gapstudy.competition import constants as K
from gapstudy.errors import GapstudyError

BELIEFS = ("switch", "kaplan", "chinchilla")  # Kaplan before switch_year then Chinchilla | always one
COSTS = ("simple", "costmodel")  # 6ND x price of the time | gapstudy.costmodel.training_cost
UNAFFORDABLE = ("own_use", "skip")  # a would-be competitor that cannot pay builds for own use | releases nothing
DEPLOYS = ("spread", "fixed")  # own-use deployment targets: a distribution | one fixed boundary
TARGETS = ("compute", "loss")  # what Chinchilla-era competitors beat: the frontier's compute | its loss


@dataclass(frozen=True)
class CompetitionParams:
    """All settings of one simulated population of labs. Per-kind tuples are ordered
    (frontier industry, other industry, academia)."""

    end: float = 2026.5  # simulate months up to (not including) this fractional year; 2026.5 = through June 2026
    n_labs: int = 50  # labs per world (brief: "50 labs")
    kind_shares: tuple[float, float, float] = (0.1, 0.4, 0.5)  # assumption: ~5 frontier labs (OpenAI, Google, DeepMind, Meta, Microsoft) of 50
    # Releases per lab-month at 2017-01; the totals (~2 per month in 2017) match the 25 language
    # models with a parameter count dated 2017 in Epoch's all-models snapshot of 2026-03.
    release_rate: tuple[float, float, float] = (0.05, 0.035, 0.03)
    # Yearly growth factor of release rates: that snapshot has 25 (2017) -> 364 (2024) language
    # models per year, about x1.4-1.5 per year.
    release_rate_growth: float = 1.4
    compete_prob: tuple[float, float, float] = (0.5, 0.1, 0.02)  # assumption (a free parameter of fit)
    # Median single-run budget in dollars at budget_ref_year, per kind. Assumption: with
    # own_share_median below, own-use models get the median sizes of Epoch's 2026-03 snapshot in
    # 2017-2022 (log10 ~7.4 in 2017, ~8.1 in 2019, ~8.9 in 2021), and the frontier labs' richest can
    # afford a ~10B Kaplan model in 2019 (Megatron-LM 8.3B, T5 11B).
    # Cross-check for the frontier value: with budget_sigma = 1 the richest of 5 frontier labs has
    # ~e^1.16 (expected maximum of 5 standard normals) x 1e6 x 2.4^0.4 ~ $4.4M in May 2020, close to
    # Lambda Labs' $4.6M estimate of GPT-3's training (K.PRICE_PER_FLOP_REF): GPT-3 was affordable
    # to the richest frontier lab and to few others.
    budget_median: tuple[float, float, float] = (1e6, 3e4, 1e4)
    budget_ref_year: float = 2020.0  # the year budget_median refers to
    # Yearly growth factor of budgets; Cottier et al. (2024, arXiv 2405.21015): the cost of
    # frontier training runs grew ~2.4x per year since 2016; same rate assumed for other kinds.
    budget_growth: tuple[float, float, float] = (2.4, 2.4, 2.4)
    budget_sigma: float = 1.0  # lognormal sd (natural log) of budget levels between labs; assumption (fitted)
    growth_sigma: float = 0.1  # lognormal sd of growth factors between labs; assumption
    own_share_median: float = 0.02  # median share of its budget a lab spends on an own-use model; assumption
    own_share_sigma: float = 1.0  # lognormal sd of that share (capped at 1); assumption
    # Own-use models must be servable: "spread" draws each one's deployment target (accelerators per
    # replica and the share of memory for weights, constants.DEPLOY_*); "fixed" caps every own-use
    # model at own_use_devices accelerators (the old single boundary, kept to show its spike).
    own_use_deploy: str = "spread"
    own_use_devices: float = 1.0  # accelerators of the "fixed" deployment target; assumption
    # Shares of "spread" deployment targets: 1, 2, 4, 8 data-centre accelerators per replica
    # (K.DEPLOY_DEVICES), then one consumer card (K.CONSUMER_*); normalised. No source gives them (see
    # constants.py): an assumption, varied by the experiment's deploy_sensitivity.
    deploy_device_probs: tuple[float, float, float, float, float] = K.DEPLOY_DEVICE_PROBS
    own_use_bytes_per_param: float = K.INFERENCE_BYTES_PER_PARAM  # fp16 weights
    anchor: bool = True  # inject GPT-3 (175B, 300B tokens) in May 2020 into every world
    beliefs: str = "switch"  # see BELIEFS
    switch_year: float = K.CHINCHILLA_DATE  # when labs adopt Chinchilla beliefs (paper date)
    beat_margin: float = 0.01  # a competitor aims 1% below the frontier's reducible loss; assumption
    cost: str = "simple"  # see COSTS
    price_per_flop: float = K.PRICE_PER_FLOP_REF  # dollars per FLOP at K.PRICE_REF_YEAR (GPT-3 estimate)
    price_halving_years: float = K.PRICE_HALVING_YEARS  # Hobbhahn & Besiroglu (2022)
    initial_frontier_params: float = 1.04e9  # Jozefowicz et al. (2016) BIG LSTM+CNN, largest dense LM before 2017 in Epoch's data
    unaffordable: str = "own_use"  # see UNAFFORDABLE
    # Competitive budget response: a lab that decides to compete raises its budget toward the cost of
    # the model it plans: log B_eff = log B + response_strength x max(0, log cost_target - log B).
    # 0: budgets ignore the frontier (the original model); 1: every competitor can pay for its target.
    # Assumption, fitted (science.md section 1: labs "compete with" GPT-3, e.g. with new funding).
    response_strength: float = 0.5
    # Planning lag: a competitor released in month m was sized (and funded) to beat the frontier as it
    # stood plan_lag_months earlier, and is released as planned. 0 = the original model (beat
    # today's frontier, so every success raises the bar for the next month's competitors).
    # Assumption informed by the first >70B models from other labs after GPT-3 (May 2020): PanGu-alpha
    # (Apr 2021), HyperCLOVA (May 2021), Jurassic-1 (Aug 2021), MT-NLG and Yuan 1.0 (Oct 2021),
    # Gopher (Dec 2021): 11-19 months.
    plan_lag_months: float = 12.0
    # Spread of competitor sizes: each competitor builds 10^(competitor_sigma |z|) times the cheapest
    # size expected to beat the frontier (z standard normal: labs aim above the minimum by different
    # amounts), so competitors of one world-month differ. Affordability is judged at the cheapest
    # beating size. Assumption (fitted in gapstudy.competition.fit).
    competitor_sigma: float = 0.15
    # What a competitor under Chinchilla beliefs must beat: "compute" (the frontier's training compute,
    # raised by the capability step beat_margin stands for, spent compute-optimally) or "loss" (the
    # frontier's Chinchilla loss: the cheapest compute-optimal model that beats GPT-3 is ~33B, inside
    # the window, science.md section 5). Under Kaplan beliefs both are the size rule.
    chinchilla_target: str = "compute"

    def __post_init__(self) -> None:
        for f in fields(self):  # lists from a config file become tuples, so params stay hashable
            v = getattr(self, f.name)
            if isinstance(v, list):
                object.__setattr__(self, f.name, tuple(v))
        validate(self)

    def with_(self, name: str, value: float) -> "CompetitionParams":
        """A copy with one setting changed; `name` may be `field`, `field[i]` or `field[*]`."""
        if name.endswith("]") and "[" in name:
            base, idx = name[:-1].split("[", 1)
            current = getattr(self, base, None)
            if not isinstance(current, tuple):
                raise GapstudyError(f"competition setting {name!r}: {base!r} is not a per-kind tuple; drop the [index]")
            if idx == "*":
                new = tuple(float(value) for _ in current)
            else:
                try:
                    i = int(idx)
                    new = tuple(float(value) if j == i else v for j, v in enumerate(current))
                    current[i]
                except (ValueError, IndexError):
                    raise GapstudyError(f"competition setting {name!r}: index must be 0..{len(current) - 1} or *") from None
            return replace(self, **{base: new})
        if name not in {f.name for f in fields(self)}:
            raise GapstudyError(f"competition setting {name!r} does not exist; use one of {sorted(f.name for f in fields(self))}")
        return replace(self, **{name: value})


def _bad(name: str, value: object, fix: str) -> GapstudyError:
    return GapstudyError(f"competition.{name}={value!r} is invalid; {fix}")


def _finite(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _per_kind(p: CompetitionParams, name: str, lo: float, hi: float, fix: str) -> None:
    v = getattr(p, name)
    if not isinstance(v, tuple) or len(v) != K.N_KINDS or not all(_finite(x) and lo <= x <= hi for x in v):
        raise _bad(name, v, f"give {K.N_KINDS} numbers (frontier, industry, academia) {fix}")


def validate(p: CompetitionParams) -> None:
    """Raise GapstudyError naming the first bad setting and how to fix it."""
    if not _finite(p.end) or not (K.SIM_START + 1 / 12 <= p.end <= 2100):
        raise _bad("end", p.end, f"use a fractional year between {K.SIM_START + 1 / 12:.3f} and 2100, e.g. 2026.5")
    if isinstance(p.n_labs, bool) or not isinstance(p.n_labs, int) or not (1 <= p.n_labs <= 32767):
        raise _bad("n_labs", p.n_labs, "use an integer from 1 to 32767")
    _per_kind(p, "kind_shares", 0.0, 1.0, "in [0, 1] summing to 1")
    if abs(sum(p.kind_shares) - 1.0) > 1e-9:
        raise _bad("kind_shares", p.kind_shares, "make the three shares sum to 1")
    _per_kind(p, "release_rate", 0.0, 20.0, "in [0, 20] releases per lab-month")
    _per_kind(p, "compete_prob", 0.0, 1.0, "in [0, 1]")
    _per_kind(p, "budget_median", 1e-6, 1e15, "in dollars, positive")
    _per_kind(p, "budget_growth", 1e-3, 1e3, "as yearly factors, e.g. 2.4 for x2.4 per year")
    checks = [
        ("release_rate_growth", 1e-3, 1e3, "use a positive yearly factor, e.g. 1.5"),
        ("budget_ref_year", 1900, 2100, "use a fractional year, e.g. 2020.0"),
        ("budget_sigma", 0.0, 10.0, "use a lognormal sd in [0, 10] (natural log)"),
        ("growth_sigma", 0.0, 5.0, "use a lognormal sd in [0, 5]"),
        ("own_share_median", 1e-9, 1.0, "use a share of the budget in (0, 1]"),
        ("own_share_sigma", 0.0, 10.0, "use a lognormal sd in [0, 10]"),
        ("own_use_devices", 1e-3, 1e6, "use a positive number of accelerators"),
        ("own_use_bytes_per_param", 0.01, 64.0, "use bytes per parameter, e.g. 2 for fp16"),
        ("switch_year", 1900, 2100, "use a fractional year, e.g. 2022.24"),
        ("beat_margin", 0.0, 0.99, "use a fraction of the frontier's reducible loss in [0, 0.99)"),
        ("price_per_flop", 1e-30, 1.0, "use dollars per FLOP, e.g. 1.46e-17"),
        ("price_halving_years", 0.05, 1e6, "use years for the price of a FLOP to halve, e.g. 2.5"),
        ("initial_frontier_params", 1e3, 1e16, "use a parameter count, e.g. 1.04e9"),
        ("response_strength", 0.0, 1.0, "use a share in [0, 1] (0: no budget response to the frontier)"),
        ("plan_lag_months", 0.0, 120.0, "use months in [0, 120], e.g. 12"),
        ("competitor_sigma", 0.0, 2.0, "use a spread of competitor sizes in dex, in [0, 2], e.g. 0.15"),
    ]
    for name, lo, hi, fix in checks:
        v = getattr(p, name)
        if not _finite(v) or not (lo <= v <= hi):
            raise _bad(name, v, fix)
    v = p.deploy_device_probs
    if (not isinstance(v, tuple) or len(v) != len(K.DEPLOY_DEVICE_PROBS) or not all(_finite(x) and x >= 0 for x in v)
            or sum(v) <= 0):
        raise _bad("deploy_device_probs", v, f"give {len(K.DEPLOY_DEVICE_PROBS)} non-negative shares (for "
                   f"{', '.join(f'{d:g}' for d in K.DEPLOY_DEVICES)} data-centre accelerators per replica and one "
                   "consumer card), not all 0")
    if p.beat_margin >= 0.99:
        raise _bad("beat_margin", p.beat_margin, "use a fraction below 0.99")
    if not isinstance(p.anchor, bool):
        raise _bad("anchor", p.anchor, "use true or false")
    for name, allowed in (("beliefs", BELIEFS), ("cost", COSTS), ("unaffordable", UNAFFORDABLE),
                          ("own_use_deploy", DEPLOYS), ("chinchilla_target", TARGETS)):
        if getattr(p, name) not in allowed:
            raise _bad(name, getattr(p, name), f"use one of {', '.join(allowed)}")


# Settings that may differ between the worlds of one simulate() call (simulate_batch): each world
# then carries its own value. Release rates and lab kinds stay shared (they fix the release counts).
PER_WORLD = (
    "compete_prob", "budget_median", "budget_growth", "budget_sigma", "growth_sigma", "own_share_median",
    "own_share_sigma", "response_strength", "plan_lag_months", "beat_margin", "competitor_sigma",
)


def split_name(name: str) -> tuple[str, str | None]:
    """'field[i]' -> ('field', 'i'); 'field' -> ('field', None)."""
    if name.endswith("]") and "[" in name:
        base, idx = name[:-1].split("[", 1)
        return base, idx
    return name, None


def world_settings(base: CompetitionParams, values: dict[str, "np.ndarray"]) -> dict[str, "np.ndarray"]:
    """Per-world arrays of the settings named in `values` (names as in CompetitionParams.with_:
    'field', 'field[i]', 'field[*]'), one entry per world; unnamed settings keep base's value.
    Returns {field: (n,) or (n, 3) array}. Every value is checked against the setting's range."""
    import numpy as np

    n = None
    out: dict[str, np.ndarray] = {}
    for name, v in values.items():
        v = np.asarray(v, dtype=float)
        if v.ndim != 1 or (n is not None and v.size != n):
            raise GapstudyError(f"per-world values of {name!r} must be one number per world, all of the same length")
        n = v.size
        field, idx = split_name(name)
        if field not in PER_WORLD:
            raise GapstudyError(f"competition setting {name!r} cannot vary between worlds; use one of {list(PER_WORLD)}")
        if v.size:
            base.with_(name, float(v.min())), base.with_(name, float(v.max()))  # validates the name and the range
        cur = getattr(base, field)
        if field not in out:
            out[field] = np.tile(np.asarray(cur, dtype=float), (v.size, 1)) if isinstance(cur, tuple) else np.full(v.size, float(cur))
        if idx is None:
            out[field] = v
        elif idx == "*":
            out[field][:] = v[:, None]
        else:
            out[field][:, int(idx)] = v
    return out
