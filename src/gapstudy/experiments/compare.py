"""The compare experiment: hypotheses about the gap ranked by likelihood, out-of-sample prediction and predictive checks."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from gapstudy import hypotheses as H
from gapstudy.data import Selection, load_dataset, resolve_path
from gapstudy.errors import GapstudyError
from gapstudy.experiments.common import check_gap, load_data, selection_from
from gapstudy.growth import decimal_year, gap_history
from gapstudy.report import gap_history as history_report
from gapstudy.progress import note
from gapstudy.report import Section, Table, md_table
from gapstudy.report.markdown import fmt
from gapstudy.seeding import rng_for

ROBUST_N_SIM = 1000  # predictive-check replicates per robustness variant (fewer than the main run: a table cell)


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


def snapshot_dir(cfg) -> Path:
    """Where Epoch snapshots are looked up: compare.snapshot_dir, else $GAPSTUDY_SHARED/data/epoch,
    else ../shared/data/epoch beside the repository (the layout tests/conftest.py assumes)."""
    if cfg.compare.snapshot_dir:
        return Path(cfg.compare.snapshot_dir)
    if os.environ.get("GAPSTUDY_SHARED"):
        return Path(os.environ["GAPSTUDY_SHARED"]) / "data" / "epoch"
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / "epoch"


def _options(cfg, name: str) -> dict:
    opts = (cfg.compare.hypothesis_options or {}).get(name, {}) or {}
    return OmegaConf.to_container(opts, resolve=True) if OmegaConf.is_config(opts) else dict(opts)


# ---------------------------------------------------------------- fitting and scoring


def _fit_all(cfg, names, t, y, context: str) -> dict:
    """Fit each hypothesis; returns name -> {'h': fitted or None, 'status': 'ok' | reason}."""
    out = {}
    for name in names:
        note(f"compare: fitting {name} ({context})")
        h = H.create(name, **_options(cfg, name))
        reason = h.availability()
        if reason:
            out[name] = {"h": None, "status": f"unavailable: {reason}"}
            continue
        try:
            h.fit(t, y, rng=rng_for(cfg.seed, "compare", "fit", context))
            out[name] = {"h": h, "status": "ok"}
        except H.Unavailable as exc:
            out[name] = {"h": None, "status": f"unavailable: {exc}"}
        except GapstudyError as exc:
            out[name] = {"h": None, "status": f"failed: {exc}"}
    return out


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


def analyse(cfg, table: pd.DataFrame, context: str, *, rolling: bool, n_sim: int, detail: bool) -> dict:
    """Every score and check of every configured hypothesis on one selected table."""
    c = cfg.compare
    names = list(c.hypotheses)
    dates = pd.to_datetime(table["date"])
    t = decimal_year(dates)
    y = np.log10(table["parameters"].to_numpy(float))
    cutoff = _timestamp(c.cutoff, "compare.cutoff")
    last = dates.max()
    lo, hi = np.log10(float(cfg.gap.lower)), np.log10(float(cfg.gap.upper))
    out: dict = {"n": int(t.size), "first": f"{dates.min():%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"}

    # in sample: every model of the selection
    fits = _fit_all(cfg, names, t, y, f"{context}/in-sample")
    ins = {}
    for name in names:
        f = fits[name]
        if f["h"] is None:
            ins[name] = {"status": f["status"]}
            continue
        h = f["h"]
        ins[name] = {"status": "ok", **H.in_sample(h, t, y), "params": h.params(), "notes": list(h.notes)}
    out["in_sample"] = ins

    # predictive checks of the in-sample fits: the deficit statistic and per-year counts
    ref = fits.get("H0", {}).get("h")
    ref_expected = float(H.region_probs(ref, t, lo, hi)[:, 1].sum()) if ref is not None else None
    note(f"compare: predictive checks, {n_sim} simulated datasets per hypothesis ({context})")
    out["deficit"] = {
        name: H.deficit_check(fits[name]["h"], t, y, lo, hi, n_sim=n_sim, rng=rng_for(cfg.seed, "compare", "check", context, name),
                              reference_expected=ref_expected)
        for name in names if fits[name]["h"] is not None
    }
    out["deficit_reference"] = "H0" if ref is not None else "each hypothesis itself"
    out["stats_deficit_test"] = {
        "all": stats_deficit(y, cfg, context, "all"),
        "after cutoff": stats_deficit(y[(dates >= cutoff).to_numpy()], cfg, context, "after"),
    }
    if detail:
        out["observed_yearly"] = H.yearly_counts(None, t, y, lo, hi)
        out["yearly"] = {name: H.yearly_counts(fits[name]["h"], t, y, lo, hi) for name in names if fits[name]["h"] is not None}
        windows = []
        for w in c.gap_windows:
            wl, wh = np.log10(float(w[0])), np.log10(float(w[1]))
            ref_w = float(H.region_probs(ref, t, wl, wh)[:, 1].sum()) if ref is not None else None
            windows.append({"lower": float(w[0]), "upper": float(w[1]), "checks": {
                name: H.deficit_check(fits[name]["h"], t, y, wl, wh, n_sim=n_sim, reference_expected=ref_w,
                                      rng=rng_for(cfg.seed, "compare", "window", context, name, float(w[0]), float(w[1])))
                for name in names if fits[name]["h"] is not None}})
        out["gap_windows"] = windows

    # out of sample: fit before the cutoff, score every later period
    train = dates < cutoff
    oos: dict = {"cutoff": str(c.cutoff), "n_train": int(train.sum()), "n_test": int((~train).sum()), "periods": [], "pooled": {}}
    if train.sum() < c.min_train:
        oos["skipped"] = f"{int(train.sum())} models before {c.cutoff} (< compare.min_train={c.min_train})"
    elif (~train).sum() < c.min_test:
        oos["skipped"] = f"{int((~train).sum())} models after {c.cutoff} (< compare.min_test={c.min_test}); the data end {last:%Y-%m-%d}"
    else:
        ofits = _fit_all(cfg, names, t[train], y[train], f"{context}/cutoff")
        oos["status"] = {name: ofits[name]["status"] for name in names}
        oos["params"] = {name: ofits[name]["h"].params() for name in names if ofits[name]["h"] is not None}
        for a, b in _periods(cutoff, last, int(c.period_months)):
            m = ((dates >= a) & (dates < b)).to_numpy()
            row = {"period": _period_label(a, b, last), "start": f"{a:%Y-%m-%d}", "n": int(m.sum()), "scores": {}}
            if m.sum() >= c.min_test:
                for name in names:
                    if ofits[name]["h"] is not None:
                        row["scores"][name] = H.mean_log_density(ofits[name]["h"], t[m], y[m])["mean_log_density"]
            oos["periods"].append(row)
        test = ~train.to_numpy()
        for name in names:
            if ofits[name]["h"] is not None:
                oos["pooled"][name] = H.mean_log_density(ofits[name]["h"], t[test], y[test])
        oref = ofits.get("H0", {}).get("h")
        oref_exp = float(H.region_probs(oref, t[test], lo, hi)[:, 1].sum()) if oref is not None else None
        oos["deficit"] = {
            name: H.deficit_check(ofits[name]["h"], t[test], y[test], lo, hi, n_sim=n_sim, reference_expected=oref_exp,
                                  rng=rng_for(cfg.seed, "compare", "oos-check", context, name))
            for name in names if ofits[name]["h"] is not None
        }
        tr = train.to_numpy()
        tref = float(H.region_probs(oref, t[tr], lo, hi)[:, 1].sum()) if oref is not None else None
        oos["train_deficit"] = {
            name: H.deficit_check(ofits[name]["h"], t[tr], y[tr], lo, hi, n_sim=n_sim, reference_expected=tref,
                                  rng=rng_for(cfg.seed, "compare", "train-check", context, name))
            for name in names if ofits[name]["h"] is not None
        }
        if detail:
            oos["yearly"] = {name: H.yearly_counts(ofits[name]["h"], t[test], y[test], lo, hi)
                             for name in names if ofits[name]["h"] is not None}
    out["out_of_sample"] = oos

    # rolling origins: refit at each origin, score the following horizon
    if rolling:
        roll = {"origins": [], "mean": {}}
        origin = cutoff
        while origin <= last:
            end = origin + pd.DateOffset(months=int(c.rolling_horizon_months))
            tr = (dates < origin).to_numpy()
            te = ((dates >= origin) & (dates < end)).to_numpy()
            row = {"origin": f"{origin:%Y-%m-%d}", "n_train": int(tr.sum()), "n_test": int(te.sum()), "scores": {}}
            if tr.sum() >= c.min_train and te.sum() >= c.min_test:
                rf = _fit_all(cfg, names, t[tr], y[tr], f"{context}/origin {origin:%Y-%m-%d}")
                for name in names:
                    if rf[name]["h"] is not None:
                        row["scores"][name] = H.mean_log_density(rf[name]["h"], t[te], y[te])["mean_log_density"]
            else:
                row["skipped"] = "too few models to fit or to score"
            roll["origins"].append(row)
            origin = origin + pd.DateOffset(months=int(c.rolling_step_months))
        scored = [o for o in roll["origins"] if o["scores"]]
        for name in names:
            vals = [o["scores"][name] for o in scored if name in o["scores"]]
            # a hypothesis is averaged only if scored at every origin the others were scored at
            roll["mean"][name] = float(np.mean(vals)) if vals and len(vals) == len(scored) else None
        out["rolling"] = roll
    out["ranking"] = ranking(out, names)
    return out


def stats_deficit(y: np.ndarray, cfg, context: str, part: str) -> dict:
    """gapstudy.stats.deficit_test on the pooled sizes (a date-free smooth null), for comparison with the
    date-aware checks above; reports why when that function or enough data is missing."""
    try:
        from gapstudy.stats.deficit import deficit_test
    except ImportError as exc:
        return {"unavailable": f"gapstudy.stats.deficit_test is not available ({exc})"}
    try:
        r = deficit_test(y, float(cfg.gap.lower), float(cfg.gap.upper), n_sim=int(cfg.compare.n_sim),
                         rng=rng_for(cfg.seed, "compare", "stats-deficit", context, part))
    except GapstudyError as exc:
        return {"unavailable": str(exc)}
    return {"n": int(y.size), "observed": r.observed, "expected": r.expected, "statistic": r.statistic, "pvalue": r.pvalue}


def ranking(a: dict, names: list[str]) -> list[dict]:
    """One row per hypothesis with every score and its rank by BIC, out-of-sample and rolling score."""
    rows = []
    pooled = a.get("out_of_sample", {}).get("pooled", {})
    roll = (a.get("rolling") or {}).get("mean", {})
    for name in names:
        s = a["in_sample"][name]
        d = a["deficit"].get(name, {})
        od = a.get("out_of_sample", {}).get("deficit", {}).get(name, {})
        oos_status = a.get("out_of_sample", {}).get("status", {}).get(name, "ok")
        rows.append({
            "hypothesis": name, "status": s["status"] if s["status"] != "ok" else (oos_status if oos_status != "ok" else "ok"),
            "k": s.get("k"), "loglik": s.get("loglik"), "aic": s.get("aic"), "bic": s.get("bic"),
            "oos_lpd": (pooled.get(name) or {}).get("mean_log_density"), "rolling_lpd": roll.get(name),
            "D_observed": d.get("D_observed"), "D_sim_mean": d.get("D_sim_mean"), "p_low": d.get("p_low"), "p_high": d.get("p_high"),
            "oos_obs_over_exp": od.get("observed_over_expected"), "oos_p_low": od.get("p_low"), "oos_p_high": od.get("p_high"),
        })
    for key, better in (("bic", min), ("aic", min), ("oos_lpd", max), ("rolling_lpd", max)):
        vals = sorted({r[key] for r in rows if r[key] is not None}, reverse=better is max)
        for r in rows:
            r[f"rank_{key}"] = vals.index(r[key]) + 1 if r[key] is not None else None
        best = vals[0] if vals else None
        for r in rows:
            if r[key] is not None and best is not None:
                r[f"delta_{key}"] = abs(r[key] - best)
    return rows


# ---------------------------------------------------------------- run


def _variant_dataset(cfg, v):
    """Load a robustness variant, or return a note saying why it is skipped."""
    source = v.source or cfg.data.source
    if v.path is None:
        # no file of its own: the main dataset (a variant that only changes the selection)
        path = cfg.data.path if source == cfg.data.source else None
    elif source == "epoch":
        p = Path(v.path)
        if not p.is_absolute():
            p = snapshot_dir(cfg) / p
        if not p.exists():
            return None, f"skipped: snapshot {p} not found (set compare.snapshot_dir or GAPSTUDY_SHARED)"
        path = str(p)
    else:
        path = v.path
    sel = selection_from(cfg)
    kw = sel.__dict__.copy()
    for key in ("domains", "dense_only", "notable_only"):
        if getattr(v, key) is not None:
            kw[key] = list(getattr(v, key)) if key == "domains" else bool(getattr(v, key))
    try:
        return load_dataset(source, path, Selection(**kw)), None
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
    main = analyse(cfg, ds.table, "main", rolling=bool(c.rolling), n_sim=int(c.n_sim), detail=True)
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
                entry.update({"data": dsv.provenance_dict(), "n": a["n"], "first": a["first"], "last": a["last"],
                              "ranking": a["ranking"], "out_of_sample": {k: a["out_of_sample"].get(k) for k in ("n_train", "n_test", "skipped")}})
            robust.append(entry)
    bands = None
    if "H1" in c.hypotheses or "H1+H2" in c.hypotheses:
        try:
            from gapstudy.hypotheses.parallelism import resolve_band

            opts = _options(cfg, "H1") if "H1" in c.hypotheses else _options(cfg, "H1+H2")
            years = range(int(main["first"][:4]), int(main["last"][:4]) + 1)
            bands = H.band_table(resolve_band(opts), years)
        except (H.Unavailable, GapstudyError) as exc:
            bands = f"unavailable: {exc}"
    meta = [{"name": n, "label": H.REGISTRY[n].label, "description": H.REGISTRY[n].description} for n in c.hypotheses]
    history = gap_history.as_records(gap_history.gap_history(
        ds.table, float(cfg.gap.lower), float(cfg.gap.upper), years=gap_history.years_for(ds.table),
        rng=rng_for(cfg.seed, "compare", "gap_history")))
    return {"data": ds.provenance_dict(), "gap": {"lower": float(cfg.gap.lower), "upper": float(cfg.gap.upper)},
            "gap_history": history, "hypotheses": meta, "main": main, "robustness": robust, "bands": bands,
            "thresholds": {"bic_strong": c.bic_strong, "bic_positive": c.bic_positive, "lpd_tie": c.lpd_tie, "alpha": c.alpha}}


# ---------------------------------------------------------------- words from numbers


def _ok(rows, key):
    return [r for r in rows if r.get(key) is not None]


def _reproduces(r: dict, alpha: float, prefix: str = "") -> bool | None:
    lo, hi = r.get(f"{prefix}p_low"), r.get(f"{prefix}p_high")
    if lo is None or hi is None:
        return None
    return lo >= alpha / 2 and hi >= alpha / 2


def verdict(results: dict) -> list[str]:
    """The verdict, written from the numbers of a run (never typed in)."""
    th = results["thresholds"]
    main = results["main"]
    rows = main["ranking"]
    out = []
    by_bic = sorted(_ok(rows, "bic"), key=lambda r: r["bic"])
    if by_bic:
        best = by_bic[0]
        if len(by_bic) > 1:
            gap = by_bic[1]["bic"] - best["bic"]
            strength = ("strong" if gap > th["bic_strong"] else "positive" if gap > th["bic_positive"]
                        else "no clear")  # Kass & Raftery's grades of a BIC difference
            out.append(f"In sample, BIC ranks {best['hypothesis']} first with {strength} evidence over the next (BIC {fmt(best['bic'])}; next {by_bic[1]['hypothesis']} "
                       f"at +{fmt(gap)}). Order: {' < '.join(r['hypothesis'] for r in by_bic)}.")
        else:
            out.append(f"In sample only {best['hypothesis']} could be scored (BIC {fmt(best['bic'])}).")
    by_oos = sorted(_ok(rows, "oos_lpd"), key=lambda r: -r["oos_lpd"])
    oos = main["out_of_sample"]
    if by_oos:
        best = by_oos[0]
        ties = [r["hypothesis"] for r in by_oos[1:] if best["oos_lpd"] - r["oos_lpd"] < th["lpd_tie"]]
        tie_txt = f" (tied within {th['lpd_tie']} nats with {', '.join(ties)})" if ties else ""
        out.append(f"Fitted before {oos['cutoff']} and scored on the {oos['n_test']} later models, {best['hypothesis']} predicts best: "
                   f"mean log density {fmt(best['oos_lpd'])} nats per model{tie_txt}; "
                   f"order {' > '.join(r['hypothesis'] for r in by_oos)}.")
    elif oos.get("skipped"):
        out.append(f"No out-of-sample score: {oos['skipped']}.")
    by_roll = sorted(_ok(rows, "rolling_lpd"), key=lambda r: -r["rolling_lpd"])
    if by_roll:
        out.append(f"From rolling yearly origins, {by_roll[0]['hypothesis']} predicts best on average ({fmt(by_roll[0]['rolling_lpd'])} nats per model).")
    d = main["deficit"]
    if d:
        any_d = next(iter(d.values()))
        obs = any_d["observed"]
        lo, hi = results["gap"]["lower"], results["gap"]["upper"]
        h0 = d.get("H0")
        head = f"{obs} of {main['n']} models lie in {fmt(lo)}-{fmt(hi)} parameters"
        if h0:
            head += f", {fmt(h0['D_observed'])} times the {fmt(h0['expected'])} the smooth trend (H0) expects (p = {fmt(h0['p_low'])} for so few)"
        rep = [n for n, r in d.items() if _reproduces(r, th["alpha"])]
        miss = [n for n, r in d.items() if not _reproduces(r, th["alpha"])]
        sd = (main.get("stats_deficit_test") or {}).get("all") or {}
        if "statistic" in sd:
            head += f"; gapstudy.stats.deficit_test with a date-free smooth null gives {fmt(sd['statistic'])} (p = {fmt(sd['pvalue'])})"
        out.append(f"{head}. The observed count is inside the central {int(round((1 - th['alpha']) * 100))}% of simulated counts for "
                   f"{', '.join(rep) or 'no hypothesis'}" + (f"; outside it for {', '.join(miss)}." if miss else "."))
    td = oos.get("train_deficit") or {}
    if td:
        any_d = next(iter(td.values()))
        h0 = td.get("H0")
        rep = [n for n, r in td.items() if _reproduces(r, th["alpha"])]
        out.append(f"Before the cutoff (the data the 2022 paper saw) {any_d['observed']} of {oos['n_train']} models lie in the window"
                   + (f", {fmt(h0['D_observed'])} times H0's expectation of {fmt(h0['expected'])} (p = {fmt(h0['p_low'])})" if h0 else "")
                   + f"; fits to those data reproduce the count for {', '.join(rep) or 'no hypothesis'}.")
    od = oos.get("deficit") or {}
    if od:
        any_d = next(iter(od.values()))
        rep = [n for n, r in od.items() if _reproduces(r, th["alpha"])]
        sd = (main.get("stats_deficit_test") or {}).get("after cutoff") or {}
        extra = f" (date-free deficit_test on them: {fmt(sd['statistic'])}, p = {fmt(sd['pvalue'])})" if "statistic" in sd else ""
        out.append(f"After the cutoff {any_d['observed']} of {oos['n_test']} models lie in the window{extra}; the pre-cutoff fits reproduce that count for "
                   f"{', '.join(rep) or 'no hypothesis'} (the gap's filling is the hardest test).")
    unavailable = [r for r in rows if r["status"] != "ok"]
    for r in unavailable:
        out.append(f"{r['hypothesis']}: {r['status']}.")
    for name, s in main["in_sample"].items():
        for n in s.get("notes", []):
            if "not identified" in n:
                out.append(f"{name}: {n}.")
    robust = [v for v in results.get("robustness", []) if "ranking" in v]
    if robust:
        firsts = {}
        for v in robust:
            b = sorted(_ok(v["ranking"], "bic"), key=lambda r: r["bic"])
            if b:
                firsts.setdefault(b[0]["hypothesis"], []).append(v["name"])
        main_best = by_bic[0]["hypothesis"] if by_bic else None
        same = len(firsts.get(main_best, []))
        out.append(f"Robustness: BIC ranks {main_best} first in {same} of {len(robust)} variants"
                   + ("" if same == len(robust) else "; elsewhere " + "; ".join(f"{k} in {', '.join(v)}" for k, v in firsts.items() if k != main_best)) + ".")
    return out


# ---------------------------------------------------------------- tables


_RANK_COLUMNS = ["hypothesis", "status", "k", "log-lik", "AIC", "BIC", "dBIC", "OOS lpd", "rolling lpd",
                 "D obs (gap/H0 exp)", "D sim mean", "p low", "p high", "OOS obs/exp", "OOS p low"]


def _rank_rows(rows):
    out = []
    for r in sorted(rows, key=lambda r: (r["bic"] is None, r["bic"] if r["bic"] is not None else 0)):
        out.append([r["hypothesis"], r["status"], r["k"], r["loglik"], r["aic"], r["bic"], r.get("delta_bic"), r["oos_lpd"],
                    r["rolling_lpd"], r["D_observed"], r["D_sim_mean"], r["p_low"], r["p_high"], r["oos_obs_over_exp"], r["oos_p_low"]])
    return out


def _period_table(results):
    oos = results["main"]["out_of_sample"]
    names = [h["name"] for h in results["hypotheses"]]
    rows = [[p["period"], p["n"], *[p["scores"].get(n) for n in names]] for p in oos.get("periods", [])]
    pooled = oos.get("pooled", {})
    if pooled:
        rows.append(["all after cutoff", oos["n_test"], *[(pooled.get(n) or {}).get("mean_log_density") for n in names]])
    return ["period", "n", *names], rows


def _rolling_table(results):
    roll = results["main"].get("rolling")
    names = [h["name"] for h in results["hypotheses"]]
    if not roll:
        return None
    rows = [[o["origin"], o["n_train"], o["n_test"], *[o["scores"].get(n) for n in names]] for o in roll["origins"]]
    rows.append(["mean", "", "", *[roll["mean"].get(n) for n in names]])
    return ["origin", "n train", "n test", *names], rows


def _robust_table(results):
    alpha = results["thresholds"]["alpha"]
    rows = []
    for v in results.get("robustness", []):
        if "skipped" in v:
            rows.append([v["name"], "-", "-", "-", "-", "-", "-", v["skipped"]])
            continue
        rk = v["ranking"]
        bic = " < ".join(r["hypothesis"] for r in sorted(_ok(rk, "bic"), key=lambda r: r["bic"]))
        oos = " > ".join(r["hypothesis"] for r in sorted(_ok(rk, "oos_lpd"), key=lambda r: -r["oos_lpd"])) or (v["out_of_sample"].get("skipped") or "-")
        h0 = next((r for r in rk if r["hypothesis"] == "H0"), {})
        rep = ", ".join(r["hypothesis"] for r in rk if _reproduces(r, alpha)) or "none"
        unavailable = ", ".join(f"{r['hypothesis']} ({r['status']})" for r in rk if r["status"] != "ok")
        rows.append([v["name"], v["n"], f"{v['first']}..{v['last']}", bic, oos, h0.get("D_observed"), rep, unavailable or ""])
    return ["variant", "n", "dates", "BIC order (best first)", "out-of-sample order (best first)", "D obs", "deficit reproduced by", "note"], rows


def _window_table(results):
    names = [h["name"] for h in results["hypotheses"]]
    rows = []
    for w in results["main"].get("gap_windows", []):
        ch = w["checks"]
        obs = next(iter(ch.values()))["observed"] if ch else None
        rows.append([f"{fmt(w['lower'])}-{fmt(w['upper'])}", obs,
                     *[f"{fmt(ch[n]['expected'])} (p {fmt(ch[n]['p_low'])})" if n in ch else "-" for n in names]])
    return ["window", "observed", *[f"{n} expected (p low)" for n in names]], rows


def _yearly_table(results):
    main = results["main"]
    names = [h["name"] for h in results["hypotheses"] if h["name"] in main.get("yearly", {})]
    rows = []
    for i, o in enumerate(main.get("observed_yearly", [])):
        cells = [o["year"], o["n"], f"{o['below']}/{o['inside']}/{o['above']}"]
        for n in names:
            e = main["yearly"][n][i]
            cells.append(f"{e['exp_below']:.1f}/{e['exp_inside']:.1f}/{e['exp_above']:.1f}")
        rows.append(cells)
    return ["year", "n", "observed below/inside/above", *[f"{n} expected" for n in names]], rows


def _band_lines(results):
    b = results.get("bands")
    if b is None:
        return []
    if isinstance(b, str):
        return [f"Cost-model band: {b}."]
    parts = [f"{r['year']}: " + ("none" if r["lower"] is None else (f"{fmt(r['lower'])}" if r["lower"] == r["upper"] else f"{fmt(r['lower'])}-{fmt(r['upper'])}"))
             for r in b]
    return ["Band the cost model predicts per year (H1's thinning; a single size means a zero-width band): " + "; ".join(parts) + "."]


def summarize(results) -> str:
    """Findings in words and tables."""
    d = results["data"]
    main = results["main"]
    lines = [
        "# Comparing hypotheses about the parameter gap", "",
        f"Data: `{d['path']}`, {main['n']} models dated {main['first']}..{main['last']} (of {d['rows_in']} rows). "
        f"Gap window {fmt(results['gap']['lower'])}-{fmt(results['gap']['upper'])} parameters.", "",
        "Hypotheses: " + "; ".join(f"**{h['name']}** {h['description']}" for h in results["hypotheses"]) + ".", "",
        "## Verdict", "", *[f"- {v}" for v in verdict(results)], "",
        *_band_lines(results), "",
        "## Ranking", "",
        "k fitted parameters; lpd = mean log predictive density per model (nats, higher is better); D = observed count in the "
        "window / the count H0 expects; p low/high = share of simulated counts at or below / at or above the observed one.", "",
        md_table(_RANK_COLUMNS, _rank_rows(main["ranking"])), "",
        f"## Out of sample (fitted before {main['out_of_sample']['cutoff']})", "",
    ]
    cols, rows = _period_table(results)
    lines += [md_table(cols, rows) if rows else f"Not scored: {main['out_of_sample'].get('skipped', 'no data after the cutoff')}.", ""]
    rt = _rolling_table(results)
    if rt:
        lines += ["## Rolling origins", "", md_table(*rt), ""]
    lines += ["## Predicted against observed per year (in-sample fits)", "", md_table(*_yearly_table(results)), ""]
    lines += ["## Other gap windows (in-sample fits)", "", md_table(*_window_table(results)), ""]
    if results.get("robustness"):
        lines += ["## Robustness", "", md_table(*_robust_table(results)), ""]
    return "\n".join(lines)


def sections(results) -> list[Section]:
    """Ranking, verdict, figures of predicted against observed, out-of-sample scores, robustness."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    main = results["main"]
    names = [h["name"] for h in results["hypotheses"]]
    secs = [Section("Verdict", text=verdict(results) + _band_lines(results)),
            Section("Ranking", text=["k fitted parameters; lpd = mean log predictive density per model (nats); D = observed count in the gap "
                                     "window over H0's expected count; p low/high from simulated counts under each hypothesis."],
                    tables=[Table(_RANK_COLUMNS, _rank_rows(main["ranking"]))])]
    # predicted against observed per year
    obs = main.get("observed_yearly", [])
    if obs:
        fig = make_subplots(rows=1, cols=3, subplot_titles=("below the window", "inside the window", "above the window"))
        years = [o["year"] for o in obs]
        for j, key in enumerate(("below", "inside", "above"), start=1):
            fig.add_trace(go.Bar(x=years, y=[o[key] for o in obs], name="observed", marker_color="#999", showlegend=j == 1), row=1, col=j)
            for i, n in enumerate(names):
                if n in main.get("yearly", {}):
                    fig.add_trace(go.Scatter(x=years, y=[e[f"exp_{key}"] for e in main["yearly"][n]], mode="lines+markers", name=n,
                                             legendgroup=n, showlegend=j == 1, line={"color": _COLORS[i % len(_COLORS)]}), row=1, col=j)
        fig.update_layout(height=420, title="Models per year: observed (bars) and expected under each in-sample fit (lines)")
        secs.append(Section("Predicted against observed per year", figures=[fig], tables=[Table(*_yearly_table(results))]))
    oos = main["out_of_sample"]
    if oos.get("periods"):
        fig = go.Figure()
        for i, n in enumerate(names):
            fig.add_trace(go.Scatter(x=[p["period"] for p in oos["periods"]], y=[p["scores"].get(n) for p in oos["periods"]],
                                     mode="lines+markers", name=n, line={"color": _COLORS[i % len(_COLORS)]}))
        fig.update_layout(height=400, title=f"Out of sample: mean log predictive density per period (fitted before {oos['cutoff']})",
                          yaxis_title="nats per model")
        figs = [fig]
        if oos.get("yearly"):
            yr = next(iter(oos["yearly"].values()))
            fig2 = go.Figure()
            fig2.add_trace(go.Bar(x=[e["year"] for e in yr], y=[e["inside"] for e in yr], name="observed inside", marker_color="#999"))
            for i, n in enumerate(names):
                if n in oos["yearly"]:
                    fig2.add_trace(go.Scatter(x=[e["year"] for e in oos["yearly"][n]], y=[e["exp_inside"] for e in oos["yearly"][n]],
                                              mode="lines+markers", name=n, line={"color": _COLORS[i % len(_COLORS)]}))
            fig2.update_layout(height=380, title="After the cutoff: models inside the window, observed and predicted by the pre-cutoff fits")
            figs.append(fig2)
        cols, rows = _period_table(results)
        secs.append(Section("Out of sample", figures=figs, tables=[Table(cols, rows)]))
    else:
        secs.append(Section("Out of sample", text=[f"Not scored: {oos.get('skipped', 'no data after the cutoff')}."]))
    rt = _rolling_table(results)
    if rt:
        secs.append(Section("Rolling origins", tables=[Table(*rt)]))
    if results.get("gap_history"):
        secs.append(history_report.section(results["gap_history"], results["gap"]["lower"], results["gap"]["upper"]))
    secs.append(Section("Other gap windows", tables=[Table(*_window_table(results))]))
    if results.get("robustness"):
        secs.append(Section("Robustness", tables=[Table(*_robust_table(results))]))
    pr = [[n, s.get("status"), "; ".join(f"{k}={fmt(v)}" for k, v in (s.get("params") or {}).items()), " ".join(s.get("notes", []))]
          for n, s in main["in_sample"].items()]
    secs.append(Section("Fitted parameters (in sample)", tables=[Table(["hypothesis", "status", "parameters", "notes"], pr)]))
    return secs


_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"]  # plotly's qualitative palette


# ---------------------------------------------------------------- sweeps


def headline(results) -> dict:
    """A flat row for a sweep's table: the window, the winners, and the deficit statistic."""
    rows = results["main"]["ranking"]
    by_bic = sorted(_ok(rows, "bic"), key=lambda r: r["bic"])
    by_oos = sorted(_ok(rows, "oos_lpd"), key=lambda r: -r["oos_lpd"])
    alpha = results["thresholds"]["alpha"]
    d = results["main"]["deficit"]
    h0 = d.get("H0", {})
    out = {
        "data": Path(str(results["data"].get("path", "-"))).name,
        "gap lower": results["gap"]["lower"], "gap upper": results["gap"]["upper"], "models": results["main"]["n"],
        "in window": next(iter(d.values()))["observed"] if d else None,
        "D obs (vs H0)": h0.get("D_observed"), "H0 p low": h0.get("p_low"),
        "best BIC": by_bic[0]["hypothesis"] if by_bic else None,
        "best out of sample": by_oos[0]["hypothesis"] if by_oos else None,
        "deficit reproduced by": ", ".join(r["hypothesis"] for r in rows if _reproduces(r, alpha)) or "none",
    }
    return out


def combine(docs: list[dict]) -> list[Section]:
    """Sections comparing hypotheses across the runs of a sweep (thresholds, data sets)."""
    import plotly.graph_objects as go

    if not docs:
        return []
    names = list(dict.fromkeys(h["name"] for doc in docs for h in doc["hypotheses"]))
    alpha = docs[0]["thresholds"]["alpha"]
    runs = []
    for doc in docs:
        hl = headline(doc)
        rk = {r["hypothesis"]: r for r in doc["main"]["ranking"]}
        runs.append({"job": doc.get("_job", {}).get("dir", "-"), "hl": hl, "rk": rk})
    cols = ["job", "data", "gap", "models", "in window", *[f"{n} obs/exp (p low)" for n in names], "best BIC", "best OOS"]
    rows = []
    for r in runs:
        hl, rk = r["hl"], r["rk"]
        cells = [r["job"], hl["data"], f"{fmt(hl['gap lower'])}-{fmt(hl['gap upper'])}", hl["models"], hl["in window"]]
        for n in names:
            x = rk.get(n, {})
            # observed / this hypothesis' own expectation = D_observed / D_sim_mean
            ratio = x["D_observed"] / x["D_sim_mean"] if x.get("D_observed") is not None and x.get("D_sim_mean") else None
            cells.append(f"{fmt(ratio)} ({fmt(x.get('p_low'))})" if ratio is not None else (x.get("status") or "-"))
        rows += [cells + [hl["best BIC"], hl["best out of sample"]]]
    wins = []
    for n in names:
        wins.append([n, sum(r["hl"]["best BIC"] == n for r in runs), sum(r["hl"]["best out of sample"] == n for r in runs),
                     sum(bool(_reproduces(r["rk"].get(n, {}), alpha)) for r in runs), len(runs)])
    text = []
    data_sets = sorted({r["hl"]["data"] for r in runs})
    for ds in data_sets:
        sub = [r for r in runs if r["hl"]["data"] == ds]
        best = sorted({r["hl"]["best BIC"] for r in sub if r["hl"]["best BIC"]})
        bic_vals = {round(r["rk"].get(best[0], {}).get("bic") or 0, 6) for r in sub} if best else set()
        reproduced = {n: sum(bool(_reproduces(r["rk"].get(n, {}), alpha)) for r in sub) for n in names}
        d_obs = [r["hl"]["D obs (vs H0)"] for r in sub if r["hl"]["D obs (vs H0)"] is not None]
        line = (f"{ds}: {len(sub)} run(s); BIC ranks {' / '.join(best) or 'nothing'} first"
                + (" in every run (likelihood scores do not depend on the gap window, which only enters the checks)" if len(bic_vals) == 1 and len(best) == 1 else "")
                + ". Deficit reproduced in " + ", ".join(f"{n} {k}/{len(sub)}" for n, k in reproduced.items()) + ".")
        if d_obs:
            line += f" D observed (count / H0's expectation) ranges {fmt(min(d_obs))}..{fmt(max(d_obs))} over the windows."
        text.append(line)
    secs = [Section("Hypotheses across the runs", text=text,
                    tables=[Table(cols, rows, caption="Per run: observed / expected count in the window under each hypothesis (p of so few)"),
                            Table(["hypothesis", "runs best by BIC", "runs best out of sample", "runs with deficit reproduced", "runs"], wins,
                                  caption="Wins per hypothesis")])]
    figs = []
    for ds in data_sets:
        sub = [r for r in runs if r["hl"]["data"] == ds]
        lows = sorted({r["hl"]["gap lower"] for r in sub})
        ups = sorted({r["hl"]["gap upper"] for r in sub})
        if len(lows) * len(ups) < 2:
            continue
        z = [[next((r["hl"]["D obs (vs H0)"] for r in sub if r["hl"]["gap lower"] == lo and r["hl"]["gap upper"] == up), None) for lo in lows] for up in ups]
        p = [[next((r["hl"]["H0 p low"] for r in sub if r["hl"]["gap lower"] == lo and r["hl"]["gap upper"] == up), None) for lo in lows] for up in ups]
        txt = [[f"D={fmt(a)}, p={fmt(b)}" for a, b in zip(za, pa)] for za, pa in zip(z, p)]
        fig = go.Figure(go.Heatmap(x=[fmt(v) for v in lows], y=[fmt(v) for v in ups], z=z, text=txt, texttemplate="%{text}",
                                   colorscale="RdBu", zmid=1.0, colorbar={"title": "D"}))
        fig.update_layout(height=420, title=f"{ds}: observed / H0-expected count in the window", xaxis_title="gap.lower", yaxis_title="gap.upper")
        figs.append(fig)
    if figs:
        secs.append(Section("Deficit statistic over the windows", figures=figs))
    return secs
