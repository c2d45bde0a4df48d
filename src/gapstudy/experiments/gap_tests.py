"""The gap_tests experiment: is there a gap in model sizes, where, how sure are we, and does it last?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from gapstudy import stats
from gapstudy.cache import cached
from gapstudy.data import Selection, load_dataset
from gapstudy.errors import GapstudyError
from gapstudy.growth import gap_history
from gapstudy.experiments.common import check_gap, counts_by_year, gap_counts, selection_from
from gapstudy.progress import Progress, note
from gapstudy.report.units import params_label
from gapstudy.seeding import rng_for
from gapstudy.stats import calibrate, data_like

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
        GapTest("dip", "unimodal? (Hartigan dip against a data-like unimodal reference, p calibrated for n)",
                lambda x, c, r, b, s: stats.dip_test(x, n_boot=b, jitter="log10", rng=r), 4),
        GapTest("silverman", "more than one mode in the central 90%? (Silverman, lambda calibrated for n)",
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


# ---------------------------------------------------------------- measured sizes

def measured_size(name: str, n: int, null: dict, opts: dict, replicates: int, seed: int) -> dict:
    """False-rejection rate at ALPHA of test `name` at sample size n under the data-like null
    (cached on disk: it depends only on these inputs)."""

    def compute():
        rng = rng_for(seed, "gap_tests", "size", name)
        samples = data_like.sample(null, n, replicates, rng)
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
        out.update(raw_statistic=float(res.raw_statistic), raw_pvalue=float(res.raw_pvalue),
                   data_like_pvalue=float(res.data_like_pvalue))
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
    null = data_like.fit(x, main["parameters"].to_numpy(float))
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


# presentation lives in gap_tests_report; the runner and sweeps find it here
from gapstudy.experiments.gap_tests_report import combine, headline, sections, summarize  # noqa: E402,F401
