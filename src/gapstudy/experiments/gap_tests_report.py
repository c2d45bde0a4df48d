"""gap_tests presentation: the verdict text, tables, figures and combined sweep report, from results.json alone."""

from __future__ import annotations

import numpy as np

from gapstudy.report import Section, Table, md_table
from gapstudy.report import gap_history as history_report
from gapstudy.report.markdown import fmt
from gapstudy.report.units import log10_axis, log10_params_label, params_label


# Skew-t shape parameters below this are written as 0: the penalised fit's symmetric optimum is 0 up to
# floating-point noise (seen: -1.1e-14 on the bundled registry), far below any shape the data could tell.
SHAPE_ZERO = 1e-6


def _detail(name: str, r: dict) -> str:
    if name == "dip":
        mapped = (f"; p {fmt(r['data_like_pvalue'])} before its calibration for n" if "data_like_pvalue" in r
                  and r["data_like_pvalue"] != r["pvalue"] else "")  # older results have no data_like_pvalue
        return (f"dip of the sizes as written {fmt(r['raw_statistic'])} (p {fmt(r['raw_pvalue'])}), before the tie-breaking "
                f"draw{mapped}")
    if name in ("silverman", "silverman_whole_line"):
        source = "for this n" if name == "silverman" else "Hall & York's asymptotic"
        return f"h_crit {fmt(r['h_crit'])} decades, lambda {fmt(r['lam'], 4)} ({source})"
    if name == "mixture_hv":
        return "best two-normal fit " + ("bimodal" if r.get("bimodal") else "unimodal (LR 0, p = 1)")
    if name == "mixture":
        shape = "bimodal" if r.get("bimodal") else "unimodal"
        if "loglik_skewt" not in r:  # results written before the skew-t default
            return f"best two-normal fit {shape}"
        xi, omega, alpha, nu = r["params_skewt"]
        # the penalised fit leaves a symmetric sample's shape at rounding noise (~1e-14): that is 0
        alpha = 0.0 if abs(alpha) < SHAPE_ZERO else alpha
        family = ("normal" if alpha == 0 else "skew-normal") if nu is None else ("Student t" if alpha == 0 else "skew-t")
        nu_txt = "infinite" if nu is None else fmt(nu)
        return (f"log-likelihood two normals {fmt(r['loglik2'], 5)} ({shape}) vs skew-t {fmt(r['loglik_skewt'], 5)} "
                f"(shape {fmt(alpha)}, df {nu_txt}: a {family})")
    if name == "deficit":
        return (f"observed {fmt(r['observed'])} (after one tie-breaking draw) vs expected {fmt(r['expected'])} "
                f"under the null refitted in every bootstrap replicate")
    if name == "scan":
        lo, hi = r["best_window"]
        return f"best window {params_label(lo)}-{params_label(hi)}: {fmt(r['best_observed'])} vs {fmt(r['best_expected'])} expected, {r['windows']} windows"
    return ""



def _test_rows(results) -> list[list]:
    from gapstudy.experiments.gap_tests import TESTS  # noqa: PLC0415 - gap_tests imports this module at its end

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
