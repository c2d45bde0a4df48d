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
from gapstudy.report.units import log10_axis
from gapstudy.seeding import rng_for

PREDICT_PERIODS = ((2022.5, 2023.0), (2023.0, 2024.0), (2024.0, 2025.0), (2025.0, 2026.0))  # after the paper's data
PPC_QUANTILES = (0.05, 0.95)  # per-year posterior predictive band: a year "fits" when the observed count lies inside


def match_release_rates(base: CompetitionParams, obs_year: np.ndarray) -> tuple[CompetitionParams, dict]:
    """Scale the simulated release rates to the data compared with: a Poisson log-linear fit of the
    observed models per calendar year (first full year to the last full year) gives the level at 2017
    and the yearly growth; the per-kind rates keep their ratios. Returns the new settings and the fit."""
    from scipy import optimize

    years = np.floor(obs_year).astype(int)
    last_full = int(np.floor(obs_year.max())) - 1  # the newest year is usually partial
    yrs = np.arange(max(int(K.SIM_START), int(years.min())), last_full + 1)
    counts = np.array([(years == y).sum() for y in yrs], float)
    if yrs.size < 2 or counts.sum() < 10:
        return base, {"matched": False, "reason": "fewer than two full years or ten models"}
    x = yrs - K.SIM_START

    def negll(th):
        eta = th[0] + th[1] * x
        return float(np.sum(np.exp(eta) - counts * eta))

    res = optimize.minimize(negll, np.array([np.log(max(counts.mean(), 1.0)), 0.3]), method="BFGS")
    level, growth = float(np.exp(res.x[0])), float(np.exp(res.x[1]))
    from gapstudy.competition import labs

    per_year_now = 12.0 * float(np.sum(labs.kind_counts(base) * np.asarray(base.release_rate)))
    scale = level / per_year_now
    new = dataclasses.replace(base, release_rate=tuple(float(r * scale) for r in base.release_rate), release_rate_growth=growth)
    return new, {"matched": True, "years": [int(yrs[0]), int(yrs[-1])], "observed_per_year": counts.tolist(),
                 "fitted_per_year_2017": level, "growth_per_year": growth, "scale": scale}


def h2_likelihood(table, obs_year, obs_x, lower, upper, seed) -> dict:
    """H2 as a likelihood model (gapstudy.hypotheses.competition) on the same rows, beside H0:
    parameters, scores, expected per-year composition and the counterfactual without GPT-3."""
    from gapstudy import hypotheses as H
    from gapstudy.hypotheses.competition import counterfactual_without_gpt3
    from gapstudy.hypotheses.frontier import frontier_from_table

    fr = frontier_from_table(table)
    fits = {}
    for name, opts in (("H0", {}), ("H2", {"frontier": fr})):
        h = H.create(name, **opts).fit(obs_year, obs_x, rng=rng_for(seed, "competition.h2", name))
        fits[name] = h
    h2 = fits["H2"]
    lo, hi = np.log10(lower), np.log10(upper)
    scores = {k: H.in_sample(h, obs_year, obs_x) for k, h in fits.items()}
    yearly = H.yearly_counts(h2, obs_year, obs_x, lo, hi)
    y0 = H.yearly_counts(fits["H0"], obs_year, obs_x, lo, hi)
    for r, r0 in zip(yearly, y0):
        r.update({f"h0_{k}": r0[k] for k in ("exp_below", "exp_inside", "exp_above")})
    cf = counterfactual_without_gpt3(h2, obs_year, lo, hi)
    return {"params": h2.params(), "notes": list(h2.notes), "scores": {k: {kk: (int(v) if kk in ("k", "n", "floored") else float(v)) for kk, v in d.items()} for k, d in scores.items()},
            "lag_profile": h2.lag_profile, "yearly": yearly, "counterfactual": cf,
            "frontier": {"records": int(fr.dates.size), "measured_compute": fr.n_measured}}


def yearly_ppc(pred, obs_year, obs_x, lower, upper, seed) -> list[dict]:
    """Posterior predictive check per calendar year: each predicted world's share below/inside/above
    the window, turned into counts for the observed number of models that year (binomial draws), and
    whether the observed counts fall inside the central PPC_QUANTILES band of those counts."""
    rng = rng_for(seed, "competition.ppc")
    b_all = summaries.band_of(pred.log10_params, lower, upper)
    yr_all = np.floor(pred.year).astype(int)
    w_all = pred.world - pred.world_offset
    ob = summaries.band_of(obs_x, lower, upper)
    oy = np.floor(obs_year).astype(int)
    rows = []
    for y in np.unique(oy):
        sel = (yr_all == y) & (pred.kind != 3)
        n = int((oy == y).sum())
        tot = np.bincount(w_all[sel], minlength=pred.n_worlds).astype(float)
        ok = tot > 0
        if not ok.any() or n == 0:
            continue
        row = {"year": int(y), "n": n}
        verdict = []
        for j, name in enumerate(summaries.BAND_NAMES):
            share = np.bincount(w_all[sel], weights=b_all[sel] == j, minlength=pred.n_worlds)[ok] / tot[ok]
            sims = rng.binomial(n, share)
            q = np.quantile(sims, PPC_QUANTILES)
            o = int((ob[oy == y] == j).sum())
            row.update({f"obs_{name}": o, f"sim_{name}_q05": float(q[0]), f"sim_{name}_q95": float(q[1]),
                        f"p_{name}_low": float((sims <= o).mean()), f"p_{name}_high": float((sims >= o).mean())})
            if o < q[0]:
                verdict.append(f"too few {name}")
            elif o > q[1]:
                verdict.append(f"too many {name}")
        row["verdict"] = "fits" if not verdict else "observed " + ", ".join(verdict)
        rows.append(row)
    return rows


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
    sens = c.get("deploy_sensitivity")
    sens = OmegaConf.to_container(sens, resolve=True) if OmegaConf.is_config(sens) else sens
    deploy = {}
    if sens is not None and not isinstance(sens, dict):
        raise GapstudyError(f"competition.deploy_sensitivity={sens!r} is invalid; give named share vectors, e.g. "
                            "{even: [0.25, 0.25, 0.25, 0.25]}, or null to skip")
    for label, v in (sens or {}).items():
        if not isinstance(v, (list, tuple)):
            raise GapstudyError(f"competition.deploy_sensitivity.{label}={v!r} is invalid; give a list of "
                                f"{len(K.DEPLOY_DEVICE_PROBS)} shares, e.g. [0.7, 0.1, 0.1, 0.1, 0.0]")
        deploy[str(label)] = dataclasses.replace(base, deploy_device_probs=tuple(v)).deploy_device_probs  # validates
    scenarios = []
    for a, b, k in itertools.product(list(c.anchors), list(c.beliefs), list(c.costs)):
        scenarios.append(dataclasses.replace(base, anchor=bool(a), beliefs=str(b), cost=str(k)))  # validates each
    if not scenarios:
        raise GapstudyError("competition.anchors, beliefs and costs must each list at least one value")
    return {"base": base, "scenarios": scenarios, "deploy": deploy}


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
    by_width = _log_scores_by_width(res, (2023.0, 2026.0), obs_x[after], dens)
    return {
        "name": _name(p), "anchor": p.anchor, "beliefs": p.beliefs, "cost": p.cost,
        "releases": int(len(res)),
        "gap_share": summaries.gap_share(res, float(c.gap_start), float(c.gap_end), lower, upper),
        "per_year": per_year,
        "distance": summaries.count_distance(h, observed_counts),
        "mean_histogram": {"edges": h.edges.tolist(), "years": years, "mean": h.mean().tolist()},
        "log_score_2023_2025": float(np.mean(lp)) if lp.size else None,
        "log_score_2023_2025_by_width": by_width,
        "predicted_inside_mass_2023_2025": dens.mass(np.log10(lower), np.log10(upper)),
        "deficit": deficit,
        # cost=costmodel: the chips each year's months were priced on and the software year (technique history)
        "pricing": None if res.meta.get("pricing_by_year") is None else {
            str(y): v for y, v in res.meta["pricing_by_year"].items()},
    }


def _fit_check(f, pred, ppc, observed_counts, obs_year, obs_x, lower, upper, c, seed) -> dict:
    """What a fitted simulation says, in the numbers deploy_sensitivity compares: the fit's key
    estimates and tolerance, the per-year posterior predictive verdicts and chi2, the predicted share
    in the window after mid-2022 against the observed one, and the GPT-3 anchor's effect on the share
    in the window 2020-2022 (scenario beliefs=switch, cost=simple, anchor on vs off)."""
    fitted = f.params_for([f.estimate[n] for n in f.names])
    years = list(range(int(K.SIM_START), int(np.ceil(fitted.end))))
    pred_h = summaries.year_histograms(pred, years, lower=lower, upper=upper)
    dist = {k: summaries.count_distance(pred_h, {y: v for y, v in observed_counts.items() if keep(y)})["chi2_shares"]
            for k, keep in (("chi2_fit_years", lambda y: 2018 <= y <= 2022), ("chi2_after", lambda y: y >= 2023))}
    after = (obs_year >= 2023.0) & (obs_year < 2026.0)
    anchor = {}
    for on in (True, False):
        q = dataclasses.replace(fitted, anchor=on, beliefs="switch", cost="simple")
        res = simulate(q, n_worlds=int(c.n_worlds), seed=seed % (2**31), chunk_worlds=int(c.chunk_worlds))
        anchor["on" if on else "off"] = summaries.gap_share(res, float(c.gap_start), float(c.gap_end), lower, upper)["pooled"]
    return {
        "estimate": dict(f.estimate), "shrinkage": f.shrinkage(), "tolerance": f.tolerance,
        "fits": [p["year"] for p in ppc if p["year"] >= 2018 and p["verdict"] == "fits"],
        "misfits": {str(p["year"]): p["verdict"] for p in ppc if p["year"] >= 2018 and p["verdict"] != "fits"},
        **dist,
        "predicted_inside_2023_2026": summaries.gap_share(pred, 2023.0, 2026.0, lower, upper)["pooled"],
        "observed_inside_2023_2026": float((summaries.band_of(obs_x[after], lower, upper) == 1).mean()) if after.any() else None,
        "share_inside_gap_window": {"anchor_on": anchor["on"], "anchor_off": anchor["off"]},
    }


def deploy_sensitivity(s, c, obs_year, obs_x, in_fit, observed_counts, lower, upper, sim_seed, seed, cfg_seed,
                       default) -> list[dict]:
    """Refit and recheck the simulation under each share vector of competition.deploy_sensitivity
    (the deployment targets' shares have no source). The default vector comes first, with the main run's
    fit, prediction and checks (`default` = (fit, prediction, ppc): the same call would redo them)."""
    rows = []
    vectors = {"default (assumption)": s["base"].deploy_device_probs, **s["deploy"]}
    bar = Progress(len(vectors), "competition: deployment-share sensitivity")
    for i, (label, probs) in enumerate(vectors.items()):
        if i == 0:
            f, pred, ppc = default
        else:
            base = dataclasses.replace(s["base"], deploy_device_probs=tuple(float(x) for x in probs))
            f = fit.fit_abc(obs_year[in_fit], obs_x[in_fit], base=base, n_draws=int(c.fit_draws),
                            worlds_per_draw=int(c.fit_worlds_per_draw), accept=float(c.fit_accept), seed=sim_seed,
                            rounds=int(c.fit_rounds))
            pred = fit.predict(f, n_draws=int(c.predict_draws), worlds_per_draw=int(c.predict_worlds_per_draw), seed=sim_seed + 1)
            ppc = yearly_ppc(pred, obs_year, obs_x, lower, upper, cfg_seed)
        rows.append({"label": label, "deploy_device_probs": [float(x) for x in probs],
                     **_fit_check(f, pred, ppc, observed_counts, obs_year, obs_x, lower, upper, c, seed)})
        bar.update()
    return rows


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
    rates = {"matched": False, "reason": "competition.match_release_rates=false"}
    if bool(c.match_release_rates):
        base, rates = match_release_rates(s["base"], obs_year)
        s["base"] = base

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
    ppc = yearly_ppc(pred, obs_year, obs_x, lower, upper, cfg.seed)
    h2 = h2_likelihood(t, obs_year, obs_x, lower, upper, cfg.seed) if bool(c.h2_likelihood) else None
    sensitivity = (deploy_sensitivity(s, c, obs_year, obs_x, in_fit, observed_counts, lower, upper, sim_seed, seed, cfg.seed,
                                      default=(f, pred, ppc)) if s["deploy"] else None)
    years = list(range(int(K.SIM_START), int(np.ceil(fitted.end))))
    pred_h = summaries.year_histograms(pred, years, lower=lower, upper=upper)
    fit_years = {y: v for y, v in observed_counts.items() if 2018 <= y <= 2022}
    post_years = {y: v for y, v in observed_counts.items() if y >= 2023}
    observed_deficit = None
    try:
        from gapstudy.stats import deficit_test

        win = (obs_year >= float(c.gap_start)) & (obs_year < float(c.gap_end))
        if win.sum() >= 10:
            r = deficit_test(obs_x[win], lower, upper, null=str(c.deficit_null), n_sim=int(c.deficit_n_sim), jitter="log10",
                             rng=rng_for(cfg.seed, "competition.observed_deficit"))
            observed_deficit = {"n": int(win.sum()), "ratio": r.statistic, "p": r.pvalue, "observed": r.observed,
                                "expected": r.expected}
    except ImportError:
        pass
    # H0 fitted to the rows the simulation was fitted to (2018..mid-2022), scored on the same later rows as the
    # simulation's predictive density: a likelihood model with no smoothing, the benchmark of the log scores
    from gapstudy import hypotheses as H

    h0_pre = H.create("H0").fit(obs_year[in_fit], obs_x[in_fit], rng=rng_for(cfg.seed, "competition.h0_pre"))
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
            "log_score_by_width": _log_scores_by_width(pred, (a, b), obs_x[sel], d),
            "h0_log_score": float(h0_pre.logpdf(obs_x[sel], obs_year[sel]).mean()) if sel.any() else None,
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
        "smoothing": smoothing_effect(scenarios, prediction, h0_pre, obs_year, obs_x),
        "release_rates": rates,
        "ppc_per_year": ppc,
        "h2_likelihood": h2,
        "deploy_sensitivity": sensitivity,
    }


def _log_scores_by_width(result, years, x, dens) -> dict:
    """Mean log density of `x` under the simulated density of `years` at each width of density.SMOOTHING_WIDTHS ({} for
    no x); `dens`, the density at the rule's width (density.BANDWIDTH), is reused rather than built again."""
    if not x.size:
        return {}
    return {f"{w:g}": float((dens if w == density.BANDWIDTH else density.predictive_logpdf(result, years, bandwidth=w))
                            .logpdf(x).mean()) for w in density.SMOOTHING_WIDTHS}


def smoothing_effect(scenarios: list[dict], prediction: list[dict], h0, obs_year, obs_x) -> dict:
    """The smoothing rule of the simulated density (gapstudy.competition.density.BANDWIDTH) and its effect: at each
    width of density.SMOOTHING_WIDTHS, the best scenario by its 2023-25 log score, how many anchor on/off pairs the
    GPT-3 anchor wins, and per prediction period whether the simulation's log score beats H0's (fitted to the same
    2018..mid-2022 rows, no smoothing); then which of these conclusions differ between widths."""
    widths = [f"{w:g}" for w in density.SMOOTHING_WIDTHS]
    after = obs_year >= 2023.0
    h0_after = float(h0.logpdf(obs_x[after], obs_year[after]).mean()) if after.any() else None
    on = [s for s in scenarios if s["anchor"]]
    pairs = [(a, b) for a in on for b in scenarios if not b["anchor"] and a["beliefs"] == b["beliefs"] and a["cost"] == b["cost"]]
    per = {}
    for w in widths:
        sc = {s["name"]: s["log_score_2023_2025_by_width"].get(w) for s in scenarios if s["log_score_2023_2025_by_width"]}
        best = max(sc, key=sc.get) if sc else None
        anchor_wins = sum(a["log_score_2023_2025_by_width"][w] > b["log_score_2023_2025_by_width"][w] for a, b in pairs
                          if a["log_score_2023_2025_by_width"] and b["log_score_2023_2025_by_width"])
        beats = [f"{p['start']:g}-{p['end']:g}" for p in prediction
                 if p["log_score_by_width"] and p["h0_log_score"] is not None and p["log_score_by_width"][w] > p["h0_log_score"]]
        scen_beats = sorted(n for n, v in sc.items() if h0_after is not None and v > h0_after)
        per[w] = {"best_scenario": best, "best_log_score": sc.get(best), "anchor_better_pairs": int(anchor_wins),
                  "pairs": len(pairs), "periods_simulation_beats_h0": beats, "scenarios_beating_h0_2023_2025": scen_beats,
                  "scenario_spread": (max(sc.values()) - min(sc.values())) if sc else None}
    changes = []
    for key, what in (("best_scenario", "the best scenario by its 2023-25 log score"),
                      ("anchor_better_pairs", "how many anchor on/off pairs the GPT-3 anchor wins on the 2023-25 log score"),
                      ("periods_simulation_beats_h0", "the prediction periods where the simulation's log score beats H0's"),
                      ("scenarios_beating_h0_2023_2025", "the scenarios whose 2023-25 log score beats H0's")):
        vals = [per[w][key] for w in widths]
        if any(v != vals[0] for v in vals):
            changes.append({"conclusion": what, "by_width": dict(zip(widths, vals))})
    return {"rule": f"one fixed Gaussian smoothing width for every log score of the simulated density, {density.BANDWIDTH:g} dex "
                    "(the spacing of the round sizes reported models cluster on, which the simulation does not model); "
                    "effect reported at the width halved and doubled",
            "default": float(density.BANDWIDTH), "widths": [float(w) for w in density.SMOOTHING_WIDTHS],
            "h0_log_score_2023_2025": h0_after, "h0_fit": "H0 fitted to the models dated 2018..mid-2022 (the simulation's fit rows)",
            "per_width": per, "changes": changes}


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


_PPC_COLS = ["year", "observed n", "observed below/inside/above", "simulated 5-95% below", "inside", "above", "verdict"]
_H2_COLS = ["year", "n", "observed inside", "H2 expected inside", "H0 expected inside", "observed above", "H2 expected above",
            "H2 inside without GPT-3", "H2 above without GPT-3"]


def _ppc_rows(r):
    out = []
    for p in r.get("ppc_per_year") or []:
        if p["year"] < 2018:
            continue
        band = lambda k: f"{p[f'sim_{k}_q05']:.0f}-{p[f'sim_{k}_q95']:.0f}"  # noqa: E731
        out.append([p["year"], p["n"], f"{p['obs_below']}/{p['obs_inside']}/{p['obs_above']}", band("below"), band("inside"),
                    band("above"), p["verdict"]])
    return out


def _ppc_text(r) -> list[str]:
    rows = [p for p in (r.get("ppc_per_year") or []) if p["year"] >= 2018]
    if not rows:
        return []
    good = [str(p["year"]) for p in rows if p["verdict"] == "fits"]
    bad = [f"{p['year']} ({p['verdict']})" for p in rows if p["verdict"] != "fits"]
    return [f"Where the fitted simulation fits (observed counts inside its 5-95% posterior predictive band for that year's n): "
            f"{', '.join(good) or 'no year'}. Where it does not: {'; '.join(bad) or 'none'}."]


def _h2_rows(r):
    h = r.get("h2_likelihood")
    if not h:
        return []
    cf = {c["year"]: c for c in h["counterfactual"]}
    out = []
    for y in h["yearly"]:
        c = cf.get(y["year"], {})
        out.append([y["year"], y["n"], y["inside"], f"{y['exp_inside']:.1f}", f"{y['h0_exp_inside']:.1f}", y["above"],
                    f"{y['exp_above']:.1f}", f"{c.get('without_gpt3_inside', float('nan')) * y['n']:.1f}",
                    f"{c.get('without_gpt3_above', float('nan')) * y['n']:.1f}"])
    return out


def _h2_text(r) -> list[str]:
    h = r.get("h2_likelihood")
    if not h:
        return []
    p, sc = h["params"], h["scores"]
    d_bic = sc["H2"]["bic"] - sc["H0"]["bic"]
    if d_bic < -10:
        word = "very strong evidence for H2"
    elif d_bic < -6:
        word = "strong evidence for H2"
    elif d_bic < -2:
        word = "positive evidence for H2"
    elif d_bic <= 2:
        word = "no clear evidence either way"
    elif d_bic <= 6:
        word = "positive evidence for H0"
    elif d_bic <= 10:
        word = "strong evidence for H0"
    else:
        word = "very strong evidence for H0"
    return [
        f"H2 as a likelihood model (each model a trend follower or a competitor of the frontier seen {p['lag_months']:g} months "
        f"earlier; frontier from {h['frontier']['records']} records, {h['frontier']['measured_compute']} with measured training "
        f"compute): log-likelihood {sc['H2']['loglik']:.1f} with k = {sc['H2']['k']} vs H0's {sc['H0']['loglik']:.1f} with "
        f"k = {sc['H0']['k']}; BIC difference H2 - H0 = {d_bic:+.1f} ({word}; Kass and Raftery's scale: 2, 6, 10).",
        f"Fitted: share of competitors {100 * p['share_at_gpt3']:.0f}% at GPT-3, {100 * p['share_two_years_after']:.0f}% two years "
        f"later; competitors spend 10^{p['margin_log10_compute']:.2f} times the lagged frontier's compute, spread "
        f"{p['competitor_spread_dex']:.2f} dex.",
        "Counterfactual without GPT-3's jump: GPT-3's record removed from the frontier, every fitted parameter kept "
        "(later records, which may themselves be replies to GPT-3, stay); columns 'without GPT-3' below.",
    ] + [f"Note: {n}" for n in h["notes"]]


def _rates_text(r) -> str:
    m = r.get("release_rates") or {}
    if not m.get("matched"):
        return f"Release rates as configured ({m.get('reason', 'not matched')})."
    return (f"Release rates matched to the data compared with: {m['fitted_per_year_2017']:.1f} models in 2017 growing "
            f"x{m['growth_per_year']:.2f} per year (Poisson fit to the observed models per year {m['years'][0]}-{m['years'][1]}).")


_SENS_COLS = ["deployment shares (1/2/4/8 per replica/consumer card)", "fit tolerance", "own_share_median", "compete_prob[0]",
              "chi2 shares 2018-22 / from 2023", "years that fit", "years that do not", "in window 2020-22.5, GPT-3 on / off",
              "predicted in window 2023-25"]


def _sens_rows(r):
    out = []
    for v in r.get("deploy_sensitivity") or []:
        g = v["share_inside_gap_window"]
        out.append([f"{v['label']}: {'/'.join(f'{x:g}' for x in v['deploy_device_probs'])}", f"{v['tolerance']:.2f}",
                    f"{v['estimate'].get('own_share_median', float('nan')):.3g}",
                    f"{v['estimate'].get('compete_prob[0]', float('nan')):.3g}",
                    f"{v['chi2_fit_years']:.0f} / {v['chi2_after']:.0f}", ", ".join(map(str, v["fits"])) or "none",
                    ", ".join(v["misfits"]) or "none", f"{_pct(g['anchor_on'])} / {_pct(g['anchor_off'])}",
                    f"{_pct(v['predicted_inside_2023_2026'])} (observed {_pct(v['observed_inside_2023_2026'])})"])
    return out


def _sens_text(r) -> list[str]:
    rows = r.get("deploy_sensitivity") or []
    if not rows:
        return []
    n = len(rows)
    lower = [v for v in rows if v["share_inside_gap_window"]["anchor_on"] < v["share_inside_gap_window"]["anchor_off"]]
    d = [100 * (v["share_inside_gap_window"]["anchor_off"] - v["share_inside_gap_window"]["anchor_on"]) for v in rows]
    years = sorted({y for v in rows for y in v["fits"]} | {int(y) for v in rows for y in v["misfits"]})
    always = [y for y in years if all(y in v["fits"] for v in rows)]
    never = [y for y in years if all(str(y) in v["misfits"] for v in rows)]
    mixed = [y for y in years if y not in always and y not in never]
    over = [v for v in rows if v["observed_inside_2023_2026"] is not None
            and v["predicted_inside_2023_2026"] > v["observed_inside_2023_2026"]]
    return [
        "No public source found gives the shares of own-use models served on 1, 2, 4 or 8 data-centre accelerators per "
        "replica or on one consumer card with 4-bit weights (the targets and the sizing rule are sourced in "
        "gapstudy.competition.constants), so the simulation is refitted "
        "under each share vector below and checked again. H2 as a likelihood model does not use the simulation: its "
        "comparison with H0 is the same under every vector.",
        f"GPT-3's jump lowers the share in the window 2020-2022.5 under {len(lower)} of {n} vectors "
        f"(by {min(d):.1f} to {max(d):.1f} points).",
        f"Years the fitted simulation fits under every vector: {', '.join(map(str, always)) or 'none'}; fails under every "
        f"vector: {', '.join(map(str, never)) or 'none'}; depends on the vector: {', '.join(map(str, mixed)) or 'none'}.",
        f"The share in the window 2023-2025 is over-predicted under {len(over)} of {n} vectors.",
    ]


def _smoothing_text(r) -> list[str]:
    sm = r.get("smoothing")
    if not sm:
        return []
    ws = [f"{w:g}" for w in sm["widths"]]
    per = sm["per_width"]
    out = [f"Rule: {sm['rule']} (gapstudy.competition.density.BANDWIDTH). Every log score above uses {sm['default']:g} dex; "
           f"below, the same scores at {', '.join(ws)} dex, beside H0 ({sm['h0_fit']}; a likelihood, no smoothing). "
           "H2 as a likelihood model is not smoothed: its BIC comparison with H0 is the same at every width."]
    for w in ws:
        p = per[w]
        out.append(f"- {w} dex: best scenario {p['best_scenario']} ({p['best_log_score']:.3f}); the GPT-3 anchor scores better in "
                   f"{p['anchor_better_pairs']} of {p['pairs']} on/off pairs; the simulation beats H0 in the periods "
                   f"{', '.join(p['periods_simulation_beats_h0']) or 'none'}; scenarios beating H0 on 2023-25: "
                   f"{len(p['scenarios_beating_h0_2023_2025'])} of {len(r['scenarios'])}.")
    if sm["changes"]:
        def value(v):
            return (", ".join(v) or "none") if isinstance(v, list) else str(v)

        out.append("Conclusions that change with the width: " + "; ".join(
            c["conclusion"] + " (" + ", ".join(f"{w} dex: {value(v)}" for w, v in c["by_width"].items()) + ")"
            for c in sm["changes"]) + ".")
    else:
        out.append(f"No conclusion above changes between {ws[0]} and {ws[-1]} dex; only the log scores' levels move.")
    return out


def _smoothing_rows(r):
    sm = r.get("smoothing")
    if not sm:
        return [], []
    ws = [f"{w:g}" for w in sm["widths"]]
    scen = [[s["name"], *(f"{s['log_score_2023_2025_by_width'][w]:.3f}" if s["log_score_2023_2025_by_width"] else "-" for w in ws)]
            for s in r["scenarios"]]
    h0 = sm["h0_log_score_2023_2025"]
    scen.append(["H0 fitted to 2018..mid-2022 (no smoothing)", *(["-" if h0 is None else f"{h0:.3f}"] * len(ws))])
    per = [[f"{p['start']:g}-{p['end']:g}", p["observed_n"], "-" if p["h0_log_score"] is None else f"{p['h0_log_score']:.3f}",
            *(f"{p['log_score_by_width'][w]:.3f}" if p["log_score_by_width"] else "-" for w in ws)] for p in r["prediction"]]
    return scen, per


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
              "Posterior predictive check per year (each predicted world's composition, as counts for the observed n):", "",
              *_ppc_text(results), "",
              md_table(_PPC_COLS, _ppc_rows(results)), "",
              "## Out of sample: prediction after mid-2022 vs what was released", "",
              md_table(_PRED_COLS, _pred_rows(results)), ""]
    if results.get("smoothing"):
        ws = [f"{w:g} dex" for w in results["smoothing"]["widths"]]
        scen, per = _smoothing_rows(results)
        lines += ["## Smoothing width of the simulated density", "", *_smoothing_text(results), "",
                  "Log score 2023-25 (mean log density per model, nats) by smoothing width:", "",
                  md_table(["scenario", *ws], scen), "",
                  "Prediction after mid-2022 (posterior), log score by smoothing width:", "",
                  md_table(["period", "observed n", "H0 (no smoothing)", *[f"simulation {w}" for w in ws]], per), ""]
    if results.get("h2_likelihood"):
        lines += ["## H2 as a likelihood model", "", *_h2_text(results), "", md_table(_H2_COLS, _h2_rows(results)), ""]
    if results.get("deploy_sensitivity"):
        lines += ["## Sensitivity to the shares of own-use deployment targets", "", *_sens_text(results), "",
                  md_table(_SENS_COLS, _sens_rows(results)), ""]
    lines.insert(5, _rates_text(results))
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
                      xaxis_title="year", yaxis_title="share in gap", xaxis={"tickformat": "d", "dtick": 1},
                      yaxis={"tickformat": ".0%"})
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
        fig2.update_layout(title=f"Mean releases per size bin and year ({s['name']})", xaxis_title="parameters",
                           yaxis_title="releases per world", xaxis=log10_axis(6.0, 13.0))
        figs.append(fig2)
    captions = [
        "Each line is one scenario: the mean share of a world's releases that fall in the gap window, per year; bars span "
        "5-95% of worlds; black dots are the data. A scenario explains the gap where the dots sit inside its bars.",
        "Simulated size distribution per year for the first scenario (mean releases per world in each quarter-decade bin); "
        "the grey band is the gap window. A gap shows as a dip inside the band.",
    ][:len(figs)]
    h2 = results.get("h2_likelihood")
    if h2:
        fig3 = go.Figure()
        yrs = [y["year"] for y in h2["yearly"]]
        fig3.add_trace(go.Scatter(x=yrs, y=[y["inside"] / y["n"] for y in h2["yearly"]], mode="markers", name="observed",
                                  marker={"size": 10, "color": "black"}))
        fig3.add_trace(go.Scatter(x=yrs, y=[y["exp_inside"] / y["n"] for y in h2["yearly"]], mode="lines+markers", name="H2 fitted"))
        fig3.add_trace(go.Scatter(x=yrs, y=[y["h0_exp_inside"] / y["n"] for y in h2["yearly"]], mode="lines", name="H0 smooth trend",
                                  line={"dash": "dot"}))
        cf = {c["year"]: c for c in h2["counterfactual"]}
        fig3.add_trace(go.Scatter(x=yrs, y=[cf[y]["without_gpt3_inside"] for y in yrs], mode="lines", name="H2 without GPT-3",
                                  line={"dash": "dash"}))
        fig3.update_layout(title="Share in the gap window per year: data, H2 (likelihood), H0 and H2 without GPT-3",
                           xaxis_title="year", yaxis_title="share in gap", xaxis={"tickformat": "d", "dtick": 1},
                           yaxis={"tickformat": ".0%"})
        figs.append(fig3)
        captions.append("Dots: observed share of each year's models in the window. Lines: what H2 (fitted by maximum likelihood) "
                        "and H0 expect for the same dates, and H2 with GPT-3 removed from its frontier. Where the H2 line and "
                        "the 'without GPT-3' line coincide, GPT-3's record does not matter that year (the lagged frontier had "
                        "already passed it, or had not reached it yet).")
    out = [
        Section("Scenarios", text=[_rates_text(results), f"Deficit test: {_deficit_text(results)}.",
                                   "Scenarios use the fitted settings, switching only the anchor, beliefs and cost."], figures=figs[:2],
                tables=[Table(_SCEN_COLS, _scen_rows(results))], captions=captions[:2]),
        Section("Fit to 2018..mid-2022", text=_ppc_text(results),
                tables=[Table(_FIT_COLS, _fit_rows(results)), Table(_SHARE_COLS, _share_rows(results)), Table(_PPC_COLS, _ppc_rows(results))]),
        Section("Prediction after mid-2022", tables=[Table(_PRED_COLS, _pred_rows(results))]),
    ]
    if results.get("smoothing"):
        ws = [f"{w:g} dex" for w in results["smoothing"]["widths"]]
        scen, per = _smoothing_rows(results)
        out.append(Section("Smoothing width of the simulated density", text=_smoothing_text(results),
                           tables=[Table(["scenario", *ws], scen),
                                   Table(["period", "observed n", "H0 (no smoothing)", *[f"simulation {w}" for w in ws]], per)]))
    if h2:
        out.append(Section("H2 as a likelihood model", text=_h2_text(results), figures=figs[2:], captions=captions[2:],
                           tables=[Table(_H2_COLS, _h2_rows(results))]))
    if results.get("deploy_sensitivity"):
        out.append(Section("Sensitivity to the shares of own-use deployment targets", text=_sens_text(results),
                           tables=[Table(_SENS_COLS, _sens_rows(results))]))
    return out
