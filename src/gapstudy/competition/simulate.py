"""The simulation: releases of many replicate worlds, vectorised over worlds and releases."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtri

from gapstudy.competition import constants as K
from gapstudy.competition import costs, labs, rng, scaling
from gapstudy.competition.params import CompetitionParams
from gapstudy.errors import GapstudyError

_LOG_TOL = 1e-9  # log dollars: B + 1 x (cost - B) must count as affording the cost despite rounding
DEFAULT_CHUNK_WORLDS = 256  # worlds per chunk: keeps arrays in cache and memory bounded (see bench)
_SHARE_BITS = 22  # bits of each release's hash for the own-use share (normal by inversion)
_COMPETE_BITS = 21  # bits for the compete decision
_LAB_BITS = 21  # bits for the lab within its kind and the day within the month


@dataclass
class SimulationResult:
    """One row per release, all worlds concatenated, ordered by world then month.

    world: global world index; year: release date as a fractional year; log10_params: size;
    competing: built to beat the frontier; attempted: the lab meant to compete (maybe could not pay);
    kind: 0 frontier, 1 industry, 2 academia, 3 the GPT-3 anchor (K.KIND_NAMES); lab: lab index."""

    params: CompetitionParams
    seed: int
    world_offset: int
    n_worlds: int
    world: np.ndarray
    year: np.ndarray
    log10_params: np.ndarray
    competing: np.ndarray
    attempted: np.ndarray
    kind: np.ndarray
    lab: np.ndarray
    meta: dict = field(default_factory=dict)

    ARRAYS = ("world", "year", "log10_params", "competing", "attempted", "kind", "lab")

    def __len__(self) -> int:
        return int(self.world.size)

    @property
    def worlds(self) -> np.ndarray:
        """Global indices of the worlds simulated."""
        return np.arange(self.world_offset, self.world_offset + self.n_worlds)

    def select(self, mask: np.ndarray) -> "SimulationResult":
        """The releases where mask is true (worlds and settings kept)."""
        return SimulationResult(
            self.params, self.seed, self.world_offset, self.n_worlds,
            *(getattr(self, a)[mask] for a in self.ARRAYS), meta=dict(self.meta),
        )

    @staticmethod
    def concat(parts: list["SimulationResult"]) -> "SimulationResult":
        """Join results of consecutive world ranges simulated with the same settings and seed."""
        if not parts:
            raise GapstudyError("nothing to concatenate; simulate at least one world")
        first = parts[0]
        for a, b in zip(parts, parts[1:]):
            if b.world_offset != a.world_offset + a.n_worlds or b.params != first.params or b.seed != first.seed:
                raise GapstudyError("results to concatenate must share settings and seed and cover consecutive worlds")
        return SimulationResult(
            first.params, first.seed, first.world_offset, sum(p.n_worlds for p in parts),
            *(np.concatenate([getattr(p, a) for p in parts]) for a in SimulationResult.ARRAYS),
            meta=dict(first.meta),
        )


def beliefs_by_month(p: CompetitionParams, t_mid: np.ndarray) -> np.ndarray:
    """Belief code (scaling.KAPLAN or scaling.CHINCHILLA) that labs hold in each month."""
    if p.beliefs == "kaplan":
        return np.zeros(t_mid.size, dtype=np.int8)
    if p.beliefs == "chinchilla":
        return np.ones(t_mid.size, dtype=np.int8)
    return (t_mid >= p.switch_year).astype(np.int8)


class _Costs:
    """Cost questions for one simulate() call, answered by the simple rule or the cost model."""

    def __init__(self, p: CompetitionParams, t_mid: np.ndarray, belief: np.ndarray, training_cost, hardware_in_use):
        self.p, self.t_mid, self.belief = p, t_mid, belief
        self.grids: list[costs.GridCost | None] = [None] * t_mid.size
        self.hardware: list[str | None] = [None] * t_mid.size
        self.software_year: list[int | None] = [None] * t_mid.size
        if p.cost == "costmodel":
            tc, hw = costs.resolve_costmodel(training_cost, hardware_in_use)
            # gapstudy's cost model prices a month with the software of its calendar year (its techniques, overlap and
            # GEMM efficiency: a search for year Y uses only what existed in Y); an injected function is called as given
            by_year = costs.uses_software_year(tc)
            cache: dict[tuple[str, int | None, int], costs.GridCost] = {}
            self._tc, self._grid_cache = tc, cache
            for m, (t, b) in enumerate(zip(t_mid, belief)):  # months only
                name = hw(float(t))
                if not isinstance(name, str):
                    raise GapstudyError(f"gapstudy.costmodel.hardware_in_use({t:.3f}) returned {name!r}; it must return a hardware name")
                year = int(np.floor(t)) if by_year else None
                if (name, year, int(b)) not in cache:
                    cache[(name, year, int(b))] = costs.GridCost(tc, name, int(b), year)
                self.grids[m], self.hardware[m], self.software_year[m] = cache[(name, year, int(b))], name, year

    def target(self, m: int, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(chosen size, log dollars) of the cheapest model at least `size` large in month m."""
        g = self.grids[m]
        if g is None:
            c = costs.simple_cost(size, int(self.belief[m]), self.t_mid[m], self.p.price_per_flop, self.p.price_halving_years)
            return size, np.log(c)
        return g.cheapest_at_least(size)

    def target_planned(self, m: int, size: np.ndarray, belief: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As target(), for models planned under per-world beliefs (tokens follow the plan's belief),
        trained and priced in month m."""
        size = np.asarray(size, dtype=float)
        out_n, out_c = np.empty(size.size), np.empty(size.size)
        for b in np.unique(belief):  # at most two beliefs
            sel = belief == b
            g = self.grids[m]
            if g is None:
                out_n[sel] = size[sel]
                out_c[sel] = np.log(costs.simple_cost(size[sel], int(b), self.t_mid[m], self.p.price_per_flop, self.p.price_halving_years))
                continue
            key = (self.hardware[m], self.software_year[m], int(b))
            if key not in self._grid_cache:
                self._grid_cache[key] = costs.GridCost(self._tc, self.hardware[m], int(b), self.software_year[m])
            out_n[sel], out_c[sel] = self._grid_cache[key].cheapest_at_least(size[sel])
        return out_n, out_c

    def own_use(self, months: np.ndarray, log_dollars: np.ndarray) -> np.ndarray:
        """Largest size each allowance buys in its month (before the inference cap)."""
        p = self.p
        if self.grids[0] is None:  # closed form, per-month constants gathered per release
            chin = self.belief == scaling.CHINCHILLA
            a = np.where(chin, K.CHIN_TOKENS_PER_PARAM, K.KAPLAN_D_PREFACTOR)
            inv = 1.0 / (1.0 + np.where(chin, 1.0, K.KAPLAN_D_EXPONENT))
            log_price = np.log(costs.price_per_flop(self.t_mid, p.price_per_flop, p.price_halving_years))
            shift = (log_price + np.log(K.FLOP_PER_PARAM_TOKEN * a)) * inv
            return np.exp(log_dollars * inv[months] - shift[months])
        out = np.empty(log_dollars.size)
        grid_of = np.array([id(g) for g in self.grids])[months]
        for g in {id(g): g for g in self.grids}.values():  # a handful of (hardware, belief) pairs
            sel = grid_of == id(g)
            out[sel] = g.largest_affordable(log_dollars[sel])
        return out


def _bits(h: np.ndarray, shift: int, width: int) -> np.ndarray:
    """A uniform in (0, 1) from `width` bits of h starting at `shift`."""
    mask = np.uint64((1 << width) - 1)
    return (((h >> np.uint64(shift)) & mask).astype(np.float64) + 0.5) * 2.0**-width


def _simulate_chunk(p: CompetitionParams, seed: int, w0: int, n_w: int, cm: _Costs, t_start, t_mid, pw: dict | None = None) -> dict:
    """Simulate worlds w0 .. w0+n_w-1; returns the release arrays in world-major order.
    `pw`: optional per-world settings of these worlds (params.world_settings), else p's for all."""
    pw = pw or {}
    n_m = t_mid.size
    keys = rng.world_keys(seed, np.arange(w0, w0 + n_w))
    counts = labs.release_counts(p, keys, t_mid)  # (month, world, kind)
    flat = counts.ravel()
    n_r = int(flat.sum())
    grp = np.repeat(np.arange(flat.size), flat)
    m_r = grp // (n_w * K.N_KINDS)
    w_r = (grp // K.N_KINDS) % n_w
    k_r = (grp % K.N_KINDS).astype(np.int8)
    # each release's rank within its world, in (month, kind, j) order: its random-stream counter
    per_world = counts.transpose(1, 0, 2).reshape(n_w, -1)
    world_off = np.cumsum(per_world, axis=1) - per_world
    grp_start = np.cumsum(flat) - flat
    mk = m_r * K.N_KINDS + k_r
    ordinal = world_off[w_r, mk] + (np.arange(n_r) - grp_start[grp])

    with np.errstate(over="ignore"):
        h = rng.hash64(keys[w_r], rng.STREAM_RELEASE, ordinal.astype(np.uint64))
    u_share = _bits(h, 0, _SHARE_BITS)
    u_comp = _bits(h, _SHARE_BITS, _COMPETE_BITS)
    u_lab = _bits(h, _SHARE_BITS + _COMPETE_BITS, _LAB_BITS)
    with np.errstate(over="ignore"):
        h = rng.hash64(keys[w_r], rng.STREAM_DEPLOY, ordinal.astype(np.uint64))
    u_dev, u_wshare, u_spread = _bits(h, 0, 21), _bits(h, 21, 21), _bits(h, 42, 21)
    del h

    n_k = labs.kind_counts(p)
    first_lab = np.cumsum(n_k) - n_k
    scaled = u_lab * n_k[k_r]
    in_kind = np.minimum(np.floor(scaled), n_k[k_r] - 1)
    day = scaled - in_kind
    lab_r = (first_lab[k_r] + in_kind).astype(np.int16)
    year_r = t_start[m_r] + day / K.MONTHS_PER_YEAR

    level, growth = labs.lab_budgets(p, keys, pw)
    log_budget = level[w_r, lab_r] + growth[w_r, lab_r] * (t_mid[m_r] - p.budget_ref_year)
    cp = pw.get("compete_prob")
    intent = u_comp < (np.asarray(p.compete_prob)[k_r] if cp is None else cp[w_r, k_r])

    # own-use model: a lognormal share of the budget, capped by its deployment target's memory

    osm, oss = pw.get("own_share_median"), pw.get("own_share_sigma")
    log_osm = np.log(p.own_share_median) if osm is None else np.log(osm)[w_r]
    log_share = np.minimum(log_osm + (p.own_share_sigma if oss is None else oss[w_r]) * ndtri(u_share), 0.0)
    n_own = np.minimum(cm.own_use(m_r, log_budget + log_share), labs.own_use_cap(p, t_mid[m_r], u_dev, u_wshare))
    belief_r = cm.belief[m_r]
    d_own = np.where(belief_r == scaling.CHINCHILLA, K.CHIN_TOKENS_PER_PARAM * n_own,
                     K.KAPLAN_D_PREFACTOR * n_own**K.KAPLAN_D_EXPONENT)
    lc_own = scaling.chinchilla_reducible(n_own, d_own)

    # Per (month, world) aggregates the frontier recursion needs. Under a cost that rises with size
    # (or the cheapest-at-least rule), a would-be competitor that cannot pay builds an own-use model
    # smaller (and worse) than the target, so only these maxima/minima matter. The budget response
    # (below) is non-decreasing in the lab's own budget, so the richest competitor is the one to test.
    cell = m_r * n_w + w_r
    neg = np.full(n_m * n_w, -np.inf)
    own_free_max, own_att_max, bud_att_max = neg.copy(), neg.copy(), neg.copy()
    own_free_lc, own_att_lc = np.full(n_m * n_w, np.inf), np.full(n_m * n_w, np.inf)
    free = ~intent
    np.maximum.at(own_free_max, cell[free], n_own[free])
    np.minimum.at(own_free_lc, cell[free], lc_own[free])
    np.maximum.at(own_att_max, cell[intent], n_own[intent])
    np.minimum.at(own_att_lc, cell[intent], lc_own[intent])
    np.maximum.at(bud_att_max, cell[intent], log_budget[intent])
    # competitor size spread: 10^(sigma |z|) above the cheapest beating size, per release
    cs = pw.get("competitor_sigma")
    spread_r = (p.competitor_sigma if cs is None else cs[w_r]) * np.abs(ndtri(u_spread))
    spread_att_max = np.zeros(n_m * n_w)
    np.maximum.at(spread_att_max, cell[intent], spread_r[intent])
    spread_att_max = spread_att_max.reshape(n_m, n_w)
    shape = (n_m, n_w)
    own_free_max, own_att_max, bud_att_max = own_free_max.reshape(shape), own_att_max.reshape(shape), bud_att_max.reshape(shape)
    own_free_lc, own_att_lc = own_free_lc.reshape(shape), own_att_lc.reshape(shape)
    if p.unaffordable == "skip":  # a competitor that cannot pay releases nothing
        own_att_max[:], own_att_lc[:] = -np.inf, np.inf

    # competitive response (strength) and planning lag (whole months), per world
    r_w = np.broadcast_to(np.asarray(pw.get("response_strength", p.response_strength), dtype=float), (n_w,))
    lag_w = np.rint(np.broadcast_to(np.asarray(pw.get("plan_lag_months", p.plan_lag_months), dtype=float), (n_w,))).astype(np.int64)
    margin = np.asarray(pw.get("beat_margin", p.beat_margin), dtype=float)
    cols = np.arange(n_w)

    # the frontier, month by month (the only sequential part; worlds are vectorised). Releases of a
    # month all see the frontier as it stood at the month's start; competitors were sized to beat the
    # frontier of plan_lag months before (fk_hist, fc_hist: the frontier at each month's start) and
    # are released as planned even when the frontier has moved on meanwhile (they compete with the
    # reference model of their planning time, as the >70B models of 2021 did with GPT-3).
    fk = np.full(n_w, p.initial_frontier_params)  # best Kaplan loss so far = largest size so far
    d0 = scaling.tokens_for(p.initial_frontier_params, scaling.KAPLAN)
    fc = np.full(n_w, float(scaling.chinchilla_reducible(p.initial_frontier_params, d0)))  # best Chinchilla loss
    fq = np.full(n_w, float(np.log10(K.FLOP_PER_PARAM_TOKEN * p.initial_frontier_params * d0)))  # largest log10 compute
    fk_hist, fc_hist, fq_hist = np.empty(shape), np.empty(shape), np.empty(shape)
    # log10 compute of each cell's own-use releases (free and would-be competitors), for fq
    q_own = np.log10(K.FLOP_PER_PARAM_TOKEN * n_own * d_own)
    own_free_q, own_att_q = np.full(n_m * n_w, -np.inf), np.full(n_m * n_w, -np.inf)
    np.maximum.at(own_free_q, cell[free], q_own[free])
    np.maximum.at(own_att_q, cell[intent], q_own[intent])
    own_free_q, own_att_q = own_free_q.reshape(shape), own_att_q.reshape(shape)
    if p.unaffordable == "skip":
        own_att_q[:] = -np.inf
    # the compute step that the margin stands for: a Kaplan believer beats the loss by beat_margin with
    # (1 - margin)^(-1 / alpha_N) times the size, i.e. that to the power 1 / 0.73 in compute
    q_step = -np.log10(1.0 - margin) / (K.KAPLAN_ALPHA_N * K.KAPLAN_N_EXPONENT)
    chin_compute = p.chinchilla_target == "compute"
    target = np.empty(shape)
    target_cost = np.empty(shape)
    anchor_m = int(np.floor((K.GPT3_DATE - K.SIM_START) * K.MONTHS_PER_YEAR)) if p.anchor else -1
    lc_gpt3 = float(scaling.chinchilla_reducible(K.GPT3_PARAMS, K.GPT3_TOKENS))
    for m in range(n_m):
        fk_hist[m], fc_hist[m], fq_hist[m] = fk, fc, fq
        back = np.maximum(m - lag_w, 0)
        bel = cm.belief[back]  # competitors plan (size, tokens) with the beliefs of their planning month
        chin = bel == scaling.CHINCHILLA
        want = np.empty(n_w)
        for b, sel in ((scaling.KAPLAN, ~chin), (scaling.CHINCHILLA, chin)):
            if not sel.any():
                continue
            if b == scaling.CHINCHILLA and chin_compute:  # beat the frontier's compute, spent compute-optimally
                step = q_step if np.ndim(q_step) == 0 else q_step[sel]
                want[sel] = scaling.size_for_compute(10.0 ** (fq_hist[back[sel], cols[sel]] + step), b)
            else:
                want[sel] = scaling.cheapest_beating_size(fk_hist[back[sel], cols[sel]], fc_hist[back[sel], cols[sel]], b,
                                                          margin if margin.ndim == 0 else margin[sel])
        size_t, log_cost_t = cm.target_planned(m, want, bel)
        target[m], target_cost[m] = size_t, log_cost_t
        d_t = np.where(chin, K.CHIN_TOKENS_PER_PARAM * size_t, K.KAPLAN_D_PREFACTOR * size_t**K.KAPLAN_D_EXPONENT)
        lc_t = scaling.chinchilla_reducible(size_t, d_t)
        bud = bud_att_max[m]
        with np.errstate(invalid="ignore"):  # no competitor this month: bud = -inf stays -inf
            bud = np.where(np.isfinite(bud), bud + r_w * np.maximum(log_cost_t - bud, 0.0), bud)
        paid = bud >= log_cost_t - _LOG_TOL
        # the largest competitor of the cell (its spread above the target) is what moves the frontier
        big = size_t * 10.0 ** spread_att_max[m]
        d_big = np.where(chin, K.CHIN_TOKENS_PER_PARAM * big, K.KAPLAN_D_PREFACTOR * big**K.KAPLAN_D_EXPONENT)
        lc_big = scaling.chinchilla_reducible(big, d_big)
        q_big = np.log10(K.FLOP_PER_PARAM_TOKEN * big * d_big)
        fk = np.maximum(np.maximum(fk, own_free_max[m]), np.where(paid, big, own_att_max[m]))
        fc = np.minimum(np.minimum(fc, own_free_lc[m]), np.where(paid, lc_big, own_att_lc[m]))
        fq = np.maximum(np.maximum(fq, own_free_q[m]), np.where(paid, q_big, own_att_q[m]))
        if m == anchor_m:
            fk = np.maximum(fk, K.GPT3_PARAMS)
            fc = np.minimum(fc, lc_gpt3)
            fq = np.maximum(fq, np.log10(K.GPT3_FLOP))

    cost_r = target_cost.ravel()[cell]
    eff_budget = log_budget + r_w[w_r] * np.maximum(cost_r - log_budget, 0.0)
    competing = intent & (eff_budget >= cost_r - _LOG_TOL)
    size_r = np.where(competing, target.ravel()[cell] * 10.0**spread_r, n_own)
    released = ~intent | competing if p.unaffordable == "skip" else None

    # world-major order: position = world's first row + rank within world
    per_world_total = per_world.sum(axis=1)
    start_w = np.cumsum(per_world_total) - per_world_total
    pos = np.empty(n_r, dtype=np.int64)
    pos[start_w[w_r] + ordinal] = np.arange(n_r)
    out = {
        "world": (w_r[pos] + w0).astype(np.int32),
        "year": year_r[pos],
        "log10_params": np.log10(np.maximum(size_r[pos], 1.0)),
        "competing": competing[pos],
        "attempted": intent[pos],
        "kind": k_r[pos],
        "lab": lab_r[pos],
    }
    if released is not None:
        keep = released[pos]
        out = {k: v[keep] for k, v in out.items()}
    if anchor_m >= 0 and anchor_m < n_m:
        out = _insert_anchor(out, w0, n_w)
    return out


def _insert_anchor(out: dict, w0: int, n_w: int) -> dict:
    """Add GPT-3 to every world, in date order within the world."""
    worlds = np.arange(w0, w0 + n_w, dtype=np.int32)
    # rows of world w with year < GPT-3's date come first
    before = np.bincount(out["world"] - w0, weights=out["year"] < K.GPT3_DATE, minlength=n_w).astype(np.int64)
    per_world = np.bincount(out["world"] - w0, minlength=n_w)
    start = np.cumsum(per_world) - per_world
    at = start + before  # insertion index of each world's anchor into the old arrays
    row = {
        "world": worlds, "year": np.full(n_w, K.GPT3_DATE), "log10_params": np.full(n_w, np.log10(K.GPT3_PARAMS)),
        "competing": np.ones(n_w, bool), "attempted": np.ones(n_w, bool),
        "kind": np.full(n_w, 3, np.int8), "lab": np.full(n_w, -1, np.int16),
    }
    return {k: np.insert(v, at, row[k]) for k, v in out.items()}


def _check_call(params, n_worlds, seed, world_offset, chunk_worlds) -> None:
    if not isinstance(params, CompetitionParams):
        raise GapstudyError(f"simulate needs a CompetitionParams, got {type(params).__name__}; build one with CompetitionParams(...)")
    for name, v, lo in (("n_worlds", n_worlds, 1), ("world_offset", world_offset, 0), ("chunk_worlds", chunk_worlds, 1)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
            raise GapstudyError(f"simulate {name}={v!r} is invalid; use an integer >= {lo}")
    if world_offset + n_worlds > 2**31 - 1:
        raise GapstudyError("simulate world indices must stay below 2^31; lower world_offset or n_worlds")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise GapstudyError(f"simulate seed={seed!r} is invalid; use a non-negative integer")


def _pricing_by_year(t_mid: np.ndarray, cm: _Costs) -> dict[int, dict]:
    """Per calendar year of the months: the chips they were priced on (in order) and the software year."""
    out: dict[int, dict] = {}
    for t, hw, sy in zip(t_mid, cm.hardware, cm.software_year):
        row = out.setdefault(int(np.floor(t)), {"hardware": [], "software_year": sy})
        if hw not in row["hardware"]:
            row["hardware"].append(hw)
    return out


def _run(params, n_worlds, seed, world_offset, chunk_worlds, training_cost, hardware_in_use, pw) -> SimulationResult:
    t_start, t_mid = labs.month_grid(params)
    cm = _Costs(params, t_mid, beliefs_by_month(params, t_mid), training_cost, hardware_in_use)
    parts = []
    for c0 in range(0, n_worlds, chunk_worlds):  # chunks bound memory; worlds inside are vectorised
        n_c = min(chunk_worlds, n_worlds - c0)
        pw_c = {k: v[c0:c0 + n_c] for k, v in pw.items()} if pw else None
        parts.append(_simulate_chunk(params, int(seed), world_offset + c0, n_c, cm, t_start, t_mid, pw_c))
    arrays = {a: np.concatenate([q[a] for q in parts]) for a in SimulationResult.ARRAYS}
    meta = {"hardware_by_month": cm.hardware if params.cost == "costmodel" else None,
            "software_year_by_month": cm.software_year if params.cost == "costmodel" else None,
            "pricing_by_year": _pricing_by_year(t_mid, cm) if params.cost == "costmodel" else None}
    return SimulationResult(params, int(seed), int(world_offset), int(n_worlds), **arrays, meta=meta)


def simulate(
    params: CompetitionParams,
    *,
    n_worlds: int,
    seed: int,
    world_offset: int = 0,
    chunk_worlds: int = DEFAULT_CHUNK_WORLDS,
    training_cost: costs.TrainingCost | None = None,
    hardware_in_use: costs.HardwareInUse | None = None,
) -> SimulationResult:
    """Simulate worlds world_offset .. world_offset+n_worlds-1. Each world's releases depend only
    on (params, seed, global world index), so any split of worlds into calls gives the same rows.

    With params.cost == 'costmodel', training_cost/hardware_in_use default to gapstudy.costmodel's
    functions; pass stand-ins to test or explore other cost curves."""
    _check_call(params, n_worlds, seed, world_offset, chunk_worlds)
    return _run(params, n_worlds, seed, world_offset, chunk_worlds, training_cost, hardware_in_use, None)


def simulate_batch(
    params: CompetitionParams,
    values: dict[str, np.ndarray],
    *,
    seed: int,
    world_offset: int = 0,
    chunk_worlds: int = DEFAULT_CHUNK_WORLDS,
    training_cost: costs.TrainingCost | None = None,
    hardware_in_use: costs.HardwareInUse | None = None,
) -> SimulationResult:
    """One world per entry of `values` ({setting name: one value per world}, names as in
    CompetitionParams.with_, settings in params.PER_WORLD), all simulated together: world
    world_offset + i uses params with the i-th values. World i's rows are the rows
    simulate(params with those values, n_worlds=1, seed, world_offset=world_offset + i) gives.
    result.params is `params`; result.meta['per_world'] holds the values."""
    from gapstudy.competition.params import world_settings

    if not values:
        raise GapstudyError("simulate_batch needs at least one per-world setting; use simulate() otherwise")
    pw = world_settings(params, values)
    n_worlds = int(next(iter(pw.values())).shape[0])
    _check_call(params, n_worlds, seed, world_offset, chunk_worlds)
    res = _run(params, n_worlds, seed, world_offset, chunk_worlds, training_cost, hardware_in_use, pw)
    res.meta["per_world"] = {k: np.asarray(v) for k, v in values.items()}
    return res
