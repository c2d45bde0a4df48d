"""The compare experiment: composes gapstudy.hypotheses.engine on the configured data, variants and windows (analysis only)."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from gapstudy import cache
from gapstudy import hypotheses as H
from gapstudy.data import Selection, load_dataset, resolve_path
from gapstudy.errors import GapstudyError
from gapstudy.experiments.common import check_gap, load_data, selection_from
from gapstudy.growth import decimal_year, gap_history
from gapstudy.progress import note
from gapstudy.report.units import params_label
from gapstudy.seeding import rng_for

ROBUST_N_SIM = 1000  # predictive-check replicates per robustness variant (fewer than the main run: a table cell)
DEPTH_YEARS = range(2018, 2027)  # the gap's depth is reported for these years on every dataset (issue 12)
# the depth's selection: the compare selection with its start moved here, so every year of DEPTH_YEARS has
# its own models (compare's default selection starts 2020-01-01; the hypothesis comparison keeps that)
DEPTH_START = f"{DEPTH_YEARS[0]}-01-01"
ANALYSIS_VERSION = 1  # bump when what analyse() stores changes shape (cache key; code edits change the key anyway)
# the code an analysis depends on (cache key): the engine's modules and this one
ANALYSIS_CODE = (*H.engine.ENGINE_CODE, "gapstudy.experiments.compare")
# compare settings that only choose which tables are read or whether a part runs: the table's hash
# and the arguments of analyse() cover them, so they stay out of its key
_NOT_IN_KEY = ("recovery", "variants", "robustness", "snapshot_dir", "other_data_variants")


# ---------------------------------------------------------------- settings


def validate(cfg) -> None:
    """Reject impossible compare settings before any data is read."""
    c = cfg.compare
    if not c.hypotheses:
        raise GapstudyError(f"compare.hypotheses is empty; list some of {', '.join(H.names())}")
    for name in c.hypotheses:
        if name not in H.REGISTRY:
            raise GapstudyError(f"compare.hypotheses: unknown hypothesis {name!r}; choose from {', '.join(H.names())}")
    if len(set(c.hypotheses)) != len(c.hypotheses):
        raise GapstudyError("compare.hypotheses lists a hypothesis twice; list each once")
    for name in (c.hypothesis_options or {}):
        if name not in c.hypotheses:
            raise GapstudyError(f"compare.hypothesis_options has {name!r}, which is not in compare.hypotheses; add it or remove the options")
    _timestamp(c.cutoff, "compare.cutoff")
    for key in ("period_months", "rolling_step_months", "rolling_horizon_months"):
        if int(c[key]) < 1:
            raise GapstudyError(f"compare.{key}={c[key]} must be at least 1 month")
    if c.min_train < 8 or c.min_test < 1:
        raise GapstudyError("compare.min_train must be >= 8 and compare.min_test >= 1 (a fit needs 2 points per parameter)")
    if c.n_sim < 100:
        raise GapstudyError(f"compare.n_sim={c.n_sim} must be at least 100 for usable predictive p-values")
    if not 0 < c.alpha < 0.5:
        raise GapstudyError(f"compare.alpha={c.alpha} must be between 0 and 0.5, e.g. 0.05")
    for w in c.gap_windows:
        if len(w) != 2:
            raise GapstudyError(f"compare.gap_windows entry {list(w)} must be [lower, upper] in parameters")
        check_gap(float(w[0]), float(w[1]))
    r = c.recovery
    if r.enabled and int(r.n_datasets) < 20:
        raise GapstudyError(f"compare.recovery.n_datasets={r.n_datasets} must be at least 20 (the issue asks 100) for a usable confusion matrix")
    for name in (r.hypotheses or []):
        if name not in H.REGISTRY:
            raise GapstudyError(f"compare.recovery.hypotheses: unknown hypothesis {name!r}; choose from {', '.join(H.names())}")
    if int(r.workers) < 1:
        raise GapstudyError(f"compare.recovery.workers={r.workers} must be at least 1 (1 = fit in this process)")
    if r.criterion not in ("bic", "aic"):
        raise GapstudyError(f"compare.recovery.criterion={r.criterion!r}; use bic or aic")
    if not 0 < float(r.notch_depth) < 1:
        raise GapstudyError(f"compare.recovery.notch_depth={r.notch_depth} must be between 0 and 1 (e.g. 0.85)")
    check_gap(float(r.notch_lower), float(r.notch_upper))
    names = [v.name for v in c.variants]
    if len(set(names)) != len(names):
        raise GapstudyError("compare.variants have duplicate names; give each a distinct name")
    for v in c.variants:
        if v.source not in (None, "registry", "epoch"):
            raise GapstudyError(f"compare.variants[{v.name}].source={v.source!r}; use registry, epoch or null")
        if v.source == "epoch" and not v.path:
            raise GapstudyError(f"compare.variants[{v.name}] reads an Epoch snapshot but has no path; set path=FILE")


def _timestamp(value, what: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(str(value))
    except (ValueError, TypeError):
        raise GapstudyError(f"{what}={value!r} is not a date; use the form YYYY-MM-DD") from None


def _options(cfg, name: str) -> dict:
    opts = (cfg.compare.hypothesis_options or {}).get(name, {}) or {}
    return OmegaConf.to_container(opts, resolve=True) if OmegaConf.is_config(opts) else dict(opts)


# ---------------------------------------------------------------- fitting and scoring


def frontier_for(table: pd.DataFrame):
    """The release frontier hypotheses with a 'frontier' option are given (12a's
    gapstudy.hypotheses.frontier.frontier_from_table), or None where that module is missing."""
    try:
        from gapstudy.hypotheses.frontier import frontier_from_table
    except ImportError:
        return None
    return frontier_from_table(table)


def spec_list(cfg, table: pd.DataFrame) -> list:
    """Engine specs of the configured hypotheses with their options (and the data's frontier where wanted)."""
    c = cfg.compare
    names = list(c.hypotheses)
    opts = {n: _options(cfg, n) for n in names}
    wants = any("frontier" in H.REGISTRY[n].allowed_options for n in names)
    return H.engine.specs(names, opts, frontier=frontier_for(table) if wants else None)


def _periods(start: pd.Timestamp, last: pd.Timestamp, months: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    out, a = [], start
    while a <= last:
        b = a + pd.DateOffset(months=months)
        out.append((a, b))
        a = b
    return out


def _period_label(a: pd.Timestamp, b: pd.Timestamp, last: pd.Timestamp) -> str:
    end = min(b - pd.Timedelta(days=1), last)
    return f"{a:%Y-%m}..{end:%Y-%m}"


def _checks(fits, t, y, lo, hi, n_sim, seed, *parts) -> dict:
    """Deficit predictive checks of every fitted hypothesis, against H0's expected count."""
    ref = fits.get("H0").h if fits.get("H0") is not None else None
    ref_exp = float(H.region_probs(ref, t, lo, hi)[:, 1].sum()) if ref is not None else None
    return {n: H.deficit_check(f.h, t, y, lo, hi, n_sim=n_sim, reference_expected=ref_exp, rng=rng_for(seed, "compare", *parts, n))
            for n, f in fits.items() if f.h is not None}


def table_hash(table: pd.DataFrame) -> str:
    """sha256 of the table's CSV text (every column at full precision, the header included)."""
    return hashlib.sha256(table.to_csv(index=False).encode()).hexdigest()


def analysis_key(cfg, table: pd.DataFrame, context: str, **parts) -> dict:
    """Everything an analysis of `table` depends on: the rows, the compare and gap settings, the
    seed, the context (it names the random streams), the code and the arguments in `parts`."""
    c = OmegaConf.to_container(cfg.compare, resolve=True)
    for k in _NOT_IN_KEY:
        c.pop(k, None)
    return {"v": ANALYSIS_VERSION, "code": cache.code_fingerprint(*ANALYSIS_CODE), "data": table_hash(table), "compare": c,
            "gap": OmegaConf.to_container(cfg.gap, resolve=True), "seed": int(cfg.seed), "context": context, **parts}


def analyse(cfg, table: pd.DataFrame, context: str, *, rolling: bool, n_sim: int, detail: bool, keep_fits: bool = False) -> dict:
    """Every score and check of every configured hypothesis on one selected table, cached whole
    (gapstudy.cache, key: analysis_key). With keep_fits the in-sample fits are redone and returned
    under "_fits" (the recovery study's generators); then only the out-of-sample scores, the
    rolling origins and the stats deficit tests come from the cache."""
    key = analysis_key(cfg, table, context, rolling=bool(rolling), n_sim=int(n_sim), detail=bool(detail))
    if keep_fits:
        return _analyse(cfg, table, context, rolling=rolling, n_sim=n_sim, detail=detail, key=key)

    def compute():
        out = _analyse(cfg, table, context, rolling=rolling, n_sim=n_sim, detail=detail, key=None)
        out.pop("_fits")
        return out

    return cache.cached("compare.analysis", key, compute)


def _part(key, name: str, compute):
    """compute() cached under the analysis key and a part name, or computed when key is None."""
    return compute() if key is None else cache.cached(f"compare.{name}", {**key, "part": name}, compute)


def _analyse(cfg, table: pd.DataFrame, context: str, *, rolling: bool, n_sim: int, detail: bool, key) -> dict:
    """analyse() itself; with a key, the out-of-sample parts are cached one by one."""
    c = cfg.compare
    sl = spec_list(cfg, table)
    names = [s.name for s in sl]
    dates = pd.to_datetime(table["date"])
    t = decimal_year(dates)
    y = np.log10(table["parameters"].to_numpy(float))
    cutoff = _timestamp(c.cutoff, "compare.cutoff")
    last = dates.max()
    lo, hi = np.log10(float(cfg.gap.lower)), np.log10(float(cfg.gap.upper))
    out: dict = {"n": int(t.size), "first": f"{dates.min():%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"}

    note(f"compare: fitting {', '.join(names)} ({context})")
    fits = H.engine.fit_all(sl, t, y, seed=cfg.seed, context=f"{context}/in-sample")
    out["in_sample"] = H.engine.in_sample(fits, t, y)
    note(f"compare: predictive checks, {n_sim} simulated datasets per hypothesis ({context})")
    out["deficit"] = _checks(fits, t, y, lo, hi, n_sim, cfg.seed, "check", context)
    out["deficit_reference"] = "H0" if fits.get("H0") and fits["H0"].h is not None else "each hypothesis itself"
    out["stats_deficit_test"] = _part(key, "stats_deficit", lambda: {
        "all": stats_deficit(y, cfg, context, "all"),
        "after cutoff": stats_deficit(y[(dates >= cutoff).to_numpy()], cfg, context, "after"),
    })
    if detail:
        out["observed_yearly"] = H.yearly_counts(None, t, y, lo, hi)
        out["yearly"] = {n: H.yearly_counts(f.h, t, y, lo, hi) for n, f in fits.items() if f.h is not None}
        windows = []
        for w in c.gap_windows:
            wl, wh = np.log10(float(w[0])), np.log10(float(w[1]))
            windows.append({"lower": float(w[0]), "upper": float(w[1]),
                            "checks": _checks(fits, t, y, wl, wh, n_sim, cfg.seed, "window", context, float(w[0]), float(w[1]))})
        out["gap_windows"] = windows

    out["out_of_sample"] = _part(key, "out_of_sample", lambda: _out_of_sample(cfg, sl, t, y, dates, lo, hi, n_sim, context, detail))

    if rolling:
        origins, o = [], cutoff
        while o <= last:
            origins.append(o)
            o = o + pd.DateOffset(months=int(c.rolling_step_months))
        roll = H.engine.rolling(sl, t, y, decimal_year(pd.Series(origins)), int(c.rolling_horizon_months) / 12.0,
                                seed=cfg.seed, min_train=int(c.min_train), min_test=int(c.min_test),
                                cache_key=None if key is None else {"compare": key["data"]})
        for row, day in zip(roll["origins"], origins):
            row["origin"] = f"{day:%Y-%m-%d}"
            row.setdefault("scores", {})
        roll["mean"] = {n: (roll["scores"].get(n) or {}).get("mean_lpd") for n in names}
        out["rolling"] = roll
    out["ranking"] = ranking(out, names)
    out["_fits"] = fits  # in-process only (dropped before results.json): the recovery study's generators
    return out


def _out_of_sample(cfg, sl, t, y, dates, lo, hi, n_sim: int, context: str, detail: bool) -> dict:
    """Fit before the cutoff, score every later period (paired per-model differences) and check the deficit."""
    c = cfg.compare
    cutoff = _timestamp(c.cutoff, "compare.cutoff")
    last = dates.max()
    train = (dates < cutoff).to_numpy()
    oos: dict = {"cutoff": str(c.cutoff), "n_train": int(train.sum()), "n_test": int((~train).sum()), "periods": [], "pooled": {}}
    if train.sum() < c.min_train:
        oos["skipped"] = f"{int(train.sum())} models before {c.cutoff} (< compare.min_train={c.min_train})"
    elif (~train).sum() < c.min_test:
        oos["skipped"] = f"{int((~train).sum())} models after {c.cutoff} (< compare.min_test={c.min_test}); the data end {last:%Y-%m-%d}"
    else:
        ho = H.engine.held_out(sl, t, y, train, seed=cfg.seed, context=f"{context}/cutoff")
        ofits, lpd = ho["fits"], ho["lpd"]
        oos["status"] = ho["status"]
        oos["params"] = {n: f.h.params() for n, f in ofits.items() if f.h is not None}
        oos["scores"] = ho["scores"]
        test_dates = dates[~train]
        for a, b in _periods(cutoff, last, int(c.period_months)):
            m = ((test_dates >= a) & (test_dates < b)).to_numpy()
            row = {"period": _period_label(a, b, last), "start": f"{a:%Y-%m-%d}", "n": int(m.sum()), "scores": {}}
            if m.sum() >= c.min_test:
                row["scores"] = {n: float(v[m].mean()) for n, v in lpd.items()}
            oos["periods"].append(row)
        oos["pooled"] = {n: {"n": int(v.size), "mean_log_density": float(v.mean())} for n, v in lpd.items()}
        test = ~train
        oos["deficit"] = _checks(ofits, t[test], y[test], lo, hi, n_sim, cfg.seed, "oos-check", context)
        oos["train_deficit"] = _checks(ofits, t[train], y[train], lo, hi, n_sim, cfg.seed, "train-check", context)
        if detail:
            oos["yearly"] = {n: H.yearly_counts(f.h, t[test], y[test], lo, hi) for n, f in ofits.items() if f.h is not None}
    return oos


def depth_selection(sel: Selection) -> Selection:
    """The selection the depth per year is measured on: `sel` with its start at DEPTH_START."""
    return Selection(**{**sel.__dict__, "start": DEPTH_START})


def depth(cfg, table: pd.DataFrame, sel: Selection) -> dict:
    """The gap's depth per year 2018-2026 in the configured window (gapstudy.hypotheses.depth) on `table`,
    the rows of depth_selection(sel); says which trend it is measured against."""
    if table.empty:
        return {"unavailable": f"no models from {DEPTH_START} in the selection"}
    dates = pd.to_datetime(table["date"])
    try:
        d = H.depth_by_year(decimal_year(dates), np.log10(table["parameters"].to_numpy(float)),
                            float(cfg.gap.lower), float(cfg.gap.upper), DEPTH_YEARS)
    except GapstudyError as exc:
        return {"unavailable": str(exc)}
    d["trend"].update({"first": f"{dates.min():%Y-%m-%d}", "last": f"{dates.max():%Y-%m-%d}", "start": DEPTH_START,
                       "compare_start": sel.start})
    d["trend_text"] = (f"measured against one drifting trend fitted to the {d['trend']['n']} models dated "
                       f"{d['trend']['first']}..{d['trend']['last']} (the compared selection with its start moved from "
                       f"{sel.start or 'none'} to {DEPTH_START}, so each year from {DEPTH_YEARS[0]} has its own models; "
                       "the hypotheses are compared on their own selection)")
    return d


def stats_deficit(y: np.ndarray, cfg, context: str, part: str) -> dict:
    """gapstudy.stats.deficit_test on the pooled sizes (a date-free smooth null), for comparison with the
    date-aware checks above; reports why when that function or enough data is missing."""
    try:
        from gapstudy.stats.deficit import deficit_test
    except ImportError as exc:
        return {"unavailable": f"gapstudy.stats.deficit_test is not available ({exc})"}
    try:
        r = deficit_test(y, float(cfg.gap.lower), float(cfg.gap.upper), n_sim=int(cfg.compare.n_sim), jitter="log10",
                         rng=rng_for(cfg.seed, "compare", "stats-deficit", context, part))
    except GapstudyError as exc:
        return {"unavailable": str(exc)}
    return {"n": int(y.size), "observed": r.observed, "expected": r.expected, "statistic": r.statistic, "pvalue": r.pvalue}


def ranking(a: dict, names: list[str]) -> list[dict]:
    """One row per hypothesis: every score, its difference to the best, and its rank."""
    rows = []
    oos = a.get("out_of_sample", {})
    oscore = oos.get("scores", {})
    rscore = (a.get("rolling") or {}).get("scores", {})
    for name in names:
        s = a["in_sample"][name]
        d = a["deficit"].get(name, {})
        od = oos.get("deficit", {}).get(name, {})
        oos_status = oos.get("status", {}).get(name, "ok")
        o, r = oscore.get(name) or {}, rscore.get(name) or {}
        rows.append({
            "hypothesis": name, "status": s["status"] if s["status"] != "ok" else (oos_status if oos_status != "ok" else "ok"),
            "same_as": s.get("same_as"), "k": s.get("k"), "loglik": s.get("loglik"), "aic": s.get("aic"), "bic": s.get("bic"),
            "delta_loglik": s.get("delta_loglik"), "delta_aic": s.get("delta_aic"), "delta_bic": s.get("delta_bic"),
            "evidence_against": s.get("evidence_against"),
            "oos_lpd": o.get("mean_lpd"), "oos_diff": o.get("diff_vs_best"), "oos_se": o.get("se_diff"),
            "rolling_lpd": r.get("mean_lpd"), "rolling_diff": r.get("diff_vs_best"), "rolling_se": r.get("se_diff"),
            "D_observed": d.get("D_observed"), "D_sim_mean": d.get("D_sim_mean"), "p_low": d.get("p_low"), "p_high": d.get("p_high"),
            "n_sim": d.get("n_sim"),
            "oos_obs_over_exp": od.get("observed_over_expected"), "oos_p_low": od.get("p_low"), "oos_p_high": od.get("p_high"),
            "oos_n_sim": od.get("n_sim"),
        })
    for key, better in (("bic", min), ("aic", min), ("oos_lpd", max), ("rolling_lpd", max)):
        vals = sorted({r[key] for r in rows if r[key] is not None and not r["same_as"]}, reverse=better is max)
        for r in rows:
            r[f"rank_{key}"] = vals.index(r[key]) + 1 if r[key] is not None and r[key] in vals else None
    return rows


# ---------------------------------------------------------------- model recovery


def recovery(cfg, table: pd.DataFrame, main: dict) -> dict:
    """The recovery study at the observed dates and n: each fitted hypothesis (and a smooth trend with
    the configured notch cut in) generates compare.recovery.n_datasets datasets, every hypothesis fits each."""
    r = cfg.compare.recovery
    fits = main["_fits"]
    t = decimal_year(pd.to_datetime(table["date"]))
    y = np.log10(table["parameters"].to_numpy(float))
    # the recovery's hypotheses: those of compare.recovery.hypotheses that are compared (all compared ones if null)
    wanted = [n for n in cfg.compare.hypotheses if not r.hypotheses or n in r.hypotheses]
    left_out = {n: "not in compare.recovery.hypotheses" for n in cfg.compare.hypotheses if n not in wanted}
    gens, fitters, expected = [], [], None
    for n in wanted:
        f = fits.get(n)
        if f is None or f.h is None:
            left_out[n] = f.status if f is not None else "not fitted"
            continue
        if f.equivalent:
            left_out[n] = f"identical to H0 on these data ({f.equivalent.split(':')[0]}); H0 stands for it"
            continue
        fitters.append(f.spec)
        gens.append(H.engine.Generator(n, f.h, n, f"{n} as fitted to the data"))
    if "notch" in [s.name for s in fitters] or "H0" in [s.name for s in fitters]:
        lower, upper, depth = float(r.notch_lower), float(r.notch_upper), float(r.notch_depth)
        expected = "not H0"  # the test: a notched trend must not be explained best by the smooth trend
        g = H.engine.notched_trend(t, y, lower, upper, depth, seed=cfg.seed)
        gens.append(H.engine.Generator(f"notched trend ({int(round(depth * 100))}% of {params_label(lower)}-{params_label(upper)} removed)",
                                       g, expected, "H0 as fitted, thinned in the window (the issue's synthetic test); correct = any winner but H0"))
    if not fitters:
        return {"skipped": "no hypothesis could take part", "left_out": left_out}
    key = {"data": hashlib.sha256(np.ascontiguousarray(np.c_[t, y]).tobytes()).hexdigest()}
    rec = H.engine.recovery(gens, fitters, t, n_datasets=int(r.n_datasets), seed=cfg.seed, criterion=str(r.criterion),
                            progress=lambda m: note(f"compare: {m}", quiet=cfg.quiet), cache_key=key, workers=int(r.workers))
    rec["left_out"] = left_out
    return rec


def h1_bin_effect(cfg, table: pd.DataFrame, main: dict) -> dict | None:
    """H1's likelihood depends on the width of the size bins the cost model's thinning is tabulated on (the rule:
    the cost model's own grid, gapstudy.hypotheses.parallelism.BIN). H1 refitted on the same rows at each of
    parallelism.BIN_WIDTHS: log-likelihood, BIC and H1's BIC rank among the other compared hypotheses (theirs as
    fitted); None when H1 is not compared with the cost model's thinning."""
    from gapstudy.hypotheses import parallelism as P

    if "H1" not in cfg.compare.hypotheses or "band" in _options(cfg, "H1"):
        return None
    rows = {r["hypothesis"]: r for r in main["ranking"]}
    if rows["H1"]["status"] != "ok" or rows["H1"].get("same_as"):
        return {"unavailable": rows["H1"]["status"] if rows["H1"]["status"] != "ok" else "H1 is H0 on these data"}
    t = decimal_year(pd.to_datetime(table["date"]))
    y = np.log10(table["parameters"].to_numpy(float))
    others = {n: r["bic"] for n, r in rows.items() if n != "H1" and r.get("bic") is not None and not r.get("same_as")}

    configured = float(_options(cfg, "H1").get("bin", P.BIN))

    def compute():
        out = []
        for width in P.BIN_WIDTHS:
            if float(width) == configured and "H1" in main.get("_fits", {}):
                fits = {"H1": main["_fits"]["H1"]}  # the main run's fit at this width: no second fit
            else:
                opts = {**_options(cfg, "H1"), "bin": float(width)}
                fits = H.engine.fit_all(H.engine.specs(["H1"], {"H1": opts}), t, y, seed=cfg.seed, context=f"h1-bin {width:g}")
            r = H.engine.in_sample(fits, t, y)["H1"]
            if r["status"] != "ok":
                out.append({"bin": float(width), "status": r["status"]})
                continue
            order = sorted({**others, "H1": r["bic"]}.items(), key=lambda kv: kv[1])
            out.append({"bin": float(width), "status": "ok", "loglik": r["loglik"], "k": r["k"], "bic": r["bic"],
                        "rank_bic": [n for n, _ in order].index("H1") + 1, "bic_order": [n for n, _ in order], "params": r["params"]})
        return out

    out = cache.cached("compare.h1_bin_effect", {**analysis_key(cfg, table, "main"), "part": "h1-bin", "others": others}, compute)
    return {"rule": f"the cost model's thinning tabulated on its own {P.BIN:g}-dex size grid (values at the bins' midpoints)",
            "default": float(P.BIN), "rows": out}


def h2_counterfactual(fits: dict, t, lo: float, hi: float, name: str = "H2") -> dict | None:
    """H2 as fitted, and with GPT-3's record removed from its frontier (every fitted parameter kept), per year:
    expected shares below/inside/above the window [lo, hi] (log10) (gapstudy.hypotheses.competition.
    counterfactual_without_gpt3); None when H2 is not compared, a note when it was not fitted."""
    f = fits.get(name)
    if f is None:
        return None
    if f.h is None:
        return {"unavailable": f.status}
    try:
        from gapstudy.hypotheses.competition import counterfactual_without_gpt3

        rows = counterfactual_without_gpt3(f.h, t, lo, hi)
    except (ImportError, AttributeError, GapstudyError) as exc:
        return {"unavailable": str(exc)}
    return {"hypothesis": name, "rows": rows,
            "method": "GPT-3's record removed from the frontier, every fitted parameter kept; later records (which may "
                      "themselves be replies to GPT-3) stay"}


def _main_is_suite_data(cfg) -> bool:
    """Whether the main data are the suite's own: bundled (no data.path) or a file in the Epoch snapshot folder."""
    if not cfg.data.path:
        return True
    from gapstudy.data.snapshots import snapshots_dir

    folder = snapshots_dir(cfg.compare.snapshot_dir or OmegaConf.select(cfg, "data.snapshots_dir", default=None))
    try:
        main_file = resolve_path(cfg.data.source, cfg.data.path, cfg.data.get("snapshots_dir")).resolve()
    except GapstudyError:
        return False
    return folder is not None and main_file.parent == folder.resolve()


def _other_data_skip(cfg, v) -> str | None:
    """Why a variant with its own data file is skipped (None: it runs); see compare.other_data_variants."""
    if v.path is None:
        return None
    setting = cfg.compare.other_data_variants
    if setting is None and not _main_is_suite_data(cfg):
        return "skipped: another dataset than your own data file; set compare.other_data_variants=true to run it"
    if setting is False:
        return "skipped: another dataset (compare.other_data_variants=false)"
    return None


def _variant_dataset(cfg, v, *, for_depth: bool = False):
    """Load a robustness variant (with for_depth, its depth_selection), or return a note saying why it is skipped."""
    skip = _other_data_skip(cfg, v)
    if skip:
        return None, skip
    source = v.source or cfg.data.source
    if v.path is None:
        # no file of its own: the main dataset (a variant that only changes the selection)
        path = cfg.data.path if source == cfg.data.source else None
    elif source == "epoch":
        from gapstudy.data.snapshots import find_snapshot

        configured = cfg.compare.snapshot_dir or OmegaConf.select(cfg, "data.snapshots_dir", default=None)
        found = find_snapshot(v.path, configured)
        if not found.found:
            return None, f"skipped: snapshot {v.path}: {found.reason}"
        path = str(found.path)
    else:
        path = v.path
    sel = selection_from(cfg)
    kw = sel.__dict__.copy()
    for key in ("domains", "dense_only", "notable_only"):
        if getattr(v, key) is not None:
            kw[key] = list(getattr(v, key)) if key == "domains" else bool(getattr(v, key))
    sel = Selection(**kw)
    try:
        return load_dataset(source, path, depth_selection(sel) if for_depth else sel), None
    except GapstudyError as exc:
        return None, f"skipped: {exc}"
    except FileNotFoundError:
        return None, f"skipped: data file {resolve_path(source, path)} not found"


def run(cfg) -> dict:
    """Fit, score and check every configured hypothesis on the data and on each robustness variant."""
    validate(cfg)
    c = cfg.compare
    ds = load_data(cfg)
    note(f"compare: {len(ds.table)} models, hypotheses {', '.join(c.hypotheses)}", quiet=cfg.quiet)
    main = analyse(cfg, ds.table, "main", rolling=bool(c.rolling), n_sim=int(c.n_sim), detail=True, keep_fits=True)
    rec = None
    if c.recovery.enabled:
        note(f"compare: model recovery, {c.recovery.n_datasets} datasets per generator at n = {main['n']}", quiet=cfg.quiet)
        rec = recovery(cfg, ds.table, main)
    cf = h2_counterfactual(main["_fits"], decimal_year(pd.to_datetime(ds.table["date"])),
                           np.log10(float(cfg.gap.lower)), np.log10(float(cfg.gap.upper)))
    h1_bins = h1_bin_effect(cfg, ds.table, main)
    main.pop("_fits")
    dsel = depth_selection(selection_from(cfg))
    main["depth_by_year"] = depth(cfg, load_dataset(cfg.data.source, cfg.data.path, dsel, cfg.data.get("snapshots_dir")).table,
                                  selection_from(cfg))
    robust = []
    if c.robustness:
        for v in c.variants:
            dsv, why = _variant_dataset(cfg, v)
            entry = {"name": v.name, "source": v.source or cfg.data.source, "path": v.path}
            if dsv is None:
                entry["skipped"] = why
            else:
                note(f"compare: robustness variant {v.name!r} ({len(dsv.table)} models)", quiet=cfg.quiet)
                a = analyse(cfg, dsv.table, f"variant {v.name}", rolling=False, n_sim=ROBUST_N_SIM, detail=False)
                dd, dwhy = _variant_dataset(cfg, v, for_depth=True)
                a["depth_by_year"] = depth(cfg, dd.table, selection_from(cfg)) if dd is not None else {"unavailable": dwhy}
                entry.update({"data": dsv.provenance_dict(), "n": a["n"], "first": a["first"], "last": a["last"],
                              "ranking": a["ranking"], "depth_by_year": a["depth_by_year"],
                              "out_of_sample": {k: a["out_of_sample"].get(k) for k in ("n_train", "n_test", "skipped")}})
            robust.append(entry)
    bands = None
    if "H1+H2" in c.hypotheses and "band" in _options(cfg, "H1+H2"):  # the band form (the default thins as H1 does)
        try:
            from gapstudy.hypotheses.parallelism import resolve_band

            opts = _options(cfg, "H1+H2")
            years = range(int(main["first"][:4]), int(main["last"][:4]) + 1)
            bands = H.band_table(resolve_band(opts), years)
        except (H.Unavailable, GapstudyError) as exc:
            bands = f"unavailable: {exc}"
    meta = [{"name": n, "label": H.REGISTRY[n].label, "description": H.REGISTRY[n].description} for n in c.hypotheses]
    history = gap_history.as_records(gap_history.gap_history(
        ds.table, float(cfg.gap.lower), float(cfg.gap.upper), years=gap_history.years_for(ds.table),
        rng=rng_for(cfg.seed, "compare", "gap_history")))
    return {"data": ds.provenance_dict(), "gap": {"lower": float(cfg.gap.lower), "upper": float(cfg.gap.upper)},
            "gap_history": history, "hypotheses": meta, "main": main, "recovery": rec, "h2_counterfactual": cf,
            "robustness": robust, "bands": bands, "h1_bin_effect": h1_bins,
            "evidence_scale": H.engine.EVIDENCE_SOURCE,
            "thresholds": {"bic_strong": c.bic_strong, "bic_positive": c.bic_positive, "lpd_tie": c.lpd_tie, "alpha": c.alpha}}



# presentation lives in compare_report; the runner and sweeps find it here
from gapstudy.experiments.compare_report import combine, headline, sections, summarize, verdict  # noqa: E402,F401
