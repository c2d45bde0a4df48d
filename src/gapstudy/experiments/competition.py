"""The competition experiment: does 'beat GPT-3 or build for yourself' reproduce the gap and its closing?"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
from omegaconf import OmegaConf

from gapstudy.competition import CompetitionParams, simulate
from gapstudy.competition import density, fit, summaries
from gapstudy.competition import constants as K
from gapstudy.errors import GapstudyError
from gapstudy.experiments.common import counts_by_year, has_domain, load_data
from gapstudy.progress import Progress, note, step
from gapstudy.report import Section, Table, md_table
from gapstudy.seeding import rng_for

PREDICT_PERIODS = ((2022.5, 2023.0), (2023.0, 2024.0), (2024.0, 2025.0), (2025.0, 2026.0))  # after the paper's data


def _settings(cfg) -> dict:
    c = cfg.competition
    overrides = OmegaConf.to_container(c.params, resolve=True) if not isinstance(c.params, dict) else dict(c.params)
    try:
        base = CompetitionParams(**overrides)
    except TypeError as exc:
        raise GapstudyError(f"competition.params has an unknown setting ({exc}); see gapstudy.competition.CompetitionParams") from exc
    for name, lo in (("n_worlds", 1), ("chunk_worlds", 1), ("fit_draws", 2), ("fit_worlds_per_draw", 1),
                     ("predict_draws", 1), ("predict_worlds_per_draw", 1)):
        if int(getattr(c, name)) < lo:
            raise GapstudyError(f"competition.{name}={getattr(c, name)} must be at least {lo}")
    if not 0 < float(c.fit_accept) <= 1:
        raise GapstudyError(f"competition.fit_accept={c.fit_accept} must be in (0, 1]")
    if not c.gap_end > c.gap_start:
        raise GapstudyError(f"competition.gap_start={c.gap_start} must be before gap_end={c.gap_end}")
    scenarios = []
    for a, b, k in itertools.product(list(c.anchors), list(c.beliefs), list(c.costs)):
        scenarios.append(dataclasses.replace(base, anchor=bool(a), beliefs=str(b), cost=str(k)))  # validates each
    if not scenarios:
        raise GapstudyError("competition.anchors, beliefs and costs must each list at least one value")
    return {"base": base, "scenarios": scenarios}


def validate(cfg) -> None:
    """Reject impossible settings before any data is read."""
    _settings(cfg)


def _name(p: CompetitionParams) -> str:
    return f"anchor={'on' if p.anchor else 'off'}, beliefs={p.beliefs}, cost={p.cost}"


def _fractional_year(dates) -> np.ndarray:
    d = dates.dt
    return (d.year + (d.dayofyear - 1) / np.where(d.is_leap_year, 366.0, 365.0)).to_numpy(dtype=float)


def _deficit_rates(res, c, lower, upper, seed, n_obs) -> dict:
    """gapstudy.stats.deficit_test on each of the first deficit_worlds worlds' releases dated in
    [gap_start, gap_end) (GPT-3 itself left in: it is a release of that world), subsampled to the
    observed number of models in that window: the share of worlds with a significant deficit."""
    try:
        from gapstudy.stats import deficit_test
    except ImportError as exc:
        return {"note": f"gapstudy.stats.deficit_test is not available ({exc})"}
    n_w = min(int(c.deficit_worlds), res.n_worlds)
    size = int(c.deficit_sample_size) or max(int(n_obs), 10)  # 0: as many as the data have in the window
    rng = rng_for(int(seed), "competition.deficit")
    sel = (res.year >= float(c.gap_start)) & (res.year < float(c.gap_end)) & (res.world - res.world_offset < n_w)
    w, x = res.world[sel] - res.world_offset, res.log10_params[sel]
    order = np.argsort(w, kind="stable")
    w, x = w[order], x[order]
    bounds = np.searchsorted(w, np.arange(n_w + 1))
    p, ratio = [], []
    for i in range(n_w):  # one test per world (each fits its own smooth null)
        xi = x[bounds[i]:bounds[i + 1]]
        if xi.size > size:
            xi = rng.choice(xi, size, replace=False)
        if xi.size < 10:
            continue
        r = deficit_test(xi, lower, upper, null=str(c.deficit_null), n_sim=int(c.deficit_n_sim), rng=rng)
        p.append(r.pvalue)
        ratio.append(r.statistic)
    p, ratio = np.array(p), np.array(ratio)
    return {"worlds_tested": int(p.size), "share_significant": float((p < 0.05).mean()) if p.size else None,
            "median_p": float(np.median(p)) if p.size else None,
            "median_ratio": float(np.median(ratio[np.isfinite(ratio)])) if np.isfinite(ratio).any() else None,
            "sample_size": size, "null": str(c.deficit_null)}


def _scenario(p, seed, cfg, observed_counts, obs_year, obs_x, lower, upper, n_obs) -> dict:
    c = cfg.competition
    res = simulate(p, n_worlds=int(c.n_worlds), seed=seed % (2**31), chunk_worlds=int(c.chunk_worlds))
    deficit = _deficit_rates(res, c, lower, upper, seed, n_obs)
    years = list(range(int(K.SIM_START), int(np.ceil(p.end))))
    h = summaries.year_histograms(res, years, lower=lower, upper=upper)
    share = h.gap_share()
    per_year = []
    for i, y in enumerate(years):
        tot = h.bands[:, i, :].sum(axis=1)
        s = share[:, i][np.isfinite(share[:, i])]
        q = np.quantile(h.bands[:, i, :], [0.05, 0.95], axis=0)
        per_year.append({
            "year": y, "releases_mean": float(tot.mean()),
            **{f"{b}_mean": float(h.bands[:, i, j].mean()) for j, b in enumerate(summaries.BAND_NAMES)},
            **{f"{b}_q05": float(q[0, j]) for j, b in enumerate(summaries.BAND_NAMES)},
            **{f"{b}_q95": float(q[1, j]) for j, b in enumerate(summaries.BAND_NAMES)},
            "share_inside_mean": float(s.mean()) if s.size else None,
            "share_inside_q05": float(np.quantile(s, 0.05)) if s.size else None,
            "share_inside_q95": float(np.quantile(s, 0.95)) if s.size else None,
            "share_competing": float(res.competing[np.floor(res.year) == y].mean()) if (np.floor(res.year) == y).any() else None,
        })
    after = obs_year >= 2023.0
    dens = density.predictive_logpdf(res, (2023.0, 2026.0))
    lp = dens.logpdf(obs_x[after])
    return {
        "name": _name(p), "anchor": p.anchor, "beliefs": p.beliefs, "cost": p.cost,
        "releases": int(len(res)),
        "gap_share": summaries.gap_share(res, float(c.gap_start), float(c.gap_end), lower, upper),
        "per_year": per_year,
        "distance": summaries.count_distance(h, observed_counts),
        "mean_histogram": {"edges": h.edges.tolist(), "years": years, "mean": h.mean().tolist()},
        "log_score_2023_2025": float(np.mean(lp)) if lp.size else None,
        "predicted_inside_mass_2023_2025": dens.mass(np.log10(lower), np.log10(upper)),
        "deficit": deficit,
    }


def run(cfg) -> dict:
    """Simulate every scenario, compare with the observed counts, fit, predict after mid-2022."""
    s = _settings(cfg)
    c = cfg.competition
    lower, upper = float(cfg.gap.lower), float(cfg.gap.upper)
    ds = load_data(cfg)
    t = ds.table[has_domain(ds.table, "Language") & (ds.table["parameters"] > 0)].dropna(subset=["date"])
    obs_year = _fractional_year(t["date"])
    obs_x = np.log10(t["parameters"].to_numpy(dtype=float))
    observed_rows = counts_by_year(t, lower, upper)
    observed_counts = {r["year"]: (r["below"], r["inside"], r["above"]) for r in observed_rows}
    seed = int(rng_for(cfg.seed, "competition").integers(0, 2**62))
    sim_seed = seed % (2**31)  # fit_abc's cache key and SeedSequence take it as is

    # 1. fit the free settings to 2018..mid-2022 (cached on disk by fit_abc), 2. run every scenario
    # with the fitted (posterior-median) settings, 3. predict after mid-2022 from the posterior.
    in_fit = (obs_year >= fit.FIT_PERIODS[0][0]) & (obs_year < fit.FIT_PERIODS[-1][1])
    with step(f"competition: fitting the simulation to {int(in_fit.sum())} models (cached after the first run)"):
        f = fit.fit_abc(obs_year[in_fit], obs_x[in_fit], base=s["base"], n_draws=int(c.fit_draws),
                        worlds_per_draw=int(c.fit_worlds_per_draw), accept=float(c.fit_accept), seed=sim_seed,
                        rounds=int(c.fit_rounds))
    fitted = f.params_for([f.estimate[n] for n in f.names])
    c_obs = int(((obs_year >= float(c.gap_start)) & (obs_year < float(c.gap_end))).sum())
    scenarios, failed = [], []
    bar = Progress(len(s["scenarios"]), "competition: scenarios")
    for p in s["scenarios"]:
        q = dataclasses.replace(fitted, anchor=p.anchor, beliefs=p.beliefs, cost=p.cost)
        try:
            scenarios.append(_scenario(q, seed, cfg, observed_counts, obs_year, obs_x, lower, upper, c_obs))
        except GapstudyError as exc:  # e.g. the cost model cannot price a hardware: say so, keep going
            failed.append({"name": _name(q), "error": str(exc)})
        bar.update()
    note("competition: predicting after mid-2022 from the fitted settings")

    pred = fit.predict(f, n_draws=int(c.predict_draws), worlds_per_draw=int(c.predict_worlds_per_draw), seed=sim_seed + 1)
    years = list(range(int(K.SIM_START), int(np.ceil(fitted.end))))
    pred_h = summaries.year_histograms(pred, years, lower=lower, upper=upper)
    fit_years = {y: v for y, v in observed_counts.items() if 2018 <= y <= 2022}
    post_years = {y: v for y, v in observed_counts.items() if y >= 2023}
    observed_deficit = None
    try:
        from gapstudy.stats import deficit_test

        win = (obs_year >= float(c.gap_start)) & (obs_year < float(c.gap_end))
        if win.sum() >= 10:
            r = deficit_test(obs_x[win], lower, upper, null=str(c.deficit_null), n_sim=int(c.deficit_n_sim),
                             rng=rng_for(cfg.seed, "competition.observed_deficit"))
            observed_deficit = {"n": int(win.sum()), "ratio": r.statistic, "p": r.pvalue, "observed": r.observed,
                                "expected": r.expected}
    except ImportError:
        pass
    prediction = []
    for a, b in PREDICT_PERIODS:
        g = summaries.gap_share(pred, a, b, lower, upper)
        sel = (obs_year >= a) & (obs_year < b)
        d = density.predictive_logpdf(pred, (a, b))
        ob = summaries.band_of(obs_x[sel], lower, upper)
        prediction.append({
            "start": a, "end": b, "observed_n": int(sel.sum()),
            "observed_share_inside": float((ob == 1).mean()) if sel.any() else None,
            "observed_share_above": float((ob == 2).mean()) if sel.any() else None,
            "predicted_share_inside": g["pooled"], "predicted_share_inside_q05": g["q05"],
            "predicted_share_inside_q95": g["q95"], "predicted_releases_per_world": g["releases_per_world"],
            "log_score": float(d.logpdf(obs_x[sel]).mean()) if sel.any() else None,
        })
    fit_years_rows = []
    for y in years:
        i = years.index(y)
        b = pred_h.bands[:, i, :].sum(axis=0).astype(float)
        if y in observed_counts and b.sum() > 0:
            o = np.asarray(observed_counts[y], dtype=float)
            fit_years_rows.append({"year": y, "n": int(o.sum()),
                                   **{f"obs_{k}": float(o[j] / max(o.sum(), 1)) for j, k in enumerate(summaries.BAND_NAMES)},
                                   **{f"sim_{k}": float(b[j] / b.sum()) for j, k in enumerate(summaries.BAND_NAMES)}})
    return {
        "data": ds.provenance_dict(),
        "gap": {"lower": lower, "upper": upper},
        "base_params": dataclasses.asdict(s["base"]),
        "simulation_seed": seed,
        "n_worlds": int(c.n_worlds),
        "observed": observed_rows,
        "scenarios": scenarios,
        "failed_scenarios": failed,
        "observed_deficit": observed_deficit,
        "deficit_window": [float(c.gap_start), float(c.gap_end)],
        "fit": {
            "rounds": f.meta["rounds"], "acceptance": f.meta["acceptance"], "ess": f.meta["ess"],
            "history": f.meta["history"], "settings": dataclasses.asdict(fitted),
            "posterior_shares": fit_years_rows,
            "distance_fit_years": summaries.count_distance(pred_h, fit_years),
            "distance_after": summaries.count_distance(pred_h, post_years),
            "stat_labels": fit.stat_labels(),
            "accepted_stats_median": [None if not np.isfinite(v) else float(v) for v in np.nanmedian(f.meta["accepted_stats"], axis=0)],
            "free": {n: list(f.prior[n]) for n in f.names},
            "estimate": f.estimate, "sd": f.sd, "q05": f.q05, "q95": f.q95, "shrinkage": f.shrinkage(),
            "tolerance": f.tolerance, "n_simulations": f.n_simulations, "n_accepted": int(f.accepted.shape[0]),
            "observed_stats": [None if not np.isfinite(v) else float(v) for v in f.observed_stats],
            "periods": [list(p) for p in fit.FIT_PERIODS], "stats": list(fit.STAT_NAMES) + [fit.TREND_NAME],
        },
        "prediction": prediction,
    }


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


_SCEN_COLS = ["scenario", "share in gap (pooled)", "per-world 5-95%", "worlds with a significant deficit (p<0.05)",
              "median deficit p", "chi2 shares", "chi2 counts", "log score 2023-25"]
_SHARE_COLS = ["year", "observed n", "observed below/inside/above", "fitted model below/inside/above"]
_FIT_COLS = ["setting", "prior", "estimate", "5-95%", "posterior sd / prior sd"]
_PRED_COLS = ["period", "observed n", "observed in gap", "predicted in gap (5-95%)", "observed above", "log score"]


def _scen_rows(r):
    return [[s["name"], _pct(s["gap_share"]["pooled"]), f"{_pct(s['gap_share']['q05'])} - {_pct(s['gap_share']['q95'])}",
             _pct(s["deficit"].get("share_significant")),
             "-" if s["deficit"].get("median_p") is None else f"{s['deficit']['median_p']:.2f}",
             f"{s['distance']['chi2_shares']:.0f}", f"{s['distance']['chi2_counts']:.0f}",
             "-" if s["log_score_2023_2025"] is None else f"{s['log_score_2023_2025']:.2f}"] for s in r["scenarios"]]


def _fit_rows(r):
    f = r["fit"]
    return [[n, f"{f['free'][n][0]:g} - {f['free'][n][1]:g}", f"{f['estimate'][n]:.3g}",
             f"{f['q05'][n]:.3g} - {f['q95'][n]:.3g}", f"{f['shrinkage'][n]:.2f}"] for n in f["free"]]


def _share_rows(r):
    def trio(d, k):
        return "/".join(f"{100 * d[f'{k}_{b}']:.0f}%" for b in ("below", "inside", "above"))
    return [[p["year"], p["n"], trio(p, "obs"), trio(p, "sim")] for p in r["fit"]["posterior_shares"] if p["year"] >= 2018]


def _deficit_text(r) -> str:
    od = r.get("observed_deficit")
    a, b = r["deficit_window"]
    head = (f"gapstudy.stats.deficit_test (null: smooth unimodal KDE) on releases dated {a:g}-{b:g}, each simulated world "
            "subsampled to the observed number of models in that window")
    if od:
        head += (f"; on the data themselves: {od['observed']} of {od['n']} models in the window vs {od['expected']:.1f} "
                 f"expected (ratio {od['ratio']:.2f}, p = {od['p']:.3f})")
    return head


def _pred_rows(r):
    return [[f"{p['start']:g}-{p['end']:g}", p["observed_n"], _pct(p["observed_share_inside"]),
             f"{_pct(p['predicted_share_inside'])} ({_pct(p['predicted_share_inside_q05'])} - {_pct(p['predicted_share_inside_q95'])})",
             _pct(p["observed_share_above"]), "-" if p["log_score"] is None else f"{p['log_score']:.2f}"]
            for p in r["prediction"]]


def _observed_share(r) -> str:
    rows = [o for o in r["observed"] if 2020 <= o["year"] <= 2022]
    n = sum(o["n"] for o in rows)
    return _pct(sum(o["inside"] for o in rows) / n) if n else "-"


def headline(results) -> dict:
    """One row for a sweep's combined report."""
    first = results["scenarios"][0] if results["scenarios"] else None
    row = {"scenario": first["name"] if first else "-",
           "share in gap": first["gap_share"]["pooled"] if first else float("nan")}
    row.update({f"fit {n}": v for n, v in results["fit"]["estimate"].items()})
    return row


def summarize(results) -> str:
    """Findings in words and tables."""
    sc = results["scenarios"]
    on = [s for s in sc if s["anchor"]]
    off = [s for s in sc if not s["anchor"]]
    pairs = [(a, b) for a in on for b in off if a["beliefs"] == b["beliefs"] and a["cost"] == b["cost"]]
    lines = [
        "# Competition with the frontier (hypothesis b)",
        "",
        f"Simulated {len(sc)} scenarios x {results['n_worlds']} worlds "
        f"(labs compete by building the cheapest model that beats the best so far, or build for their own use).",
        f"Observed share of language models in the gap, 2020-2022: {_observed_share(results)}.",
        "",
    ]
    for a, b in pairs:
        d = a["gap_share"]["pooled"] - b["gap_share"]["pooled"]
        lines.append(f"- GPT-3 anchor ({a['beliefs']}, {a['cost']} cost): share in gap {_pct(a['gap_share']['pooled'])} with the jump vs "
                     f"{_pct(b['gap_share']['pooled'])} without ({'lower' if d < 0 else 'higher'} by {abs(100 * d):.1f} points).")
    for f in results["failed_scenarios"]:
        lines.append(f"- {f['name']}: not run ({f['error']})")
    f = results["fit"]
    fy, fa = f["distance_fit_years"], f["distance_after"]
    lines += ["", f"Deficit test: {_deficit_text(results)}.", "",
              "Scenarios use the fitted (posterior-median) settings below, switching only the anchor, beliefs and cost.", "",
              md_table(_SCEN_COLS, _scen_rows(results)), "",
              "## Fit to 2018..mid-2022 (ABC population Monte Carlo)", "",
              f"{f['n_simulations']} simulated worlds in {f['rounds']} generation(s); {f['n_accepted']} kept per generation "
              f"(acceptance {_pct(f['acceptance'])}), effective sample size {f['ess']:.0f}; final tolerance {f['tolerance']:.2f} "
              f"(distance over {len(f['stat_labels'])} standardized statistics: per period share in/above the window, "
              "25/50/75/90th percentiles, and the trend slope). Posterior sd / prior sd near 1: the data say little about that setting.", "",
              md_table(_FIT_COLS, _fit_rows(results)), "",
              f"Posterior predictive composition per year (fitted model, {results['n_worlds']}-world scale) vs observed: "
              f"chi2 over shares {fy['chi2_shares']:.0f} on {fy['cells']} cells in 2018-2022, {fa['chi2_shares']:.0f} on "
              f"{fa['cells']} cells from 2023.", "",
              md_table(_SHARE_COLS, _share_rows(results)), "",
              "## Out of sample: prediction after mid-2022 vs what was released", "",
              md_table(_PRED_COLS, _pred_rows(results)), ""]
    return "\n".join(lines)


def sections(results) -> list[Section]:
    """Share in the gap per year with bands, size distribution per year, fit and prediction tables."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for s in results["scenarios"]:
        yrs = [p["year"] for p in s["per_year"]]
        fig.add_trace(go.Scatter(x=yrs, y=[p["share_inside_mean"] for p in s["per_year"]], mode="lines", name=s["name"],
                                 error_y={"type": "data", "symmetric": False,
                                          "array": [(p["share_inside_q95"] or 0) - (p["share_inside_mean"] or 0) for p in s["per_year"]],
                                          "arrayminus": [(p["share_inside_mean"] or 0) - (p["share_inside_q05"] or 0) for p in s["per_year"]]}))
    obs = [o for o in results["observed"] if o["n"] > 0 and o["year"] >= 2017]
    fig.add_trace(go.Scatter(x=[o["year"] for o in obs], y=[o["inside"] / o["n"] for o in obs], mode="markers",
                             name="observed", marker={"size": 10, "color": "black"}))
    fig.update_layout(title="Share of releases in the gap window per year (bars: 5-95% of worlds)",
                      xaxis_title="year", yaxis_title="share in gap")
    figs = [fig]
    if results["scenarios"]:
        s = results["scenarios"][0]
        h = s["mean_histogram"]
        centers = 0.5 * (np.array(h["edges"][1:]) + np.array(h["edges"][:-1]))
        fig2 = go.Figure()
        for i, y in enumerate(h["years"]):
            if y >= 2019:
                fig2.add_trace(go.Scatter(x=centers.tolist(), y=h["mean"][i], mode="lines", name=str(y)))
        lo, hi = np.log10(results["gap"]["lower"]), np.log10(results["gap"]["upper"])
        fig2.add_vrect(x0=lo, x1=hi, fillcolor="grey", opacity=0.15, line_width=0)
        fig2.update_layout(title=f"Mean releases per size bin and year ({s['name']})", xaxis_title="log10 parameters",
                           yaxis_title="releases per world")
        figs.append(fig2)
    return [
        Section("Scenarios", text=[f"Deficit test: {_deficit_text(results)}.",
                                   "Scenarios use the fitted settings, switching only the anchor, beliefs and cost."], figures=figs,
                tables=[Table(_SCEN_COLS, _scen_rows(results))]),
        Section("Fit to 2018..mid-2022", tables=[Table(_FIT_COLS, _fit_rows(results)), Table(_SHARE_COLS, _share_rows(results))]),
        Section("Prediction after mid-2022", tables=[Table(_PRED_COLS, _pred_rows(results))]),
    ]
