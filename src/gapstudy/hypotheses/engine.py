"""The comparison engine: fit every hypothesis on the same rows, score, predict out of sample, and recover known truth.

Usable without Hydra:

    from gapstudy.hypotheses import engine
    specs = engine.specs(["H0", "notch", "H1", "M2"], {"H1": {"band": [20e9, 70e9]}})
    fits = engine.fit_all(specs, t, y, seed=0)
    table = engine.in_sample(fits, t, y)              # loglik, k, AIC, BIC, differences, evidence grade
    oos = engine.held_out(specs, t, y, t < 2022.5, seed=0)  # per-model scores, paired SEs
    gens = [engine.Generator(n, f.h, n) for n, f in fits.items()]  # each fit generates, its own name should win
    rec = engine.recovery(gens, specs, t, n_datasets=100, seed=0)  # confusion matrix
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from gapstudy import cache
from gapstudy.errors import GapstudyError
from gapstudy.hypotheses.base import REGISTRY, Hypothesis, Unavailable, create
from gapstudy.hypotheses.scoring import LOGPDF_FLOOR, information, log_densities
from gapstudy.seeding import rng_for

# Kass & Raftery (1995, JASA 90:773, section 3.2): grades of 2 ln(Bayes factor), which a BIC
# difference approximates: 0-2 not worth more than a bare mention, 2-6 positive, 6-10 strong, >10 very strong.
EVIDENCE_SCALE = ((2.0, "not worth more than a bare mention"), (6.0, "positive"), (10.0, "strong"), (np.inf, "very strong"))
EVIDENCE_SOURCE = "Kass & Raftery (1995) grades of a BIC difference (~2 ln Bayes factor): <2 bare mention, 2-6 positive, 6-10 strong, >10 very strong"
RECOVERY_GOAL = 0.8  # the goal: each generator recovered in at least 80% of its datasets
# rough relative cost of each hypothesis' fit_many in the recovery (measured 2026-12-03 on 700 datasets at
# n = 295: H2 ~15-23 s, H1 ~12-20 s, notch ~4-7, M2 ~3-6, H0 ~1; H1+H2 with H1's thinning, H2's fits
# nested in its job, ~35-40 s on 700 datasets, measured 2026-12-06; notch-drift with the notch's fits nested in
# its job, 17.5 s on 800 datasets, measured 2026-12-07): only the order the pool starts them in
RECOVERY_COST = {"H2": 20.0, "H1+H2": 40.0, "notch-drift": 18.0, "H1": 15.0, "notch": 5.0, "M2": 4.0, "H0": 1.0}
TIE_TOLERANCE = 1e-9  # BIC/AIC within this of the best: a tie (identical densities), the dataset split between them
RECOVERY_VERSION = 2  # bump when the recovery study's arithmetic changes (cache key)
ROLLING_VERSION = 1  # likewise for one rolling origin's held-out scores
# The code the engine's cached results depend on: an edit to any of these modules changes every key
# (gapstudy.competition, growth and stats are what the hypotheses import; seeding gives their streams).
ENGINE_CODE = ("gapstudy.hypotheses", "gapstudy.costmodel", "gapstudy.competition", "gapstudy.growth", "gapstudy.stats",
               "gapstudy.seeding")


def code_key() -> str:
    """Fingerprint of the engine's code (gapstudy.cache.code_fingerprint of ENGINE_CODE), for cache keys."""
    return cache.code_fingerprint(*ENGINE_CODE)


def spec_key(spec_list: list[Spec]) -> list:
    """The specs as cache-key material: names and options (a frontier by its content)."""
    return [[s.name, _jsonable(s.options)] for s in spec_list]


def evidence(delta: float | None) -> str | None:
    """The Kass-Raftery grade of a BIC difference (>= 0)."""
    if delta is None or not np.isfinite(delta):
        return None
    for bound, word in EVIDENCE_SCALE:
        if abs(delta) <= bound:
            return word
    return EVIDENCE_SCALE[-1][1]


@dataclass
class Spec:
    """A hypothesis to fit: its registry name and constructor options."""

    name: str
    options: dict = field(default_factory=dict)

    def make(self) -> Hypothesis:
        return create(self.name, **self.options)


def specs(names, options: dict | None = None, *, frontier: Any = None) -> list[Spec]:
    """Specs for registry names; hypotheses whose allowed_options include 'frontier' get `frontier`."""
    out = []
    for name in names:
        if name not in REGISTRY:
            raise GapstudyError(f"unknown hypothesis {name!r}; choose from {', '.join(REGISTRY)}")
        opts = dict((options or {}).get(name) or {})
        if frontier is not None and "frontier" in REGISTRY[name].allowed_options and "frontier" not in opts:
            opts["frontier"] = frontier
        out.append(Spec(name, opts))
    return out


@dataclass
class Fit:
    """One hypothesis fitted (h) or why not (status)."""

    spec: Spec
    h: Hypothesis | None
    status: str
    seconds: float = 0.0

    @property
    def equivalent(self) -> str | None:
        """Why this fit is identical to H0 (e.g. the cost model opens no band), or None."""
        return getattr(self.h, "equivalent", None) if self.h is not None and getattr(self.h, "kind", None) == "h0" else None


def fit_all(spec_list: list[Spec], t, y, *, seed: int, context: str = "") -> dict[str, Fit]:
    """Fit each hypothesis by maximum likelihood to the same rows; failures are reported, not raised."""
    out = {}
    for s in spec_list:
        h = s.make()
        reason = h.availability()
        if reason:
            out[s.name] = Fit(s, None, f"unavailable: {reason}")
            continue
        t0 = time.perf_counter()
        try:
            h.fit(t, y, rng=rng_for(seed, "compare", "fit", context, s.name))
            out[s.name] = Fit(s, h, "ok", time.perf_counter() - t0)
        except Unavailable as exc:
            out[s.name] = Fit(s, None, f"unavailable: {exc}")
        except GapstudyError as exc:
            out[s.name] = Fit(s, None, f"failed: {exc}")
    return out


# ---------------------------------------------------------------- in sample


def in_sample(fits: dict[str, Fit], t, y) -> dict[str, dict]:
    """Per hypothesis: loglik, k, AIC, BIC, differences to the best (dAIC, dBIC, dloglik) and the
    evidence grade of dBIC. A fit identical to H0 is marked `same_as` = "H0" and kept out of "best"."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    rows = {}
    for name, f in fits.items():
        if f.h is None:
            rows[name] = {"status": f.status}
            continue
        lp = log_densities(f.h, t, y)
        rows[name] = {"status": "ok", **information(float(lp.sum()), f.h.n_params, lp.size),
                      "floored": int((lp <= LOGPDF_FLOOR).sum()), "params": f.h.params(), "notes": list(f.h.notes),
                      "at_bounds": f.h.at_bounds(),
                      "fit_seconds": f.seconds}
        if f.equivalent:
            rows[name]["same_as"] = "H0"
    scored = {n: r for n, r in rows.items() if r["status"] == "ok" and "same_as" not in r}
    if scored:
        best_bic = min(r["bic"] for r in scored.values())
        best_aic = min(r["aic"] for r in scored.values())
        best_ll = max(r["loglik"] for r in scored.values())
        for r in rows.values():
            if r["status"] == "ok":
                r["delta_bic"], r["delta_aic"], r["delta_loglik"] = r["bic"] - best_bic, r["aic"] - best_aic, r["loglik"] - best_ll
                r["evidence_against"] = evidence(r["delta_bic"]) if r["delta_bic"] > 0 else None
    return rows


def best_by(rows: dict[str, dict], key: str, better=min) -> list[str]:
    """Hypothesis names ordered best first by a score (only distinct, scored hypotheses)."""
    ok = [(n, r[key]) for n, r in rows.items() if r.get(key) is not None and "same_as" not in r]
    return [n for n, _ in sorted(ok, key=lambda kv: kv[1], reverse=better is max)]


# ---------------------------------------------------------------- out of sample


def paired(lpd: dict[str, np.ndarray]) -> dict[str, dict]:
    """Mean log predictive density per model and, against the best, the paired difference per model
    with its standard error (sd of the per-model differences / sqrt(n)); lpd: name -> per-model values."""
    if not lpd:
        return {}
    means = {n: float(np.mean(v)) for n, v in lpd.items() if v.size}
    if not means:
        return {}
    best = max(means, key=means.get)
    out = {}
    for n, v in lpd.items():
        if not v.size:
            continue
        d = v - lpd[best]
        se = float(np.std(d, ddof=1) / np.sqrt(d.size)) if d.size > 1 else None
        out[n] = {"n": int(v.size), "mean_lpd": means[n], "diff_vs_best": float(d.mean()), "se_diff": se,
                  "z": float(d.mean() / se) if se else None, "best": best,
                  "floored": int((v <= LOGPDF_FLOOR).sum())}
    return out


def held_out(spec_list: list[Spec], t, y, train, *, seed: int, test=None, context: str = "held-out") -> dict:
    """Fit on the rows `train`, score every row of `test` (default: the rest): per-model log densities,
    means and paired standard errors of the differences."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    train = np.asarray(train, bool)
    test = ~train if test is None else np.asarray(test, bool)
    fits = fit_all(spec_list, t[train], y[train], seed=seed, context=context)
    lpd = {n: log_densities(f.h, t[test], y[test]) for n, f in fits.items() if f.h is not None}
    return {"n_train": int(train.sum()), "n_test": int(test.sum()), "fits": fits, "lpd": lpd,
            "status": {n: f.status for n, f in fits.items()}, "scores": paired(lpd)}


def rolling(spec_list: list[Spec], t, y, origins, horizon: float, *, seed: int, min_train: int, min_test: int,
            cache_key: Any = None) -> dict:
    """Refit at each origin (decimal year) on everything before it and score the next `horizon` years.
    Pooled over origins: per-model scores with paired SEs (only hypotheses scored at every origin).
    With `cache_key` (what else the fits depend on, e.g. a hash of the table a frontier came from)
    each origin's held-out log densities are cached, keyed also by its rows, the specs, the seed and
    the engine's code."""
    t, y = np.asarray(t, float), np.asarray(y, float)
    rows, pooled = [], {s.name: [] for s in spec_list}
    for o in origins:
        tr, te = t < o, (t >= o) & (t < o + horizon)
        row = {"origin": float(o), "n_train": int(tr.sum()), "n_test": int(te.sum())}
        if tr.sum() < min_train or te.sum() < min_test:
            row["skipped"] = f"{int(tr.sum())} models to fit (need {min_train}), {int(te.sum())} to score (need {min_test})"
            rows.append(row)
            continue
        context = f"origin {o:.3f}"

        def compute(tr=tr, te=te, context=context):
            r = held_out(spec_list, t, y, tr, test=te, seed=seed, context=context)
            return {"status": r["status"], "lpd": r["lpd"]}

        if cache_key is None:
            r = compute()
        else:
            key = {"v": ROLLING_VERSION, "key": cache_key, "code": code_key(), "specs": spec_key(spec_list), "seed": seed,
                   "context": context, "train": np.c_[t[tr], y[tr]], "test": np.c_[t[te], y[te]]}
            r = cache.cached("hypotheses.rolling", key, compute)
        scores = paired(r["lpd"])
        row["scores"] = {n: v["mean_lpd"] for n, v in scores.items()}
        row["status"] = r["status"]
        for n in pooled:
            pooled[n].append(r["lpd"].get(n))
        rows.append(row)
    scored = [n for n, v in pooled.items() if v and all(a is not None for a in v)]
    pool = {n: np.concatenate(pooled[n]) for n in scored}
    return {"origins": rows, "scores": paired(pool), "horizon_years": float(horizon)}


# ---------------------------------------------------------------- model recovery


@dataclass
class Generator:
    """A data-generating process for the recovery study: a fitted hypothesis and the name that should win."""

    name: str
    h: Hypothesis
    expected: str
    description: str = ""


def notched_trend(t, y, lower: float, upper: float, depth: float, *, seed: int):
    """A smooth trend with a notch cut in: H0 fitted to (t, y), thinned by `depth` in [lower, upper]
    parameters (the issue's test case: 85% of 20B-70B emptied)."""
    from gapstudy.hypotheses.notch import NotchModel

    h0 = create("H0").fit(t, y, rng=rng_for(seed, "recovery", "notched-trend"))
    g = NotchModel()
    g.t0, g.fitted = h0.model.t0, True
    g.P = np.r_[h0.theta, depth, np.log10(lower), np.log10(upper)]
    return g


def recovery(generators: list[Generator], spec_list: list[Spec], t, *, n_datasets: int, seed: int,
             criterion: str = "bic", progress: Callable[[str], None] | None = None, cache_key: Any = None,
             workers: int = 1) -> dict:
    """Simulate n_datasets at the dates t from each generator, fit every spec to every dataset
    (vectorised: each hypothesis' fit_many on all datasets at once) and count which wins by BIC
    (or AIC). Returns the confusion matrix (counts and shares), the share correct per generator and
    the pairs this n cannot tell apart: each generator with the hypotheses it is taken for
    (confused_with: any winning more than 20% of its datasets and, for a generator under the 80% goal,
    the largest wrong winners covering its shortfall). A spec whose hypothesis says it is another's
    density at these dates (same_as, e.g. H1+H2 without a band is H2) reuses that spec's fits, and a
    dataset whose best score is shared (a tie) is split between the tied hypotheses. With workers > 1
    the hypotheses are fitted side by side in that many processes (fork; the same random streams, so
    the same numbers as in one process)."""
    if criterion not in ("bic", "aic"):
        raise GapstudyError(f"recovery criterion {criterion!r}: use bic or aic")
    t = np.asarray(t, float)

    def compute():
        n = t.size
        penalty = np.log(n) if criterion == "bic" else 2.0
        Y, gen_of = [], []
        for gi, g in enumerate(generators):
            Y.append(np.asarray(g.h.sample_many(t, n_datasets, rng_for(seed, "recovery", "simulate", g.name)), float))
            gen_of += [gi] * n_datasets
        Y = np.concatenate(Y)
        scores, seconds, failed, same = {}, {}, {}, {}
        # a spec whose density is an earlier spec's at these dates (e.g. H1+H2 without a band is H2) reuses its fits
        twins: dict[str, str | None] = {}
        for s in spec_list:
            fitted_before = {o.name for o in spec_list[:spec_list.index(s)] if twins.get(o.name) is None}
            twins[s.name] = _twin(s.make(), s, t, spec_list, fitted_before)
        # a spec whose batched fit starts with another's (h.nests, e.g. H1+H2 fits H2 first) fits both in one job
        nested = _nested(spec_list, twins, t)
        jobs = [(s, "k" if twins[s.name] or s.name in nested.values() else ("nested:" + nested[s.name] if s.name in nested else "fit"))
                for s in spec_list]
        if progress:
            fit_names = [s.name for s, kind in jobs if kind == "fit"]
            progress(f"recovery: fitting {', '.join(fit_names)} to {Y.shape[0]} simulated datasets"
                     + (f" ({workers} processes)" if workers > 1 else ""))
        done = _run_jobs(jobs, t, Y, {g.name: g.h for g in generators}, seed, workers)
        for outer, inner in nested.items():  # the inner spec's fits, made in the outer's job (its own k job gave k)
            *_, extra = done[outer]
            if extra is not None:
                _, _, k_in, err_in, _ = done[inner]
                done[inner] = (extra[0], extra[1], k_in, err_in, None)
            else:
                done[inner] = (None, 0.0, None, done[outer][3] or f"fitted inside {outer}, whose fits failed", None)
        for s, _ in jobs:
            ll, secs, k, err, _ = done[s.name]
            twin = twins[s.name]
            if twin is not None:
                if twin not in scores:
                    failed[s.name] = f"is {twin} at these dates, whose fits failed"
                    continue
                ll, same[s.name] = done[twin][0], twin
            if err is not None:
                failed[s.name] = err
                continue
            seconds[s.name] = secs
            scores[s.name] = -2.0 * np.where(np.isfinite(ll), ll, -np.inf) + k * penalty
        names = list(scores)
        if not names:
            raise GapstudyError("no hypothesis could be fitted in the recovery study")
        S = np.stack([scores[nm] for nm in names], axis=1)  # (datasets, fitters)
        # a dataset won by several fitters with the same score (identical densities) counts 1/m for each
        tied = S <= S.min(axis=1, keepdims=True) + TIE_TOLERANCE
        share = tied / tied.sum(axis=1, keepdims=True)
        gen_of_a = np.asarray(gen_of)
        counts = np.zeros((len(generators), len(names)))
        np.add.at(counts, gen_of_a, share)
        # margin: the winner's lead over the best hypothesis not tied with it (a twin's tie is no margin)
        best = S.min(axis=1)
        runner = np.where(tied, np.inf, S).min(axis=1)
        lead = np.where(np.isfinite(runner), runner - best, np.nan)
        return {"fitters": names, "counts": counts, "seconds": seconds, "failed": failed, "same_as": same,
                "ties": [int((tied[gen_of_a == gi].sum(axis=1) > 1).sum()) for gi in range(len(generators))],
                "median_margin": [float(np.nanmedian(lead[gen_of_a == gi])) if len(names) > 1 and np.isfinite(lead[gen_of_a == gi]).any()
                                  else None for gi in range(len(generators))]}

    key = None if cache_key is None else {"v": RECOVERY_VERSION, "key": cache_key, "code": code_key(), "t": t, "n": n_datasets,
                                          "seed": seed, "criterion": criterion, "specs": spec_key(spec_list),
                                          "generators": [[g.name, g.expected, _jsonable(g.h.params())] for g in generators]}
    r = compute() if key is None else cache.cached("hypotheses.recovery", key, compute)
    names, counts = list(r["fitters"]), np.asarray(r["counts"], float)
    goal = RECOVERY_GOAL
    rows = []
    for gi, g in enumerate(generators):
        tot = int(round(counts[gi].sum()))
        share = {nm: float(counts[gi, j] / tot) for j, nm in enumerate(names)}
        if g.expected.startswith("not "):
            correct = 1.0 - share.get(g.expected[4:], 0.0)
            wrong = {g.expected[4:]: share.get(g.expected[4:], 0.0)}
        else:
            correct = share.get(g.expected)
            wrong = {nm: v for nm, v in share.items() if nm != g.expected}
        confused = confused_with(wrong, correct, goal)
        rows.append({"generator": g.name, "expected": g.expected, "description": g.description, "n_datasets": tot,
                     "wins": {nm: _count(counts[gi, j]) for j, nm in enumerate(names)}, "share": share,
                     "correct": None if correct is None else float(correct), "confused_with": confused,
                     "confused_share": {nm: wrong[nm] for nm in confused}, "ties": int(r.get("ties", [0] * len(generators))[gi]),
                     "median_margin": r["median_margin"][gi]})
    pairs = sorted({tuple(sorted((row["expected"] if not row["expected"].startswith("not ") else row["generator"], c)))
                    for row in rows for c in row["confused_with"]})
    return {"criterion": criterion, "n": int(t.size), "n_datasets": int(n_datasets), "fitters": names, "rows": rows,
            "indistinguishable": [list(p) for p in pairs], "goal": goal,
            "all_meet_goal": all(row["correct"] is not None and row["correct"] >= goal for row in rows),
            "same_as": dict(r.get("same_as", {})),
            "fit_seconds": {k: float(v) for k, v in dict(r["seconds"]).items()}, "failed": dict(r["failed"])}


_JOBS: tuple | None = None  # the recovery's fit jobs, set before the pool forks (its workers read them from here)


def _fit_job(i: int):
    """Job i of _JOBS: (name, loglik per dataset or None, seconds, k, error or None, nested). A 'k' job only
    finds the number of fitted parameters (a spec reusing another's fits); a 'nested:NAME' job fits this
    spec with h.fit_many_nested, which also gives NAME's fits (nested = (its loglik, its seconds))."""
    jobs, t, Y, starts, seed = _JOBS
    s, kind = jobs[i]
    t0 = time.perf_counter()
    extra = None
    try:
        k = create(s.name, **s.options).fit(t, Y[0], rng=rng_for(seed, "recovery", "k", s.name)).n_params
        ll = None
        if kind == "fit":
            h = s.make()
            kw = {"start": starts[s.name]} if getattr(h, "accepts_start", False) and s.name in starts else {}
            ll = np.asarray(h.fit_many(t, Y, rng=rng_for(seed, "recovery", "fit", s.name), **kw), float)
        elif kind.startswith("nested:"):
            inner = kind.split(":", 1)[1]
            ll, ll_in, secs_in = s.make().fit_many_nested(t, Y, start=starts.get(s.name), inner_start=starts.get(inner))
            ll, extra = np.asarray(ll, float), (np.asarray(ll_in, float), float(secs_in))
    except GapstudyError as exc:
        return s.name, None, time.perf_counter() - t0, None, str(exc), None
    return s.name, ll, time.perf_counter() - t0, k, None, extra


def _run_jobs(jobs, t, Y, starts, seed: int, workers: int) -> dict:
    """Every job of the recovery, in this process or (workers > 1, fork available) in a pool: name -> result."""
    global _JOBS
    import multiprocessing

    _JOBS = (jobs, t, Y, starts, seed)
    try:
        if workers <= 1 or len(jobs) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            out = [_fit_job(i) for i in range(len(jobs))]
        else:
            from gapstudy.signals import process_pool

            # the costliest first, so the pool is not left waiting on one long fit at the end
            # (a nested job, which also makes its inner spec's fits, by its own cost; a "k" job costs next to nothing)
            order = sorted(range(len(jobs)), key=lambda i: -RECOVERY_COST.get(jobs[i][0].name, 1.0) * (jobs[i][1] != "k"))
            with process_pool(min(workers, len(jobs))) as pool:
                out = list(pool.map(_fit_job, order))
    finally:
        _JOBS = None
    return {name: rest for name, *rest in out}


def confused_with(wrong: dict[str, float], correct: float | None, goal: float = 0.8) -> list[str]:
    """The hypotheses a generator is taken for: every wrong winner of more than 1 - goal of its datasets
    and, when it is recovered less often than the goal, also the largest wrong winners until they
    account for its shortfall (so every generator under the goal names at least one), largest first."""
    ranked = sorted(((nm, v) for nm, v in wrong.items() if v > 0), key=lambda kv: -kv[1])
    out = [nm for nm, v in ranked if v > 1.0 - goal]
    if correct is not None and correct < goal:
        need, got = goal - correct, 0.0
        for nm, v in ranked:
            if got >= need:
                break
            got += v
            if nm not in out:
                out.append(nm)
    return out


def _count(v: float):
    """A win count: an int, or a float where ties split a dataset."""
    return int(round(v)) if abs(v - round(v)) < 1e-9 else float(v)


def _nested(spec_list: list[Spec], twins: dict, t) -> dict[str, str]:
    """{outer: inner}: specs whose batched fit starts with another compared spec's own (h.nests(t), e.g.
    H1+H2 fits H2 first), with the same options on the keys the inner spec takes: the outer's job also
    returns the inner's fits (fit_many_nested), so they are made once."""
    out = {}
    for s in spec_list:
        if twins.get(s.name):
            continue
        h = s.make()
        name = getattr(h, "nests", lambda _t: None)(t)
        other = next((o for o in spec_list if o.name == name), None)
        if other is None or twins.get(name) or name in out or name in out.values() or not hasattr(h, "fit_many_nested"):
            continue
        keys = set(REGISTRY[name].allowed_options)
        mine = {k: v for k, v in s.options.items() if k in keys}
        if set(mine) == set(other.options) and all(_same_option(mine[k], other.options[k]) for k in mine):
            out[s.name] = name
    return out


def _twin(h, spec: Spec, t, spec_list: list[Spec], done: dict) -> str | None:
    """The name of an already fitted spec whose density this one is at the dates t (h.same_as), with the
    same options on the keys that spec takes, or None."""
    name = getattr(h, "same_as", lambda _t: None)(t)
    if name is None or name not in done:
        return None
    other = next((o for o in spec_list if o.name == name), None)
    if other is None:
        return None
    keys = set(REGISTRY[name].allowed_options)
    mine = {k: v for k, v in spec.options.items() if k in keys}
    if set(mine) != set(other.options) or not all(_same_option(mine[k], other.options[k]) for k in mine):
        return None
    return name


def _same_option(a, b) -> bool:
    if a is b:
        return True
    try:
        return bool(_jsonable(a) == _jsonable(b))
    except (ValueError, TypeError):  # arrays or dataclasses holding arrays: only the same object counts
        return False


def _jsonable(obj):
    """Options as cache-key material: JSON-like values kept, anything else (functions, tables) by its repr."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.ndarray) or hasattr(obj, "__dataclass_fields__"):
        return obj  # gapstudy.cache keys arrays by content and a dataclass (a Frontier) by its fields
    return getattr(obj, "cache_key", None) or f"{type(obj).__module__}.{getattr(obj, '__qualname__', type(obj).__name__)}"
