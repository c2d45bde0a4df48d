"""The gap_tests experiment: is there a gap in model sizes, where, how sure are we, and does it last?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats as sst

from gapstudy import stats
from gapstudy.cache import cached
from gapstudy.data import Selection, load_dataset
from gapstudy.errors import GapstudyError
from gapstudy.growth import gap_history
from gapstudy.report import gap_history as history_report
from gapstudy.experiments.common import check_gap, counts_by_year, gap_counts, selection_from
from gapstudy.progress import Progress, note
from gapstudy.report import Section, Table, md_table
from gapstudy.report.markdown import fmt
from gapstudy.report.units import log10_axis, log10_params_label, params_label
from gapstudy.seeding import rng_for
from gapstudy.stats import calibrate

ALPHA = 0.05  # the conventional level at which rejections are counted and sizes measured
# Monte Carlo sizes inside the in-run size check: p-values on a 1/100 grid (enough to decide
# rejection at 0.05), cheap enough to run the check for every test at the sample's own n.
CHECK_BOOT, CHECK_SIM = 99, 499
NULL_CHOICES = ("kde", "normal", "skewnormal")
# Where each test's measured size comes from: the table bundled from the calibration experiment
# (gapstudy.stats.calibrate.lookup_size), or an in-run simulation at the sample's own n.
SIZE_SOURCES = ("table", "simulate")


@dataclass(frozen=True)
class GapTest:
    """One test of the gap: what it asks and how to run it on log10 sizes."""

    name: str
    question: str
    run: Callable  # (x, cfg_like, rng, n_boot, n_sim) -> result with .statistic and .pvalue
    min_n: int


def _window(cfg) -> tuple[float, float]:
    return float(cfg.gap.lower), float(cfg.gap.upper)


# Every test runs with its library default calibration; ties from rounded counts are broken by one
# randomised draw within each count's rounding interval (jitter="log10": these are log10 sizes).
TESTS: dict[str, GapTest] = {
    t.name: t
    for t in (
        GapTest("dip", "unimodal? (Hartigan dip, calibrated against a data-like unimodal reference)",
                lambda x, c, r, b, s: stats.dip_test(x, n_boot=b, jitter="log10", rng=r), 4),
        GapTest("silverman", "more than one mode in the central 90%? (Silverman, Hall-York calibrated)",
                lambda x, c, r, b, s: stats.silverman_test(x, n_boot=b, jitter="log10", rng=r), 4),
        GapTest("silverman_whole_line", "more than one mode on the whole line? (classic Hall-York; over-rejects heavy tails)",
                lambda x, c, r, b, s: stats.silverman_test(x, n_boot=b, calibration="hall-york-whole-line", jitter="log10", rng=r), 4),
        GapTest("excess_mass", "more than one mode? (excess mass, Ameijeiras-Alonso et al.)", lambda x, c, r, b, s: stats.excess_mass_test(
            x, n_boot=b, jitter="log10", rng=r), 10),
        GapTest("mixture", "two groups rather than one unimodal shape? (two normals against a skew-t, LR bootstrapped from the skew-t)",
                lambda x, c, r, b, s: stats.mixture_test(x, n_boot=b, jitter="log10", rng=r), 10),
        GapTest("mixture_hv", "is the best two-normal fit bimodal? (Holzmann-Vollmer LR against the best unimodal "
                "two-normal fit; conservative under skewed and heavy-tailed shapes)",
                lambda x, c, r, b, s: stats.mixture_test(x, method="bimodality", n_boot=b, jitter="log10", rng=r), 10),
        GapTest("deficit", "fewer models in the window than a smooth null predicts?", lambda x, c, r, b, s: stats.deficit_test(
            x, c["lower"], c["upper"], null=c["null"], n_sim=s, jitter="log10", rng=r), 10),
        GapTest("scan", "a deficit in any window, corrected for looking everywhere?", lambda x, c, r, b, s: stats.gap_scan(
            x, points=int(c["scan_points"]), null=c["null"], n_sim=s, jitter="log10", rng=r), 10),
    )
}


def validate(cfg) -> None:
    """Reject impossible settings before any data is read."""
    g = cfg.gap_tests
    unknown = [t for t in g.tests if t not in TESTS and t != "trough"]
    if unknown:
        raise GapstudyError(f"gap_tests.tests has unknown test(s) {unknown}; choose from {sorted([*TESTS, 'trough'])}")
    if g.size_source not in SIZE_SOURCES:
        raise GapstudyError(f"gap_tests.size_source={g.size_source!r} is unknown; choose one of {', '.join(SIZE_SOURCES)}")
    if not 0 < float(g.size_flag) < 1:
        raise GapstudyError(f"gap_tests.size_flag={g.size_flag} must be a rejection rate between 0 and 1, e.g. 0.075")
    if g.null not in NULL_CHOICES:
        raise GapstudyError(f"gap_tests.null={g.null!r} is unknown; choose one of {', '.join(NULL_CHOICES)}")
    for name in ("n_boot", "n_sim", "map_n_sim", "size_replicates"):
        if int(g[name]) < 19:
            raise GapstudyError(f"gap_tests.{name}={g[name]} is too small for a p-value at 0.05; use at least 99")
    if g.scan_points < 46:
        raise GapstudyError(f"gap_tests.scan_points={g.scan_points} gives fewer than 1,000 windows; use at least 46")
    if g.min_n < 4:
        raise GapstudyError(f"gap_tests.min_n={g.min_n} is too small; the tests need at least 4 models")
    if g.rolling_months < 6 or g.rolling_step_months < 1:
        raise GapstudyError("gap_tests.rolling_months must be >= 6 and gap_tests.rolling_step_months >= 1")
    check_gap(float(g.oos_lower), float(g.oos_upper))
    for lo in g.map_lowers:
        for hi in g.map_uppers:
            if lo > 0 and hi > 0 and lo < hi:
                check_gap(float(lo), float(hi))


# ---------------------------------------------------------------- the null the data look like

def data_like_null(x: np.ndarray, params: np.ndarray) -> dict:
    """The unimodal shape (normal, skew-normal or Student t4) that fits x best by AIC, with its
    parameters, and how the sizes are rounded (the median number of significant figures)."""
    fits = {}
    mu, sd = float(x.mean()), float(x.std(ddof=0))
    fits["normal"] = ({"loc": mu, "scale": sd}, float(sst.norm.logpdf(x, mu, sd).sum()), 2)
    a, loc, scale = sst.skewnorm.fit(x)
    fits["skewnormal"] = ({"a": float(a), "loc": float(loc), "scale": float(scale)},
                          float(sst.skewnorm.logpdf(x, a, loc, scale).sum()), 3)
    loc_t, scale_t = sst.t.fit(x, fix_df=4)[1:]
    fits["t4"] = ({"loc": float(loc_t), "scale": float(scale_t)}, float(sst.t.logpdf(x, 4, loc_t, scale_t).sum()), 2)
    aic = {k: 2 * npar - 2 * ll for k, (_, ll, npar) in fits.items()}
    shape = min(aic, key=aic.get)
    digits = stats.significant_digits(params)
    sig = int(np.median(digits))
    rounded = sig <= 3  # three or fewer figures: 7B, 13B, 175B style counts, with ties
    ties = float(1 - np.unique(x).size / x.size)
    return {"shape": shape, "params": fits[shape][0], "aic": aic, "round_sig": sig if rounded else None, "tie_share": ties}


def _draw(null: dict, n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    p = null["params"]
    if null["shape"] == "normal":
        x = p["loc"] + p["scale"] * rng.standard_normal((size, n))
    elif null["shape"] == "skewnormal":
        x = sst.skewnorm.rvs(p["a"], loc=p["loc"], scale=p["scale"], size=(size, n), random_state=rng)
    else:
        x = p["loc"] + p["scale"] * rng.standard_t(4, size=(size, n))
    if null["round_sig"]:
        x = stats.round_counts(x, null["round_sig"])
    return x


def measured_size(name: str, n: int, null: dict, opts: dict, replicates: int, seed: int) -> dict:
    """False-rejection rate at ALPHA of test `name` at sample size n under the data-like null
    (cached on disk: it depends only on these inputs)."""

    def compute():
        rng = rng_for(seed, "gap_tests", "size", name)
        samples = _draw(null, n, replicates, rng)
        test = TESTS[name]
        res = stats.size_and_power(lambda x, rng: test.run(x, opts, rng, CHECK_BOOT, CHECK_SIM), samples, alpha=ALPHA, rng=rng)
        return {"size": res.rate, "ci": list(res.ci), "replicates": res.n_rep}

    key = {"test": name, "n": n, "null": null, "opts": opts, "replicates": replicates, "seed": seed,
           "boot": CHECK_BOOT, "sim": CHECK_SIM}
    return cached("gap_tests.size", key, compute)


def _size_table(source: str, quiet: bool) -> dict | None:
    """The bundled calibration table when size_source=table (None, with a note, if it cannot be read)."""
    if source != "table":
        return None
    try:
        return calibrate.load_table()
    except GapstudyError as exc:
        note(f"gap_tests: {exc}; measuring sizes here instead", quiet=quiet)
        return None


def table_size(table: dict, name: str, n: int, null: dict) -> dict | None:
    """Measured size of test `name` from the calibration table for the data-like null's shape and
    rounding at the tabulated n nearest to n; None when the table does not cover n or the null."""
    try:
        hit = calibrate.lookup_size(name, n, null["shape"], rounded=null["round_sig"] is not None, table=table)
    except GapstudyError:
        return None
    if not hit.covered:
        return None
    rounding = f", rounded to {table.get('round_sig', '?')} s.f." if hit.rounded else ""
    return {"size": hit.size, "ci": list(hit.ci), "replicates": hit.replicates,
            "source": f"calibration table: {hit.shape}{rounding}, n={hit.n_table}"}


# ---------------------------------------------------------------- pieces of the run

def _summary_of(name: str, res) -> dict:
    """The numbers of one test result worth keeping (plain floats)."""
    out = {"statistic": float(res.statistic), "pvalue": float(res.pvalue)}
    if name == "dip":
        out.update(raw_statistic=float(res.raw_statistic), raw_pvalue=float(res.raw_pvalue))
    elif name in ("silverman", "silverman_whole_line"):
        out.update(h_crit=float(res.statistic), lam=float(res.lam))
    elif name in ("mixture", "mixture_hv"):
        out.update(bic1=float(res.bic1), bic2=float(res.bic2), params2=[float(v) for v in res.params2],
                   bimodal=bool(res.bimodal), loglik2=float(res.loglik2), loglik_unimodal=float(res.loglik_unimodal),
                   loglik_skewt=float(res.loglik_skewt), params_skewt=[float(v) if np.isfinite(v) else None for v in res.params_skewt])  # df None: infinite (skew-normal)
    elif name == "deficit":
        out.update(observed=float(res.observed), expected=float(res.expected), ratio=float(res.statistic),
                   midp=float(res.midp), window_log10=list(res.window_log10))
    elif name == "scan":
        out.update(best_window=[float(v) for v in res.best_window_params], best_observed=float(res.best_observed),
                   best_expected=float(res.best_expected), best_ratio=float(res.best_ratio), windows=int(len(res.windows)))
    return out


def _detail(name: str, r: dict) -> str:
    if name == "dip":
        return f"dip of the sizes as written {fmt(r['raw_statistic'])} (p {fmt(r['raw_pvalue'])}), before the tie-breaking draw"
    if name in ("silverman", "silverman_whole_line"):
        return f"h_crit {fmt(r['h_crit'])} decades, lambda {fmt(r['lam'])}"
    if name == "mixture_hv":
        return "best two-normal fit " + ("bimodal" if r.get("bimodal") else "unimodal (LR 0, p = 1)")
    if name == "mixture":
        shape = "bimodal" if r.get("bimodal") else "unimodal"
        if "loglik_skewt" not in r:  # results written before the skew-t default
            return f"best two-normal fit {shape}"
        xi, omega, alpha, nu = r["params_skewt"]
        nu_txt = "infinite (skew-normal)" if nu is None else fmt(nu)
        return (f"log-likelihood two normals {fmt(r['loglik2'], 5)} ({shape}) vs skew-t {fmt(r['loglik_skewt'], 5)} "
                f"(shape {fmt(alpha)}, df {nu_txt})")
    if name == "deficit":
        return (f"observed {fmt(r['observed'])} (after one tie-breaking draw) vs expected {fmt(r['expected'])} "
                f"under the null refitted in every bootstrap replicate")
    if name == "scan":
        lo, hi = r["best_window"]
        return f"best window {params_label(lo)}-{params_label(hi)}: {fmt(r['best_observed'])} vs {fmt(r['best_expected'])} expected, {r['windows']} windows"
    return ""


def _run_tests(names, x, opts, cfg, label, progress) -> dict:
    g = cfg.gap_tests
    out = {}
    for name in names:
        test = TESTS[name]
        if x.size < max(test.min_n, g.min_n):
            out[name] = {"skipped": f"{x.size} models; this test needs at least {max(test.min_n, g.min_n)}"}
        else:
            res = test.run(x, opts, rng_for(cfg.seed, "gap_tests", label, name), int(g.n_boot), int(g.n_sim))
            out[name] = _summary_of(name, res)
        if progress is not None:
            progress.update()
    return out


def _quick(p: np.ndarray, lower: float, upper: float, cfg, label: str, n_sim: int) -> dict:
    """Counts plus the deficit and dip tests, for per-year and rolling windows (p: parameters)."""
    g = cfg.gap_tests
    row = gap_counts(p, lower, upper)
    x = np.log10(p)
    if x.size < g.min_n:
        row["skipped"] = f"{x.size} models (< gap_tests.min_n={g.min_n})"
        return row
    if x.max() < np.log10(lower) or x.min() > np.log10(upper):
        row["skipped"] = "every model lies outside the window (no deficit to test)"
        return row
    d = stats.deficit_test(x, lower, upper, null=g.null, n_sim=n_sim, jitter="log10",
                           rng=rng_for(cfg.seed, "gap_tests", label, "deficit"))
    dip = stats.dip_test(x, n_boot=int(g.n_boot), jitter="log10", rng=rng_for(cfg.seed, "gap_tests", label, "dip"))
    row.update(expected_inside=float(d.expected), deficit_ratio=float(d.statistic), deficit_p=float(d.pvalue),
               dip=float(dip.statistic), dip_p=float(dip.pvalue))
    return row


def _add_months(ts: pd.Timestamp, months: int) -> pd.Timestamp:
    return ts + pd.DateOffset(months=months)


def run(cfg) -> dict:
    """Counts, every test, threshold maps, out-of-sample and over-time checks, and measured sizes."""
    validate(cfg)
    g = cfg.gap_tests
    lower, upper = _window(cfg)
    sel = selection_from(cfg)
    start = pd.Timestamp(sel.start) if sel.start else None
    end = pd.Timestamp(sel.end) if sel.end else None
    # one load without the date filter: the main sample, the out-of-sample set and the time
    # series are all date windows of it
    undated = Selection(**{**sel.__dict__, "start": None, "end": None})
    ds = load_dataset(cfg.data.source, cfg.data.path, undated, cfg.data.get("snapshots_dir"))
    table = ds.table.sort_values("date").reset_index(drop=True)
    in_main = pd.Series(True, index=table.index)
    if start is not None:
        in_main &= table["date"] >= start
    if end is not None:
        in_main &= table["date"] <= end
    main = table[in_main]
    x = np.log10(main["parameters"].to_numpy(float))
    names = [t for t in g.tests if t in TESTS]
    need = max([TESTS[t].min_n for t in names] + [g.min_n])
    if x.size < need:
        raise GapstudyError(
            f"the main sample ({sel.start or 'start'} to {sel.end or 'end'}) has {x.size} models; the tests need at "
            f"least {need}: widen select.start/select.end or select.domains"
        )
    opts = {"lower": lower, "upper": upper, "null": g.null, "scan_points": int(g.scan_points)}
    pairs = [(lo, hi) for lo in g.map_lowers for hi in g.map_uppers if lo < hi]
    years = sorted(y for y in table["date"].dt.year.unique() if y >= g.first_year)
    progress = Progress(len(names) * 2 + len(pairs) + len(years) + 3, "gap_tests", quiet=cfg.quiet)
    note(f"gap_tests: {x.size} models in the main sample, window {params_label(lower)}-{params_label(upper)}", quiet=cfg.quiet)

    counts = gap_counts(main["parameters"].to_numpy(float), lower, upper)
    per_year_counts = counts_by_year(main, lower, upper)
    tests = _run_tests(names, x, opts, cfg, "main", progress)

    # measured size of each test at this n under the null the data look like
    null = data_like_null(x, main["parameters"].to_numpy(float))
    size_table = _size_table(g.size_source, cfg.quiet)
    for name in names:
        if "skipped" in tests[name]:
            progress.update()
            continue
        size = table_size(size_table, name, int(x.size), null) if size_table is not None else None
        if size is None:
            size = measured_size(name, int(x.size), null, opts, int(g.size_replicates), int(cfg.seed))
            size["source"] = f"simulated here at n={x.size} ({size['replicates']} replicates)"
        tests[name].update(size=size["size"], size_ci=size["ci"], size_replicates=size["replicates"],
                           size_source=size["source"], size_flag=bool(size["size"] > g.size_flag))
        progress.update()

    trough = None
    if "trough" in g.tests and x.size >= 10:
        tr = stats.kde_trough(x, n_boot=int(g.n_boot), rng=rng_for(cfg.seed, "gap_tests", "trough"))
        trough = []
        for rule, bt in tr.by_rule.items():
            trough.append({"rule": rule, "bandwidth": float(bt.bandwidth), "collapsed": bool(bt.collapsed),
                           "note": bt.note, "n_modes": int(bt.n_modes), "location": float(bt.location),
                           "location_params": float(10 ** bt.location) if np.isfinite(bt.location) else None,
                           "ci": [float(v) for v in bt.ci_location], "frac_bimodal": float(bt.frac_bimodal)})
    progress.update()

    # threshold maps
    maps = []
    fitted = stats.fit_null(x, g.null) if pairs else None  # one fit serves every window of the map
    for lo, hi in pairs:
        d = stats.deficit_test(x, lo, hi, null=fitted, n_sim=int(g.map_n_sim), jitter="log10", rng=rng_for(cfg.seed, "gap_tests", "map", lo, hi))
        maps.append({"lower": float(lo), "upper": float(hi), "observed": float(d.observed), "expected": float(d.expected),
                     "ratio": float(d.statistic), "pvalue": float(d.pvalue)})
        progress.update()

    # out of sample: the paper's window on models published after its data ended
    oos_start = pd.Timestamp(g.oos_start)
    later = table[table["date"] >= oos_start]
    po = later["parameters"].to_numpy(float)
    oos = {"start": g.oos_start, "lower": float(g.oos_lower), "upper": float(g.oos_upper),
           "newest": str(later["date"].max().date()) if len(later) else None,
           **_quick(po, float(g.oos_lower), float(g.oos_upper), cfg, "oos", int(g.n_sim))}
    progress.update()

    # over time: per year and rolling windows
    per_year = []
    for year in years:
        py = table.loc[table["date"].dt.year == year, "parameters"].to_numpy(float)
        per_year.append({"year": int(year), **_quick(py, lower, upper, cfg, f"year{year}", int(g.map_n_sim))})
        progress.update()
    rolling = []
    first = pd.Timestamp(f"{g.first_year}-01-01")
    newest = table["date"].max()
    w0 = first
    while _add_months(w0, g.rolling_months) <= _add_months(newest, g.rolling_step_months):
        w1 = _add_months(w0, g.rolling_months)
        m = (table["date"] >= w0) & (table["date"] < w1)
        pr = table.loc[m, "parameters"].to_numpy(float)
        rolling.append({"start": str(w0.date()), "end": str(w1.date()),
                        **_quick(pr, lower, upper, cfg, f"roll{w0.date()}", int(g.map_n_sim))})
        w0 = _add_months(w0, g.rolling_step_months)
    progress.update()

    history = gap_history.gap_history(table, lower, upper, years=gap_history.years_for(table),
                                      rng=rng_for(cfg.seed, "gap_tests", "history"))

    return {
        "data": ds.provenance_dict(),
        "gap_history": gap_history.as_records(history),
        "main_sample": {"start": sel.start, "end": sel.end, "domains": list(sel.domains), "n": int(x.size)},
        "window": {"lower": lower, "upper": upper},
        "counts": counts,
        "counts_by_year": per_year_counts,
        "tests": tests,
        "trough": trough,
        "data_like_null": null,
        "maps": maps,
        "out_of_sample": oos,
        "per_year": per_year,
        "rolling": rolling,
        "sample": {"log10_params": x.tolist(), "names": main["name"].fillna("").tolist(),
                   "years": main["date"].dt.year.tolist()},
        "alpha": ALPHA,
    }


# ---------------------------------------------------------------- words, tables, figures

def _test_rows(results) -> list[list]:
    rows = []
    for name, r in results["tests"].items():
        if "skipped" in r:
            rows.append([name, TESTS[name].question, "-", "-", "-", "-", r["skipped"]])
            continue
        size = f"{fmt(r['size'])} [{fmt(r['size_ci'][0])}, {fmt(r['size_ci'][1])}]" if "size" in r else "-"
        if r.get("size_flag"):
            size += " OVER-REJECTS"
        rows.append([name, TESTS[name].question, r["statistic"], r["pvalue"], size, r.get("size_source", "-"), _detail(name, r)])
    return rows


_TEST_COLUMNS = ["test", "question", "statistic", "p-value", "measured size at 0.05", "size from", "details"]


def _counts_line(c: dict) -> str:
    return f"{c['below']} below, {c['inside']} inside ({c['strictly_inside']} strictly inside), {c['above']} above"


def _verdict(results) -> list[str]:
    t = results["tests"]
    a = results["alpha"]
    lines = []
    lo, hi = results["window"]["lower"], results["window"]["upper"]
    if "deficit" in t and "skipped" not in t["deficit"]:
        d = t["deficit"]
        sig = d["pvalue"] < a
        lines.append(
            f"The window {params_label(lo)}-{params_label(hi)} holds {fmt(d['observed'])} models where a smooth unimodal null fitted to the "
            f"sample expects {fmt(d['expected'])} (ratio {fmt(d['statistic'])}, p = {fmt(d['pvalue'])}, the null refitted in "
            f"every bootstrap replicate): "
            + ("a significant deficit, but this window was chosen after looking at the data." if sig else "no significant deficit.")
        )
    if "scan" in t and "skipped" not in t["scan"]:
        s = t["scan"]
        lines.append(
            f"Scanning all {s['windows']} windows, the strongest deficit is {params_label(s['best_window'][0])}-{params_label(s['best_window'][1])} "
            f"({fmt(s['best_observed'])} vs {fmt(s['best_expected'])} expected); corrected for looking everywhere, p = {fmt(s['pvalue'])}"
            + (" (significant)." if s["pvalue"] < a else " (not significant).")
        )
    modal = [n for n in ("dip", "silverman", "silverman_whole_line", "excess_mass", "mixture", "mixture_hv") if n in t and "skipped" not in t[n]]
    if modal:
        rej = [n for n in modal if t[n]["pvalue"] < a]
        lines.append(
            f"Tests of unimodality: {len(rej)} of {len(modal)} reject one mode at {a} ({', '.join(rej) or 'none'})."
        )
    flagged = [n for n, r in t.items() if r.get("size_flag")]
    if flagged:
        lines.append(
            f"Caution: {', '.join(flagged)} rejected a true unimodal null more often than {results['config']['gap_tests']['size_flag']} "
            f"at this sample size under the null the data look like ({results['data_like_null']['shape']}"
            f"{', rounded' if results['data_like_null']['round_sig'] else ''}); discount their p-values."
        )
    o = results["out_of_sample"]
    if "deficit_p" in o:
        lines.append(
            f"Out of sample (published from {o['start']} to {o['newest']}): {_counts_line(o)} in "
            f"{params_label(o['lower'])}-{params_label(o['upper'])}; deficit ratio {fmt(o['deficit_ratio'])}, p = {fmt(o['deficit_p'])}"
            + (" (the deficit persists)." if o["deficit_p"] < a else " (no significant deficit after the paper).")
        )
    elif "skipped" in o:
        lines.append(f"Out of sample: not tested ({o['skipped']}).")
    years = [r for r in results["per_year"] if "deficit_p" in r]
    if years:
        sig_years = [str(r["year"]) for r in years if r["deficit_p"] < a]
        lines.append(
            f"Per year: a significant deficit in {len(sig_years)} of {len(years)} tested years ({', '.join(sig_years) or 'none'})."
        )
    return lines


def headline(results) -> dict:
    """One row per sweep job."""
    t = results["tests"]
    pick = lambda n, k: t[n][k] if n in t and k in t[n] else None  # noqa: E731
    c = results["counts"]
    return {
        "lower": results["window"]["lower"], "upper": results["window"]["upper"], "n": c["n"],
        "below": c["below"], "inside": c["inside"], "above": c["above"],
        "deficit ratio": pick("deficit", "statistic"), "deficit p": pick("deficit", "pvalue"),
        "scan p": pick("scan", "pvalue"), "dip p": pick("dip", "pvalue"),
    }


def summarize(results) -> str:
    d = results["data"]
    ms = results["main_sample"]
    c = results["counts"]
    lo, hi = results["window"]["lower"], results["window"]["upper"]
    out = [
        "# Is there a gap in model sizes?",
        "",
        f"Data: `{d['path']}` ({d['layout_description']}); main sample {ms['start']} to {ms['end']}, domains "
        f"{', '.join(ms['domains']) or 'all'}: {ms['n']} models with a size.",
        "",
        f"Window {params_label(lo)}-{params_label(hi)} parameters (bounds inclusive): {_counts_line(c)}.",
        "",
        "## Findings",
        "",
        *[f"- {line}" for line in _verdict(results)],
        "",
        "## Tests",
        "",
        "All tests work on log10(parameters). Measured size: the false-rejection rate at 0.05 of each test at this "
        f"sample size under the unimodal null the data look like ({results['data_like_null']['shape']}"
        f"{', rounded to ' + str(results['data_like_null']['round_sig']) + ' significant figures' if results['data_like_null']['round_sig'] else ''}), "
        "with a 95% interval; 'size from' says whether it comes from the calibration table (the calibration "
        "experiment, nearest tabulated n on a log scale) or was simulated in this run. OVER-REJECTS: above "
        f"gap_tests.size_flag = {results['config']['gap_tests']['size_flag']}.",
        "",
        md_table(_TEST_COLUMNS, _test_rows(results)),
        "",
        "## Counts per year (main sample)",
        "",
        md_table(["year", "n", "below", "inside", "strictly inside", "above"],
                 [[r["year"], r["n"], r["below"], r["inside"], r["strictly_inside"], r["above"]] for r in results["counts_by_year"]]),
        "",
        "## Did the gap fill? The window per year against the smooth trend (all years, same selection)",
        "",
        *[f"- {line}" for line in history_report.verdict_lines(results["gap_history"], lo, hi)],
        "",
        history_report.markdown(results["gap_history"], lo, hi),
        "",
        "## Over time (all years from the first year, same domains)",
        "",
        md_table(["year", "n", "below", "inside", "above", "expected inside", "deficit ratio", "deficit p", "dip p"],
                 [[r["year"], r["n"], r["below"], r["inside"], r["above"], r.get("expected_inside"), r.get("deficit_ratio"),
                   r.get("deficit_p"), r.get("dip_p")] for r in results["per_year"]]),
        "",
    ]
    if results.get("trough"):
        out += ["## Where is the trough?", "",
                md_table(["bandwidth rule", "bandwidth", "modes", "trough (params)", "95% interval", "share of resamples bimodal", "note"],
                         [[t["rule"], t["bandwidth"], t["n_modes"], params_label(t["location_params"]),
                           f"{log10_params_label(t['ci'][0]) if np.isfinite(t['ci'][0]) else '-'} - {log10_params_label(t['ci'][1]) if np.isfinite(t['ci'][1]) else '-'}",
                           t["frac_bimodal"], t["note"]] for t in results["trough"]]), ""]
    best = sorted(results["maps"], key=lambda m: m["pvalue"])[:5]
    out += ["## Threshold map: the five most significant windows", "",
            md_table(["lower", "upper", "observed", "expected", "ratio", "p (uncorrected)"],
                     [[params_label(m["lower"]), params_label(m["upper"]), m["observed"], m["expected"], m["ratio"], m["pvalue"]] for m in best]), ""]
    return "\n".join(out)


def _map_figure(maps, key, title):
    import plotly.graph_objects as go

    lowers = sorted({m["lower"] for m in maps})
    uppers = sorted({m["upper"] for m in maps})
    z = np.full((len(lowers), len(uppers)), np.nan)
    for m in maps:
        z[lowers.index(m["lower"]), uppers.index(m["upper"])] = m[key]
    fig = go.Figure(go.Heatmap(z=z, x=[params_label(u) for u in uppers], y=[params_label(v) for v in lowers], colorscale="Viridis",
                               colorbar={"title": key}, hovertemplate="lower %{y}, upper %{x}: %{z:.3g}<extra></extra>"))
    fig.update_layout(title=title, xaxis_title="upper bound (parameters)", yaxis_title="lower bound (parameters)", height=420)
    return fig


def sections(results) -> list[Section]:
    import plotly.graph_objects as go

    from gapstudy.report.html import safe_labels

    x = np.array(results["sample"]["log10_params"])
    lo, hi = np.log10(results["window"]["lower"]), np.log10(results["window"]["upper"])
    hist = go.Figure()
    hist.add_trace(go.Histogram(x=x, nbinsx=30, histnorm="probability density", name="models", opacity=0.6))
    grid = np.linspace(x.min() - 0.5, x.max() + 0.5, 400)
    h = 1.06 * x.std() * x.size ** -0.2  # Silverman's rule-of-thumb bandwidth for the displayed density
    dens = np.exp(-0.5 * ((grid[:, None] - x[None]) / h) ** 2).sum(1) / (x.size * h * np.sqrt(2 * np.pi))
    hist.add_trace(go.Scatter(x=grid, y=dens, mode="lines", name="KDE (Silverman's rule)"))
    hist.add_vrect(x0=lo, x1=hi, fillcolor="orange", opacity=0.15, line_width=0)
    hist.update_layout(title="Model sizes, main sample (shaded: the gap window)", xaxis_title="parameters (log scale)",
                       xaxis=log10_axis(float(grid.min()), float(grid.max())), height=420)
    xs = np.sort(x)
    ecdf = go.Figure(go.Scatter(x=xs, y=np.arange(1, xs.size + 1) / xs.size, mode="lines", line_shape="hv",
                                text=safe_labels(np.array(results["sample"]["names"])[np.argsort(x)]),
                                customdata=[log10_params_label(v) for v in xs],
                                hovertemplate="%{text}<br>%{customdata} parameters<extra></extra>", name="ECDF"))
    ecdf.add_vrect(x0=lo, x1=hi, fillcolor="orange", opacity=0.15, line_width=0)
    ecdf.update_layout(title="Empirical CDF (flat stretch = few models)", xaxis_title="parameters (log scale)",
                       xaxis=log10_axis(float(xs.min()), float(xs.max())), height=380)
    py = results["per_year"]
    years = [r["year"] for r in py]
    bars = go.Figure()
    for key, name in (("below", "below"), ("inside", "inside"), ("above", "above")):
        bars.add_trace(go.Bar(x=years, y=[r[key] for r in py], name=name))
    bars.add_trace(go.Scatter(x=years, y=[r.get("expected_inside") for r in py], mode="markers+lines", name="expected inside (null)"))
    bars.update_layout(barmode="stack", title="Models below, inside and above the window per year", height=400,
                       xaxis={"tickformat": "d", "dtick": 1, "title": "year"}, yaxis_title="models")
    roll = results["rolling"]
    rfig = go.Figure()
    rfig.add_trace(go.Scatter(x=[r["end"] for r in roll], y=[r.get("deficit_p") for r in roll], name="deficit p", mode="lines+markers"))
    rfig.add_trace(go.Scatter(x=[r["end"] for r in roll], y=[r.get("dip_p") for r in roll], name="dip p", mode="lines+markers"))
    rfig.add_hline(y=results["alpha"], line_dash="dot")
    rfig.update_yaxes(type="log", title="p-value")
    rfig.update_layout(title="Rolling windows (plotted at their end date)", height=380, xaxis={"tickformat": ".0f", "title": "end of window (year)"})
    o = results["out_of_sample"]
    oos_rows = [[o["start"], o.get("newest"), o["n"], o["below"], o["inside"], o["above"], o.get("expected_inside"),
                 o.get("deficit_ratio"), o.get("deficit_p"), o.get("dip_p")]]
    sections = [
        Section("Findings", text=_verdict(results)),
        Section("Distribution of sizes", figures=[hist, ecdf], captions=[
            "How to read this: bars are the share of models per size bin, the line a smoothed density; a dip inside the shaded "
            "window is the gap, but bins and smoothing can make or hide dips, so read the tests below for significance.",
            "How to read this: the curve rises by one step per model; a flat stretch over the shaded window means few models "
            "there, a steep one many."]),
        Section("Tests", tables=[Table(_TEST_COLUMNS, _test_rows(results))]),
        Section("Threshold maps (uncorrected)", figures=[_map_figure(results["maps"], "ratio", "Deficit ratio observed/expected"),
                                                         _map_figure(results["maps"], "pvalue", "Deficit p-value")],
                captions=["How to read this: each cell is one window (rows: lower bound, columns: upper bound); below 1 means fewer "
                          "models than the smooth null expects there.",
                          "How to read this: the deficit p-value of each window, not corrected for trying many windows; the scan "
                          "test in the table above is the corrected answer."]),
        Section("Out of sample", tables=[Table(["from", "to", "n", "below", "inside", "above", "expected inside", "ratio", "p", "dip p"], oos_rows)]),
        Section("Over time", figures=[bars, rfig], captions=[
            "How to read this: stacked bars count the models per year below, inside and above the window; the line is the "
            "count inside that the smooth null expects.",
            "How to read this: p-values of the deficit and dip tests on rolling windows of releases (log scale); points below "
            "the dotted line are significant at the chosen alpha."]),
        history_report.section(results["gap_history"], results["window"]["lower"], results["window"]["upper"]),
    ]
    if results.get("trough"):
        sections.append(Section("Where is the trough?", tables=[Table(
            ["rule", "bandwidth", "modes", "trough (params)", "share bimodal", "note"],
            [[t["rule"], t["bandwidth"], t["n_modes"], params_label(t["location_params"]), t["frac_bimodal"], t["note"]] for t in results["trough"]])]))
    return sections


def combine(docs: list[dict]) -> list[Section]:
    """A sweep over gap thresholds: deficit ratio and p-value maps across the jobs."""
    maps = [{"lower": d["window"]["lower"], "upper": d["window"]["upper"],
             "ratio": d["tests"].get("deficit", {}).get("statistic", np.nan),
             "pvalue": d["tests"].get("deficit", {}).get("pvalue", np.nan)} for d in docs]
    if len({(m["lower"], m["upper"]) for m in maps}) < 2:
        return []
    return [Section("Gap thresholds across the sweep", figures=[_map_figure(maps, "ratio", "Deficit ratio per job"),
                                                               _map_figure(maps, "pvalue", "Deficit p-value per job")],
                    captions=["How to read this: one cell per job's window (rows: lower bound, columns: upper bound); below 1 "
                              "means fewer models there than the smooth null expects.",
                              "How to read this: each job's deficit p-value, not corrected for the number of windows swept."])]
