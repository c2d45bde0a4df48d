"""The compare report: verdict text, tables and figures written from a run's numbers (presentation only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gapstudy.report import Section, Table, md_table
from gapstudy.report.markdown import fmt
from gapstudy.report.units import params_label

_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"]  # plotly's qualitative palette
YEAR_AXIS = {"tickformat": "d", "dtick": 1}  # calendar years as 2021, never "2,021.5"


def _ok(rows, key):
    return [r for r in rows if r.get(key) is not None and not r.get("same_as")]


def _reproduces(r: dict, alpha: float, prefix: str = "") -> bool | None:
    lo, hi = r.get(f"{prefix}p_low"), r.get(f"{prefix}p_high")
    if lo is None or hi is None:
        return None
    return lo >= alpha / 2 and hi >= alpha / 2


def _d(v, digits: int = 1) -> str:
    """A difference with a sign and fixed decimals (readable where 3 significant figures of totals are not)."""
    return "-" if v is None else f"{v:+.{digits}f}"


def _pm(diff, se) -> str:
    return "-" if diff is None else (f"{diff:+.3f}" if not se else f"{diff:+.3f} ± {se:.3f}")


def _p(value, n_sim) -> str:
    """A simulated p-value; one no simulated count reached is written "<1/n_sim" (a Monte Carlo p is never 0)."""
    if value == 0 and n_sim:
        return f"<{fmt(1.0 / n_sim)}"
    return fmt(value)


def _window(lo, hi) -> str:
    return f"{params_label(lo)}-{params_label(hi)}"


# ---------------------------------------------------------------- words from numbers


def _grade(delta: float) -> str:
    from gapstudy.hypotheses.engine import evidence

    return evidence(delta) or "no"


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
            out.append(f"In sample, BIC ranks {best['hypothesis']} first with {_grade(gap)} evidence over the next "
                       f"({by_bic[1]['hypothesis']}, ΔBIC {_d(gap)}; Kass & Raftery's scale). "
                       f"Order: {' < '.join(r['hypothesis'] for r in by_bic)}.")
        else:
            out.append(f"In sample only {best['hypothesis']} could be scored (BIC {best['bic']:.1f}).")
    for r in rows:
        if r.get("same_as"):
            why = next((n for n in main["in_sample"][r["hypothesis"]].get("notes", []) if "H0-equivalent" in n), "")
            out.append(f"{r['hypothesis']} is identical to {r['same_as']} on these data and is not ranked separately: {why.removeprefix('H0-equivalent: ')}.")
    oos = main["out_of_sample"]
    by_oos = sorted(_ok(rows, "oos_lpd"), key=lambda r: -r["oos_lpd"])
    if by_oos:
        best = by_oos[0]
        txt = (f"Fitted before {oos['cutoff']} and scored on the {oos['n_test']} later models, {best['hypothesis']} predicts best "
               f"({best['oos_lpd']:.3f} nats per model)")
        if len(by_oos) > 1:
            nxt = by_oos[1]
            tie = nxt["oos_se"] and abs(nxt["oos_diff"]) < 2 * nxt["oos_se"]
            txt += (f"; the next, {nxt['hypothesis']}, by {-nxt['oos_diff']:.3f} ± {nxt['oos_se'] or 0:.3f} nats per model "
                    f"(paired SE){', within two standard errors: not a clear difference' if tie else ''}")
        out.append(txt + f". Order: {' > '.join(r['hypothesis'] for r in by_oos)}.")
    elif oos.get("skipped"):
        out.append(f"No out-of-sample score: {oos['skipped']}.")
    by_roll = sorted(_ok(rows, "rolling_lpd"), key=lambda r: -r["rolling_lpd"])
    if by_roll:
        txt = f"From rolling yearly origins, {by_roll[0]['hypothesis']} predicts best ({by_roll[0]['rolling_lpd']:.3f} nats per model"
        if len(by_roll) > 1:
            nxt = by_roll[1]
            same = abs(nxt["rolling_diff"]) < 1e-9 and not nxt["rolling_se"]
            txt += (f"; {nxt['hypothesis']} gives identical predictions" if same
                    else f"; next {nxt['hypothesis']} by {-nxt['rolling_diff']:.3f} ± {nxt['rolling_se'] or 0:.3f}")
        out.append(txt + ").")
    nm = main["in_sample"].get("notch") or {}
    if nm.get("status") == "ok":
        p = nm["params"]
        out.append(f"The notch model puts its thinned band at {_window(p['band_lower'], p['band_upper'])} with depth {p['depth']:.2f} "
                   f"(share of the trend's models missing there).")
    nd = main["in_sample"].get("notch-drift") or {}
    if nd.get("status") == "ok":
        p = nd["params"]
        line = (f"The drifting notch puts its band at {_window(p['band_lower_first'], p['band_upper_first'])} at the first date and "
                f"{_window(p['band_lower_last'], p['band_upper_last'])} at the last (moving {p['drift_dex_per_year']:+.2f} dex per year), "
                f"depth {p['depth']:.2f}")
        if nm.get("status") == "ok" and nm.get("bic") is not None:
            dll, dbic = nd["loglik"] - nm["loglik"], nd["bic"] - nm["bic"]
            line += (f"; against the constant notch it gains {dll:.1f} in log-likelihood for {nd['k'] - nm['k']} more parameter, ΔBIC {_d(dbic)} "
                     f"({_grade(abs(dbic))} evidence for the {'drifting' if dbic < 0 else 'constant'} band)")
        out.append(line + ".")
    d = main["deficit"]
    if d:
        obs = next(iter(d.values()))["observed"]
        lo, hi = results["gap"]["lower"], results["gap"]["upper"]
        h0 = d.get("H0")
        head = f"{obs} of {main['n']} models lie in {_window(lo, hi)} parameters"
        if h0:
            head += f", {fmt(h0['D_observed'])} times the {h0['expected']:.1f} the smooth trend (H0) expects (p = {_p(h0['p_low'], h0.get('n_sim'))} for so few)"
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
                   + (f", {fmt(h0['D_observed'])} times H0's expectation of {h0['expected']:.1f} (p = {_p(h0['p_low'], h0.get('n_sim'))})" if h0 else "")
                   + f"; fits to those data reproduce the count for {', '.join(rep) or 'no hypothesis'}.")
    od = oos.get("deficit") or {}
    if od:
        any_d = next(iter(od.values()))
        rep = [n for n, r in od.items() if _reproduces(r, th["alpha"])]
        sd = (main.get("stats_deficit_test") or {}).get("after cutoff") or {}
        extra = f" (date-free deficit_test on them: {fmt(sd['statistic'])}, p = {fmt(sd['pvalue'])})" if "statistic" in sd else ""
        out.append(f"After the cutoff {any_d['observed']} of {oos['n_test']} models lie in the window{extra}; the pre-cutoff fits reproduce that count for "
                   f"{', '.join(rep) or 'no hypothesis'} (the gap's filling is the hardest test).")
    out += _depth_lines(main.get("depth_by_year"), results["gap"])
    out += recovery_lines(results.get("recovery"))
    out += counterfactual_lines(results)
    out += h1_bin_lines(results)
    for r in rows:
        if r["status"] != "ok":
            out.append(f"{r['hypothesis']}: {r['status']}.")
    for name, s in main["in_sample"].items():
        for n in s.get("notes", []):
            if "not identified" in n and "H0-equivalent" not in n:
                out.append(f"{name}: {n}.")
    out += bound_lines(main)
    out += _robust_lines(results, by_bic[0]["hypothesis"] if by_bic else None)
    return out


def bound_lines(main) -> list[str]:
    """Fitted parameters at an end of their allowed range, in words (the range, not the data, sets them)."""
    hits = [f"{name} {', '.join(s['at_bounds'])}" for name, s in main["in_sample"].items() if s.get("at_bounds") and not s.get("same_as")]
    if not hits:
        return []
    return ["At an end of their allowed range (there the range, not the data, sets the value; the likelihood would go further): "
            + "; ".join(hits) + "."]


def _depth_lines(dep, gap) -> list[str]:
    if not dep:
        return []
    if "unavailable" in dep:
        return [f"Depth per year not computed: {dep['unavailable']}."]
    rows = [r for r in dep["rows"] if "ratio" in r and not r.get("too_few")]
    few = [f"{r['year']} ({_models(r['n'])}, the trend expects {r['expected']:.1f} in the window)"
           for r in dep["rows"] if "ratio" in r and r.get("too_few")]
    empty = [str(r["year"]) for r in dep["rows"] if "ratio" not in r]
    tail = ((f" Too few models to measure (even an empty window would leave depth 0 inside the interval) in {'; '.join(few)}." if few else "")
            + (f" No models in {', '.join(empty)}." if empty else ""))
    trend = f" Depth is {dep['trend_text']}." if dep.get("trend_text") else ""
    if not rows:
        return [f"Depth per year: no year has enough models to measure it.{tail}{trend}"]
    parts = [f"{r['year']} {_depth_value(r, 'depth')} [{_depth_value(r, 'depth_lo')}, {r['depth_hi']:.2f}]" for r in rows]
    deep = [str(r["year"]) for r in rows if r["depth_lo"] > 0]
    return [f"Gap depth in {_window(gap['lower'], gap['upper'])} per year (1 - observed/trend density, 95% profile interval): "
            + "; ".join(parts) + ". " + (f"A deficit is clear (interval above 0) in {', '.join(deep)}." if deep else "No year's interval excludes 0.")
            + tail + trend]


def _models(n: int) -> str:
    return f"{n} model" if n == 1 else f"{n} models"


def _depth_value(r: dict, key: str) -> str:
    """A depth, or "≤ d" where its ratio sits at the search grid's upper end (gapstudy.hypotheses.depth.RATIO_GRID):
    the data put more models in the window than the grid reaches, so the depth is only bounded above."""
    from gapstudy.hypotheses.depth import RATIO_GRID

    ratio = r["ratio"] if key == "depth" else r["ratio_hi"]
    return f"≤{r[key]:.2f}" if ratio >= RATIO_GRID[-1] else f"{r[key]:.2f}"


def recovery_lines(rec) -> list[str]:
    """The model-recovery result in words."""
    if not rec:
        return []
    if "skipped" in rec:
        return [f"Model recovery skipped: {rec['skipped']}."]
    parts = [f"{r['generator']} {r['correct'] * 100:.0f}%" if r["correct"] is not None else f"{r['generator']} -" for r in rec["rows"]]
    line = (f"Model recovery ({rec['n_datasets']} synthetic datasets per generator at the observed dates and n = {rec['n']}, winner by "
            f"{rec['criterion'].upper()}): correct " + "; ".join(parts) + ". ")
    goal = rec.get("goal", 0.8)
    if rec["all_meet_goal"]:
        line += f"Every generator is recovered at least {goal * 100:.0f}% of the time."
    else:
        bad = [r for r in rec["rows"] if r["correct"] is None or r["correct"] < goal]
        parts = []
        for r in bad:
            taken = ", ".join(f"{c} ({r.get('confused_share', {}).get(c, r['share'].get(c, 0.0)) * 100:.0f}%)" for c in r["confused_with"])
            parts.append(f"{r['generator']} (taken for {taken})" if taken else r["generator"])
        line += f"Below the {goal * 100:.0f}% goal, with the hypotheses they are taken for: {'; '.join(parts)}."
    if rec["indistinguishable"]:
        line += " At this n the comparison cannot reliably tell apart: " + "; ".join(" and ".join(p) for p in rec["indistinguishable"]) + "."
    out = [line]
    for name, twin in (rec.get("same_as") or {}).items():
        out.append(f"{name} is {twin} itself on these data (its density is {twin}'s at every observed date), so it reuses "
                   f"{twin}'s fits; a dataset they tie on counts half for each, and no n can tell them apart.")
    if rec.get("left_out"):
        out.append("Not in the recovery study: " + "; ".join(f"{k} ({v})" for k, v in rec["left_out"].items()) + ".")
    return out


def h1_bin_lines(results) -> list[str]:
    """H1's likelihood at each width of the size bins its thinning is tabulated on, in words."""
    e = results.get("h1_bin_effect")
    if not e:
        return []
    if "unavailable" in e:
        return [f"H1's bin-width effect not computed: {e['unavailable']}."]
    ok = [r for r in e["rows"] if r["status"] == "ok"]
    if not ok:
        return [f"H1 could not be refitted at other bin widths: {e['rows'][0]['status'] if e['rows'] else 'no widths'}."]
    base = next((r for r in ok if abs(r["bin"] - e["default"]) < 1e-12), ok[0])
    parts = [f"{r['bin']:g} dex log-lik {r['loglik']:.1f} (ΔBIC {_d(r['bic'] - base['bic'])}, BIC rank {r['rank_bic']})" for r in ok]
    orders = {tuple(r["bic_order"]) for r in ok}
    tail = ("the BIC order of all hypotheses is the same at every width" if len(orders) == 1 else
            "the BIC order changes with the width: " + "; ".join(f"{r['bin']:g} dex {' < '.join(r['bic_order'])}" for r in ok))
    return [f"H1's likelihood depends on the width of the size bins the cost model's thinning is tabulated on (rule: {e['rule']}): "
            + "; ".join(parts) + f"; {tail}."]


def counterfactual_lines(results) -> list[str]:
    """H2 without GPT-3's jump in words: expected counts inside and above the window, and the years that change."""
    cf = results.get("h2_counterfactual")
    if not cf:
        return []
    if "unavailable" in cf:
        return [f"H2's counterfactual without GPT-3's jump not computed: {cf['unavailable']}."]
    rows = cf["rows"]
    tot = {k: sum(r[k] * r["n"] for r in rows) for k in ("fitted_inside", "without_gpt3_inside", "fitted_above", "without_gpt3_above")}
    moved = [str(r["year"]) for r in rows if abs(r["without_gpt3_inside"] - r["fitted_inside"]) * r["n"] >= 0.05
             or abs(r["without_gpt3_above"] - r["fitted_above"]) * r["n"] >= 0.05]
    w = _window(results["gap"]["lower"], results["gap"]["upper"])
    return [f"{cf['hypothesis']} without GPT-3's jump ({cf['method']}): {tot['without_gpt3_inside']:.1f} models expected in {w} "
            f"instead of {tot['fitted_inside']:.1f}, {tot['without_gpt3_above']:.1f} above instead of {tot['fitted_above']:.1f} "
            f"(of {sum(r['n'] for r in rows)}); "
            + (f"the years that change by at least 0.05 models: {', '.join(moved)}." if moved else "no year changes by 0.05 models or more.")]


def counterfactual_table(results):
    cf = results.get("h2_counterfactual") or {}
    obs = {o["year"]: o for o in results["main"].get("observed_yearly", [])}
    rows = [[r["year"], r["n"], obs.get(r["year"], {}).get("inside", "-"), f"{r['fitted_inside'] * r['n']:.1f}",
             f"{r['without_gpt3_inside'] * r['n']:.1f}", obs.get(r["year"], {}).get("above", "-"), f"{r['fitted_above'] * r['n']:.1f}",
             f"{r['without_gpt3_above'] * r['n']:.1f}"] for r in cf.get("rows", [])]
    name = cf.get("hypothesis", "H2")
    return ["year", "n", "observed inside", f"{name} expects inside", "inside without GPT-3", "observed above",
            f"{name} expects above", "above without GPT-3"], rows


def _robust_lines(results, main_best) -> list[str]:
    variants = results.get("robustness", [])
    if not variants:
        return []
    out = []
    skipped = [v for v in variants if "skipped" in v]
    if skipped:
        reasons = {}
        for v in skipped:
            why = v["skipped"].removeprefix("skipped: ")
            key = "no snapshot folder" if "no snapshot folder" in why else ("snapshot not in the folder" if "not in the snapshot folder" in why else why)
            reasons.setdefault(key, []).append(v["name"])
        out.append(f"{len(skipped)} of {len(variants)} robustness variants skipped: "
                   + "; ".join(f"{k} ({', '.join(names)})" for k, names in reasons.items()) + ".")
    robust = [v for v in variants if "ranking" in v]
    if robust:
        # two kinds that answer different questions: the same data selected otherwise (no file of its own), and
        # other datasets (another snapshot or file): "does the choice of models matter" / "do other data agree"
        kinds = {"selection": "selection variants of these data", "other": "other datasets"}
        firsts, counts, same = {}, dict.fromkeys(kinds, 0), dict.fromkeys(kinds, 0)
        for v in robust:
            kind = "selection" if v.get("path") is None else "other"
            counts[kind] += 1
            b = sorted(_ok(v["ranking"], "bic"), key=lambda r: r["bic"])
            if b:
                same[kind] += b[0]["hypothesis"] == main_best
                firsts.setdefault(b[0]["hypothesis"], []).append(f"{v['name']} ({'selection' if kind == 'selection' else 'other data'})")
        parts = [f"{same[k]} of {counts[k]} {kinds[k]}" for k in kinds if counts[k]]
        total = sum(same.values())
        out.append(f"Robustness: BIC ranks {main_best} first in " + " and ".join(parts)
                   + ("" if total == len(robust) else "; elsewhere " + "; ".join(f"{k} in {', '.join(v)}" for k, v in firsts.items() if k != main_best)) + ".")
    return out


# ---------------------------------------------------------------- tables


RANK_COLUMNS = ["hypothesis", "k", "Δlog-lik", "ΔAIC", "ΔBIC", "evidence against (ΔBIC)", "OOS lpd", "OOS Δ ± SE", "rolling lpd",
                "rolling Δ ± SE", "D obs (gap/H0 exp)", "D sim mean", "p low", "p high", "OOS obs/exp", "OOS p low", "status"]


def rank_rows(rows):
    out = []
    for r in sorted(rows, key=lambda r: (r["bic"] is None, bool(r.get("same_as")), r["bic"] if r["bic"] is not None else 0)):
        name = r["hypothesis"] + (f" (= {r['same_as']})" if r.get("same_as") else "")
        out.append([name, r["k"], _d(r.get("delta_loglik")), _d(r.get("delta_aic")), _d(r.get("delta_bic")),
                    "best" if r.get("delta_bic") == 0 else (r.get("evidence_against") or "-"),
                    r["oos_lpd"], _pm(r.get("oos_diff"), r.get("oos_se")), r["rolling_lpd"], _pm(r.get("rolling_diff"), r.get("rolling_se")),
                    r["D_observed"], r["D_sim_mean"], _p(r["p_low"], r.get("n_sim")), _p(r["p_high"], r.get("n_sim")), r["oos_obs_over_exp"],
                    _p(r["oos_p_low"], r.get("oos_n_sim")), r["status"]])
    return out


def _totals_line(main) -> str:
    """Which hypothesis each difference column is taken to, with its total: the highest log-likelihood, the
    lowest AIC and the lowest BIC need not be the same hypothesis, so each column names its own reference."""
    rows = {n: s for n, s in main["in_sample"].items() if s.get("delta_bic") is not None and not s.get("same_as")}
    if not rows:
        return ""
    parts = []
    for col, total, what in (("delta_loglik", "loglik", "log-lik to the highest"), ("delta_aic", "aic", "AIC to the lowest"),
                             ("delta_bic", "bic", "BIC to the lowest")):
        best = [n for n, s in rows.items() if abs(s[col]) < 1e-9]
        parts.append(f"{what} ({' = '.join(best)}, {rows[best[0]][total]:.1f})")
    n = next(iter(rows.values()))["n"]
    return (f"Differences are to the best hypothesis of each column (Δ = 0): {'; '.join(parts)}; n = {n}. "
            "lpd = mean log predictive density per model (nats); Δ ± SE = difference per model to the best, with the "
            "standard error of the paired per-model differences.")


def _names(results):
    return [h["name"] for h in results["hypotheses"]]


def period_table(results):
    oos = results["main"]["out_of_sample"]
    names = _names(results)
    rows = [[p["period"], p["n"], *[p["scores"].get(n) for n in names]] for p in oos.get("periods", [])]
    pooled = oos.get("pooled", {})
    if pooled:
        rows.append(["all after cutoff", oos["n_test"], *[(pooled.get(n) or {}).get("mean_log_density") for n in names]])
    return ["period", "n", *names], rows


def rolling_table(results):
    roll = results["main"].get("rolling")
    names = _names(results)
    if not roll:
        return None
    rows = [[o["origin"], o["n_train"], o["n_test"], *[o["scores"].get(n) for n in names]] for o in roll["origins"]]
    rows.append(["pooled", "", "", *[roll["mean"].get(n) for n in names]])
    return ["origin", "n train", "n test", *names], rows


def robust_table(results):
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


def window_table(results):
    names = _names(results)
    rows = []
    for w in results["main"].get("gap_windows", []):
        ch = w["checks"]
        obs = next(iter(ch.values()))["observed"] if ch else None
        rows.append([_window(w["lower"], w["upper"]), obs,
                     *[f"{ch[n]['expected']:.1f} (p {_p(ch[n]['p_low'], ch[n].get('n_sim'))})" if n in ch else "-" for n in names]])
    return ["window", "observed", *[f"{n} expected (p low)" for n in names]], rows


def yearly_table(results):
    main = results["main"]
    names = [n for n in _names(results) if n in main.get("yearly", {})]
    rows = []
    for i, o in enumerate(main.get("observed_yearly", [])):
        cells = [o["year"], o["n"], f"{o['below']}/{o['inside']}/{o['above']}"]
        for n in names:
            e = main["yearly"][n][i]
            cells.append(f"{e['exp_below']:.1f}/{e['exp_inside']:.1f}/{e['exp_above']:.1f}")
        rows.append(cells)
    return ["year", "n", "observed below/inside/above", *[f"{n} expected" for n in names]], rows


def _depth_method(dep) -> str:
    """How the depth per year was measured, and against which trend."""
    return dep["method"] + (f"; {dep['trend_text']}" if dep.get("trend_text") else "") + "."


def depth_table(dep):
    rows = []
    for r in dep.get("rows", []):
        if "ratio" in r:
            rows.append([r["year"], r["n"], r["observed"], f"{r['expected']:.1f}", _depth_value(r, "depth"),
                         f"{_depth_value(r, 'depth_lo')} to {r['depth_hi']:.2f}", r.get("note", "")])
        else:
            rows.append([r["year"], r["n"], "-", "-", "-", "-", r.get("note", "")])
    return ["year", "models", "in window", "trend expects", "depth", "95% interval", "note"], rows


def recovery_table(rec):
    cols = ["generator", "should win", *[f"won by {f}" for f in rec["fitters"]], "correct", "median BIC margin"]
    rows = [[r["generator"], r["expected"], *[r["wins"].get(f, 0) for f in rec["fitters"]],
             "-" if r["correct"] is None else f"{r['correct'] * 100:.0f}%", r["median_margin"]] for r in rec["rows"]]
    return cols, rows


def _band_lines(results):
    b = results.get("bands")
    if b is None:
        return []
    if isinstance(b, str):
        return [f"Cost-model band: {b}."]
    parts = [f"{r['year']}: " + ("none" if r["lower"] is None else (params_label(r["lower"]) if r["lower"] == r["upper"] else _window(r["lower"], r["upper"])))
             for r in b]
    return ["Band gapstudy.costmodel.predicted_band gives per year (used by H1+H2; a single size means a zero-width band): " + "; ".join(parts) + "."]


def summarize(results) -> str:
    """Findings in words and tables."""
    d = results["data"]
    main = results["main"]
    lines = [
        "# Comparing hypotheses about the parameter gap", "",
        f"Data: `{d['path']}`, {main['n']} models dated {main['first']}..{main['last']} (of {d['rows_in']} rows). "
        f"Gap window {_window(results['gap']['lower'], results['gap']['upper'])} parameters.", "",
        "Hypotheses: " + "; ".join(f"**{h['name']}** {h['description']}" for h in results["hypotheses"]) + ".", "",
        "## Verdict", "", *[f"- {v}" for v in verdict(results)], "",
        *_band_lines(results), "",
        "## Ranking", "", _totals_line(main) + " Evidence: " + results.get("evidence_scale", "") + ".", "",
        md_table(RANK_COLUMNS, rank_rows(main["ranking"])), "",
    ]
    rec = results.get("recovery")
    if rec and "rows" in rec:
        lines += ["## Model recovery", "", *recovery_lines(rec), "", md_table(*recovery_table(rec)), ""]
    dep = main.get("depth_by_year")
    if dep and "rows" in dep:
        lines += ["## Gap depth per year", "", _depth_method(dep), "", md_table(*depth_table(dep)), ""]
    cf = results.get("h2_counterfactual")
    if cf and "rows" in cf:
        lines += [f"## {cf['hypothesis']} without GPT-3's jump (expected counts per year)", "", *counterfactual_lines(results), "",
                  md_table(*counterfactual_table(results)), ""]
    lines += [f"## Out of sample (fitted before {main['out_of_sample']['cutoff']})", ""]
    cols, rows = period_table(results)
    lines += [md_table(cols, rows) if rows else f"Not scored: {main['out_of_sample'].get('skipped', 'no data after the cutoff')}.", ""]
    rt = rolling_table(results)
    if rt:
        lines += ["## Rolling origins", "", md_table(*rt), ""]
    lines += ["## Predicted against observed per year (in-sample fits)", "", md_table(*yearly_table(results)), ""]
    lines += ["## Other gap windows (in-sample fits)", "", md_table(*window_table(results)), ""]
    if results.get("robustness"):
        lines += ["## Robustness", "", md_table(*robust_table(results)), ""]
        for v in results["robustness"]:
            if "depth_by_year" in v and "rows" in v["depth_by_year"]:
                lines += [f"Gap depth per year, {v['name']}: " + (_depth_lines(v["depth_by_year"], results["gap"]) or ["-"])[0], ""]
    return "\n".join(lines)


def coinciding(series: dict[str, list]) -> list[list[str]]:
    """Groups of names whose values coincide (within 1e-6 everywhere): drawn once, labelled together."""
    groups, seen = [], set()
    names = list(series)
    for i, a in enumerate(names):
        if a in seen:
            continue
        g = [a]
        va = np.array([np.nan if v is None else v for v in series[a]], float)
        for b in names[i + 1:]:
            vb = np.array([np.nan if v is None else v for v in series[b]], float)
            if b not in seen and va.shape == vb.shape and np.allclose(va, vb, atol=1e-6, equal_nan=True):
                g.append(b)
                seen.add(b)
        groups.append(g)
    return groups


def _lines(fig, x, series: dict[str, list], names_all: list[str], **kw) -> list[str]:
    """Add one line per group of coinciding series; returns notes on the coinciding ones."""
    import plotly.graph_objects as go

    notes = []
    for g in coinciding(series):
        color = _COLORS[names_all.index(g[0]) % len(_COLORS)]
        label = " = ".join(g)
        fig.add_trace(go.Scatter(x=x, y=series[g[0]], mode="lines+markers", name=label + (" (coincide)" if len(g) > 1 else ""),
                                 legendgroup=label, line={"color": color}, **kw))
        if len(g) > 1:
            notes.append(f"{' and '.join(g)} coincide (one line)")
    return notes


def sections(results) -> list[Section]:
    """Verdict, ranking, recovery, depth per year, predicted against observed, out of sample, robustness."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    main = results["main"]
    names = _names(results)
    secs = [Section("Verdict", text=verdict(results) + _band_lines(results)),
            Section("Ranking", text=[_totals_line(main), "Evidence: " + results.get("evidence_scale", "") + "."],
                    tables=[Table(RANK_COLUMNS, rank_rows(main["ranking"]))])]
    rec = results.get("recovery")
    if rec and "rows" in rec:
        z = [[r["share"].get(f, 0.0) for f in rec["fitters"]] for r in rec["rows"]]
        txt = [[f"{r['wins'].get(f, 0)}" for f in rec["fitters"]] for r in rec["rows"]]
        fig = go.Figure(go.Heatmap(z=z, x=[f"fitted best: {f}" for f in rec["fitters"]], y=[r["generator"] for r in rec["rows"]], text=txt,
                                   texttemplate="%{text}", colorscale="Blues", zmin=0, zmax=1, colorbar={"title": "share"}))
        fig.update_layout(height=120 + 60 * len(rec["rows"]), title=f"Model recovery: which hypothesis wins ({rec['criterion'].upper()}) on data each generator made",
                          yaxis={"autorange": "reversed"})
        secs.append(Section("Model recovery", text=recovery_lines(rec), figures=[fig], tables=[Table(*recovery_table(rec))],
                            captions=[f"How to read this: each row is a generator ({rec['n_datasets']} synthetic datasets at the observed dates and n); "
                                      "each cell counts the datasets on which that column's hypothesis had the lowest "
                                      f"{rec['criterion'].upper()}. A trustworthy comparison puts most of each row on its own hypothesis."]))
    dep = main.get("depth_by_year")
    if dep and "rows" in dep:
        fig = go.Figure()
        for few, name, marker in ((False, "depth", {}), (True, "too few models to measure", {"color": "#aaa", "symbol": "circle-open"})):
            rows = [r for r in dep["rows"] if "ratio" in r and bool(r.get("too_few")) == few]
            if rows:
                fig.add_trace(go.Scatter(x=[r["year"] for r in rows], y=[r["depth"] for r in rows], mode="markers", name=name, marker=marker,
                                         error_y={"type": "data", "symmetric": False, "array": [r["depth_hi"] - r["depth"] for r in rows],
                                                  "arrayminus": [r["depth"] - r["depth_lo"] for r in rows]}))
        fig.add_hline(y=0, line_dash="dot", line_color="#999")
        fig.update_layout(height=380, title=f"Gap depth in {_window(dep['lower'], dep['upper'])} per year", xaxis=YEAR_AXIS,
                          yaxis_title="depth = 1 - observed / trend density")
        secs.append(Section("Gap depth per year", text=[_depth_method(dep)], figures=[fig], tables=[Table(*depth_table(dep))],
                            captions=["How to read this: 0 means the window holds as many models as the smooth trend predicts, 1 means it is empty, "
                                      "below 0 means more than the trend. Bars are 95% profile-likelihood intervals; a year whose bar stays above 0 has a clear deficit. "
                                      "Grey open circles: years whose trend expects so few models in the window that no outcome could exclude depth 0 "
                                      "(the table's note gives the count)."]))
    cf = results.get("h2_counterfactual")
    if cf and "rows" in cf:
        secs.append(Section(f"{cf['hypothesis']} without GPT-3's jump", text=counterfactual_lines(results),
                            tables=[Table(*counterfactual_table(results))]))
    obs = main.get("observed_yearly", [])
    if obs:
        fig = make_subplots(rows=1, cols=3, subplot_titles=("below the window", "inside the window", "above the window"))
        years = [o["year"] for o in obs]
        notes = []
        for j, key in enumerate(("below", "inside", "above"), start=1):
            fig.add_trace(go.Bar(x=years, y=[o[key] for o in obs], name="observed", marker_color="#999", showlegend=j == 1), row=1, col=j)
            series = {n: [e[f"exp_{key}"] for e in main["yearly"][n]] for n in names if n in main.get("yearly", {})}
            for g in coinciding(series):
                label = " = ".join(g)
                fig.add_trace(go.Scatter(x=years, y=series[g[0]], mode="lines+markers", name=label + (" (coincide)" if len(g) > 1 else ""),
                                         legendgroup=label, showlegend=j == 1, line={"color": _COLORS[names.index(g[0]) % len(_COLORS)]}), row=1, col=j)
                if len(g) > 1 and j == 2:
                    notes.append(f"{' and '.join(g)} coincide")
        fig.update_xaxes(**YEAR_AXIS)
        fig.update_layout(height=420, title="Models per year: observed (bars) and expected under each in-sample fit (lines)")
        secs.append(Section("Predicted against observed per year", figures=[fig], tables=[Table(*yearly_table(results))],
                            captions=["How to read this: grey bars count the models per year below, inside and above the gap window; a line is what a "
                                      "hypothesis fitted to all the data expects. A line above the middle bars over-predicts the window."
                                      + (" " + "; ".join(notes) + " (drawn once)." if notes else "")]))
    oos = main["out_of_sample"]
    if oos.get("periods"):
        fig = go.Figure()
        series = {n: [p["scores"].get(n) for p in oos["periods"]] for n in names if any(n in p["scores"] for p in oos["periods"])}
        notes = _lines(fig, [p["period"] for p in oos["periods"]], series, names)
        fig.update_layout(height=400, title=f"Out of sample: mean log predictive density per period (fitted before {oos['cutoff']})",
                          yaxis_title="nats per model")
        figs, caps = [fig], ["How to read this: higher is better; each point is the mean log density the pre-cutoff fit gives the models of that "
                             "half-year." + (" " + "; ".join(notes) + "." if notes else "")]
        if oos.get("yearly"):
            yr = next(iter(oos["yearly"].values()))
            fig2 = go.Figure()
            fig2.add_trace(go.Bar(x=[e["year"] for e in yr], y=[e["inside"] for e in yr], name="observed inside", marker_color="#999"))
            series = {n: [e["exp_inside"] for e in oos["yearly"][n]] for n in names if n in oos["yearly"]}
            notes2 = _lines(fig2, [e["year"] for e in yr], series, names)
            fig2.update_layout(height=380, title="After the cutoff: models inside the window, observed and predicted by the pre-cutoff fits", xaxis=YEAR_AXIS)
            figs.append(fig2)
            caps.append("How to read this: bars are the models observed inside the window after the cutoff, lines what each pre-cutoff fit "
                        "predicted; the gap's filling shows as bars above the lines." + (" " + "; ".join(notes2) + "." if notes2 else ""))
        cols, rows = period_table(results)
        secs.append(Section("Out of sample", figures=figs, tables=[Table(cols, rows)], captions=caps))
    else:
        secs.append(Section("Out of sample", text=[f"Not scored: {oos.get('skipped', 'no data after the cutoff')}."]))
    rt = rolling_table(results)
    if rt:
        secs.append(Section("Rolling origins", tables=[Table(*rt)]))
    if results.get("gap_history"):
        from gapstudy.report import gap_history as history_report

        secs.append(history_report.section(results["gap_history"], results["gap"]["lower"], results["gap"]["upper"]))
    secs.append(Section("Other gap windows", tables=[Table(*window_table(results))]))
    if results.get("robustness"):
        dep_lines = [f"{v['name']}: " + (_depth_lines(v["depth_by_year"], results["gap"]) or ["-"])[0]
                     for v in results["robustness"] if "depth_by_year" in v and "rows" in v["depth_by_year"]]
        secs.append(Section("Robustness", text=_robust_lines(results, None)[:1] + dep_lines, tables=[Table(*robust_table(results))]))
    pr = [[n, s.get("status"), "-" if s.get("loglik") is None else f"{s['loglik']:.2f}",
           "; ".join(f"{k}={params_label(v) if k.startswith('band_') else fmt(v)}" for k, v in (s.get("params") or {}).items()),
           "; ".join(s.get("at_bounds", [])), " ".join(s.get("notes", []))] for n, s in main["in_sample"].items()]
    secs.append(Section("Fitted parameters (in sample)", tables=[Table(["hypothesis", "status", "log-lik", "parameters", "at a bound", "notes"], pr)]))
    return secs


# ---------------------------------------------------------------- sweeps


def headline(results) -> dict:
    """A flat row for a sweep's table: the window, the winners, and the deficit statistic."""
    rows = results["main"]["ranking"]
    by_bic = sorted(_ok(rows, "bic"), key=lambda r: r["bic"])
    by_oos = sorted(_ok(rows, "oos_lpd"), key=lambda r: -r["oos_lpd"])
    alpha = results["thresholds"]["alpha"]
    d = results["main"]["deficit"]
    h0 = d.get("H0", {})
    return {
        "data": Path(str(results["data"].get("path", "-"))).name,
        "gap lower": results["gap"]["lower"], "gap upper": results["gap"]["upper"], "models": results["main"]["n"],
        "in window": next(iter(d.values()))["observed"] if d else None,
        "D obs (vs H0)": h0.get("D_observed"), "H0 p low": h0.get("p_low"),
        "best BIC": by_bic[0]["hypothesis"] if by_bic else None,
        "best out of sample": by_oos[0]["hypothesis"] if by_oos else None,
        "deficit reproduced by": ", ".join(r["hypothesis"] for r in rows if _reproduces(r, alpha)) or "none",
    }


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
        cells = [r["job"], hl["data"], _window(hl["gap lower"], hl["gap upper"]), hl["models"], hl["in window"]]
        for n in names:
            x = rk.get(n, {})
            ratio = x["D_observed"] / x["D_sim_mean"] if x.get("D_observed") is not None and x.get("D_sim_mean") else None
            cells.append(f"{fmt(ratio)} ({fmt(x.get('p_low'))})" if ratio is not None else (x.get("status") or "-"))
        rows += [cells + [hl["best BIC"], hl["best out of sample"]]]
    wins = [[n, sum(r["hl"]["best BIC"] == n for r in runs), sum(r["hl"]["best out of sample"] == n for r in runs),
             sum(bool(_reproduces(r["rk"].get(n, {}), alpha)) for r in runs), len(runs)] for n in names]
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
    figs, caps = [], []
    for ds in data_sets:
        sub = [r for r in runs if r["hl"]["data"] == ds]
        lows = sorted({r["hl"]["gap lower"] for r in sub})
        ups = sorted({r["hl"]["gap upper"] for r in sub})
        if len(lows) * len(ups) < 2:
            continue
        z = [[next((r["hl"]["D obs (vs H0)"] for r in sub if r["hl"]["gap lower"] == lo and r["hl"]["gap upper"] == up), None) for lo in lows] for up in ups]
        p = [[next((r["hl"]["H0 p low"] for r in sub if r["hl"]["gap lower"] == lo and r["hl"]["gap upper"] == up), None) for lo in lows] for up in ups]
        txt = [[f"D={fmt(a)}, p={fmt(b)}" for a, b in zip(za, pa)] for za, pa in zip(z, p)]
        fig = go.Figure(go.Heatmap(x=[params_label(v) for v in lows], y=[params_label(v) for v in ups], z=z, text=txt, texttemplate="%{text}",
                                   colorscale="RdBu", zmid=1.0, colorbar={"title": "D"}))
        fig.update_layout(height=420, title=f"{ds}: observed / H0-expected count in the window", xaxis_title="gap.lower", yaxis_title="gap.upper")
        figs.append(fig)
        caps.append("How to read this: each cell is one window; D below 1 (red) means fewer models than the smooth trend expects, "
                    "p the chance of so few under it.")
    if figs:
        secs.append(Section("Deficit statistic over the windows", figures=figs, captions=caps))
    return secs
