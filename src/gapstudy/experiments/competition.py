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


def _deficit_note() -> str:
    try:
        from gapstudy.stats import deficit_test  # noqa: F401
    except ImportError:
        return "gapstudy.stats.deficit_test is not available yet; deficit rates not computed"
    return "gapstudy.stats.deficit_test exists but is not wired in yet; deficit rates not computed"


def _scenario(p, seed, cfg, observed_counts, obs_year, obs_x, lower, upper) -> dict:
    c = cfg.competition
    res = simulate(p, n_worlds=int(c.n_worlds), seed=seed, chunk_worlds=int(c.chunk_worlds))
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

    scenarios, failed = [], []
    for p in s["scenarios"]:
        try:
            scenarios.append(_scenario(p, seed, cfg, observed_counts, obs_year, obs_x, lower, upper))
        except GapstudyError as exc:  # e.g. the cost model cannot price a hardware: say so, keep going
            failed.append({"name": _name(p), "error": str(exc)})

    in_fit = (obs_year >= fit.FIT_PERIODS[0][0]) & (obs_year < fit.FIT_PERIODS[-1][1])
    f = fit.fit_abc(obs_year[in_fit], obs_x[in_fit], base=s["base"], n_draws=int(c.fit_draws),
                    worlds_per_draw=int(c.fit_worlds_per_draw), accept=float(c.fit_accept), seed=seed)
    pred = fit.predict(f, n_draws=int(c.predict_draws), worlds_per_draw=int(c.predict_worlds_per_draw), seed=seed + 1)
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
    return {
        "data": ds.provenance_dict(),
        "gap": {"lower": lower, "upper": upper},
        "base_params": dataclasses.asdict(s["base"]),
        "simulation_seed": seed,
        "n_worlds": int(c.n_worlds),
        "observed": observed_rows,
        "scenarios": scenarios,
        "failed_scenarios": failed,
        "deficit_test": _deficit_note(),
        "fit": {
            "free": {n: list(f.prior[n]) for n in f.names},
            "estimate": f.estimate, "sd": f.sd, "q05": f.q05, "q95": f.q95, "shrinkage": f.shrinkage(),
            "tolerance": f.tolerance, "n_simulations": f.n_simulations, "n_accepted": int(f.accepted.shape[0]),
            "observed_stats": [None if not np.isfinite(v) else float(v) for v in f.observed_stats],
            "periods": [list(p) for p in fit.FIT_PERIODS], "stats": list(fit.STAT_NAMES),
        },
        "prediction": prediction,
    }


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


_SCEN_COLS = ["scenario", "share in gap (pooled)", "per-world 5-95%", "chi2 shares", "chi2 counts", "log score 2023-25"]
_FIT_COLS = ["setting", "prior", "estimate", "5-95%", "posterior sd / prior sd"]
_PRED_COLS = ["period", "observed n", "observed in gap", "predicted in gap (5-95%)", "observed above", "log score"]


def _scen_rows(r):
    return [[s["name"], _pct(s["gap_share"]["pooled"]), f"{_pct(s['gap_share']['q05'])} - {_pct(s['gap_share']['q95'])}",
             f"{s['distance']['chi2_shares']:.0f}", f"{s['distance']['chi2_counts']:.0f}",
             "-" if s["log_score_2023_2025"] is None else f"{s['log_score_2023_2025']:.2f}"] for s in r["scenarios"]]


def _fit_rows(r):
    f = r["fit"]
    return [[n, f"{f['free'][n][0]:g} - {f['free'][n][1]:g}", f"{f['estimate'][n]:.3g}",
             f"{f['q05'][n]:.3g} - {f['q95'][n]:.3g}", f"{f['shrinkage'][n]:.2f}"] for n in f["free"]]


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
    lines += ["", f"Deficit test: {results['deficit_test']}.", "", md_table(_SCEN_COLS, _scen_rows(results)), "",
              "## Fit to 2018..mid-2022 (ABC rejection)", "",
              f"{results['fit']['n_accepted']} of {results['fit']['n_simulations']} simulated worlds accepted "
              "(posterior sd / prior sd near 1: the data say little about that setting).", "",
              md_table(_FIT_COLS, _fit_rows(results)), "",
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
        Section("Scenarios", text=[f"Deficit test: {results['deficit_test']}."], figures=figs,
                tables=[Table(_SCEN_COLS, _scen_rows(results))]),
        Section("Fit to 2018..mid-2022", tables=[Table(_FIT_COLS, _fit_rows(results))]),
        Section("Prediction after mid-2022", tables=[Table(_PRED_COLS, _pred_rows(results))]),
    ]
