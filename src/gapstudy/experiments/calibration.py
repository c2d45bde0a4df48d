"""The calibration experiment: each gap test's size under unimodal nulls and power under gapped alternatives."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from concurrent.futures import as_completed
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf

from gapstudy import __version__, stats
from gapstudy.cache import cached
from gapstudy.errors import GapstudyError
from gapstudy.experiments.common import check_gap
from gapstudy.progress import Progress, note
from gapstudy.signals import process_pool
from gapstudy.report import Section, Table, md_table
from gapstudy.report.markdown import fmt
from gapstudy.report.units import params_label
from gapstudy.seeding import rng_for
from gapstudy.stats import calibrate
from gapstudy.stats.simulate import NULL_SHAPES

ALPHA = 0.05  # the level at which sizes and power are measured, as in gap_tests
ALTERNATIVES = ("gapped_1.0", "gapped_0.7", "mixture")  # see CalibrationConfig.alternatives
# Fewest replicates per cell: below 20 a rejection rate at 0.05 is mostly noise (CI tests use 60;
# the recorded run uses 1,000).
MIN_REPLICATES = 20
MIN_N = 10  # the deficit, scan, excess-mass and mixture tests need 10 sizes


def validate(cfg) -> None:
    """Reject impossible calibration settings before any work."""
    c = cfg.calibration
    bad = [t for t in c.tests if t not in calibrate.TESTS]
    if bad or not c.tests:
        raise GapstudyError(f"calibration.tests={list(c.tests)} must be a non-empty list from {', '.join(calibrate.TESTS)}")
    bad = [s for s in c.shapes if s not in NULL_SHAPES]
    if bad:
        raise GapstudyError(f"calibration.shapes has unknown shape(s) {bad}; choose from {', '.join(NULL_SHAPES)}")
    bad = [a for a in c.alternatives if a not in ALTERNATIVES]
    if bad:
        raise GapstudyError(f"calibration.alternatives has unknown name(s) {bad}; choose from {', '.join(ALTERNATIVES)}")
    if not c.shapes and not c.alternatives:
        raise GapstudyError("calibration.shapes and calibration.alternatives are both empty; nothing to simulate")
    if not c.sizes or any(int(n) < MIN_N or int(n) > 100_000 for n in c.sizes):
        raise GapstudyError(f"calibration.sizes={list(c.sizes)} must be sample sizes between {MIN_N} and 100000, e.g. [30,60,120,300]")
    if int(c.replicates) < MIN_REPLICATES:
        raise GapstudyError(f"calibration.replicates={c.replicates} is too few for a rejection rate; use at least {MIN_REPLICATES} (1000 for the table)")
    b = int(c.inner_boot)
    if b < 19 or abs(ALPHA * (1 + b) - round(ALPHA * (1 + b))) > 1e-9:
        raise GapstudyError(f"calibration.inner_boot={b} must be >= 19 with (1 + B) x {ALPHA} a whole number, e.g. 199 or 999")
    if not 1 <= int(c.round_sig) <= 6:
        raise GapstudyError(f"calibration.round_sig={c.round_sig} must be 1..6 significant figures (counts are written as 7B, 13B, 175B)")
    if not (np.isfinite(c.scale) and c.scale > 0 and 5 <= c.loc <= 14):
        raise GapstudyError(f"calibration.loc={c.loc} and scale={c.scale} must be a log10 centre in 5..14 and a positive spread")
    if int(c.workers) < 1:
        raise GapstudyError(f"calibration.workers={c.workers} must be at least 1")
    check_gap(float(cfg.gap.lower), float(cfg.gap.upper))
    if int(cfg.gap_tests.scan_points) < 3:
        raise GapstudyError("gap_tests.scan_points must be >= 3 for the calibration")
    data = cfg.get("data") if hasattr(cfg, "get") else None
    if data is not None and (data.get("path") is not None or data.get("source", "registry") != "registry"):
        raise GapstudyError("the calibration experiment simulates its samples and reads no data file: drop data=/data.path= "
                            "(set sample sizes with calibration.sizes and rounding with calibration.round_sig)")


# ---------------------------------------------------------------- the cells

def _scenarios(cfg) -> list[dict]:
    c = cfg.calibration
    out = []
    for shape in c.shapes:
        out.append({"kind": "null", "name": shape, "shape": shape, "rounded": False})
        out.append({"kind": "null", "name": f"{shape}, rounded", "shape": shape, "rounded": True})
    for alt in c.alternatives:
        out.append({"kind": "alternative", "name": alt, "shape": "normal" if alt != "mixture" else None, "rounded": False})
    return out


def _draw(spec: dict, rng: np.random.Generator) -> np.ndarray:
    sc, n, r = spec["scenario"], spec["n"], spec["replicates"]
    loc, scale = spec["loc"], spec["scale"]
    if sc["kind"] == "null":
        return stats.sample_null(sc["shape"], n, size=r, rng=rng, loc=loc, scale=scale,
                                 round_sig=spec["round_sig"] if sc["rounded"] else None)
    if sc["name"] == "mixture":
        return stats.sample_mixture(n, size=r, rng=rng)
    depth = float(sc["name"].split("_")[1])
    return stats.sample_gapped("normal", n, size=r, rng=rng, loc=loc, scale=scale, lower=spec["opts"]["lower"],
                               upper=spec["opts"]["upper"], depth=depth)


def cell_key(spec: dict, test: str) -> dict:
    """Everything one test's numbers in one cell depend on (its cache key), with the version of the
    test's method in gapstudy.stats.calibrate, so a changed method never reuses old numbers."""
    key = {k: spec[k] for k in ("scenario", "n", "replicates", "seed", "opts", "loc", "scale", "round_sig", "alpha")}
    key.update(test=test, method=calibrate.METHOD_VERSION[test])
    return key


def compute_cell(spec: dict) -> dict:
    """Rejection counts of every test on one (scenario, n) cell, each test's result cached on disk:
    an interrupted run resumes from what it finished. All tests see the same replicate samples."""
    t0 = time.perf_counter()
    seed, sc, n = spec["seed"], spec["scenario"]["name"], spec["n"]
    state: dict = {}

    def samples():
        if "x" not in state:
            state["x"] = _draw(spec, rng_for(seed, "calibration", "samples", sc, n))
        return state["x"]

    def all_missing():
        # the tests still to compute run together, so dip and excess_mass share each
        # replicate's calibration density
        if "todo" not in state:
            todo = [t for t in spec["tests"] if t not in state.get("done", {})]
            state["todo"] = calibrate.rejections(samples(), todo, alpha=spec["alpha"], opts=spec["opts"],
                                                 rng_for_test=lambda t: rng_for(seed, "calibration", "test", sc, n, t))
        return state["todo"]

    res = {t: cached("calibration.cell", cell_key(spec, t), lambda t=t: all_missing()[t]) for t in spec["tests"]}
    return {"tests": res, "seconds": time.perf_counter() - t0}


def _specs(cfg) -> list[dict]:
    c = cfg.calibration
    opts = {"lower": float(cfg.gap.lower), "upper": float(cfg.gap.upper), "null": str(cfg.gap_tests.null),
            "scan_points": int(cfg.gap_tests.scan_points), "inner_boot": int(c.inner_boot)}
    specs = []
    for sc in _scenarios(cfg):
        for n in sorted({int(v) for v in c.sizes}, reverse=True):
            # the mixture's warp-speed estimate (see calibrate.mixture_rejects) in every cell unless
            # calibration.mixture_warp=false; mixture_hv's only in power cells (its sizes need the full test)
            cell_opts = {**opts, "mixture_warp": bool(c.mixture_warp), "mixture_hv_warp": sc["kind"] == "alternative"}
            specs.append({"scenario": sc, "n": n, "replicates": int(c.replicates), "seed": int(cfg.seed),
                          "tests": list(c.tests), "opts": cell_opts, "loc": float(c.loc), "scale": float(c.scale),
                          "round_sig": int(c.round_sig), "alpha": ALPHA})
    return specs


def _compute_all(specs: list[dict], workers: int, quiet: bool) -> list[dict]:
    progress = Progress(len(specs), "calibration cells", quiet=quiet)
    out: list[dict | None] = [None] * len(specs)
    if workers <= 1 or len(specs) == 1:
        for i, spec in enumerate(specs):
            out[i] = compute_cell(spec)
            progress.update()
        return out  # type: ignore[return-value]
    # workers end with the run on Ctrl-C/SIGTERM (gapstudy.signals); finished cells stay cached
    # submitted biggest n first across all scenarios (longest cells first: the last cells to finish are short ones, so
    # no worker idles long at the end; by scenario, each scenario's n = 300 cell came after the previous one's n = 30);
    # every cell draws from its own seed, so the order changes no number
    order = sorted(range(len(specs)), key=lambda i: -specs[i]["n"])
    with process_pool(min(workers, len(specs))) as pool:
        futures = {pool.submit(compute_cell, specs[i]): i for i in order}
        for fut in as_completed(futures):
            out[futures[fut]] = fut.result()
            progress.update()
    return out  # type: ignore[return-value]


# ---------------------------------------------------------------- run

def run(cfg) -> dict:
    """Simulate every (scenario, n) cell and tabulate size and power with Wilson intervals."""
    validate(cfg)
    c = cfg.calibration
    specs = _specs(cfg)
    note(f"calibration: {len(specs)} cells x {c.replicates} replicates, tests {', '.join(c.tests)}, "
         f"{c.workers} worker(s); finished cells come from the cache", quiet=cfg.quiet)
    t0 = time.perf_counter()
    done = _compute_all(specs, int(c.workers), bool(cfg.quiet))
    wall = time.perf_counter() - t0
    cells = []
    for spec, res in zip(specs, done):
        sc = spec["scenario"]
        for test, r in res["tests"].items():
            cells.append({"kind": sc["kind"], "scenario": sc["name"], "shape": sc["shape"], "rounded": sc["rounded"],
                          "n": spec["n"], "test": test, "rate": r["rate"], "ci": r["ci"], "rejections": r["rejections"],
                          "replicates": r["replicates"]})
    settings = OmegaConf.to_container(c, resolve=True) if not isinstance(c, dict) else dict(c)
    results = {
        "alpha": ALPHA,
        "size_flag": float(cfg.gap_tests.size_flag),
        "settings": settings,
        "window": {"lower": float(cfg.gap.lower), "upper": float(cfg.gap.upper)},
        "test_settings": specs[0]["opts"],
        "cells": cells,
        "timing": {"wall_seconds": wall, "cell_seconds": float(sum(r["seconds"] for r in done))},
    }
    if c.export:
        path = Path(str(c.export)).expanduser()
        table = table_from_results(results, int(cfg.seed))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            raise GapstudyError(f"cannot write calibration.export={c.export} ({exc.strerror or exc}); pick a writable path") from None
        results["exported_to"] = str(path)
        note(f"calibration: size table written to {path}", quiet=cfg.quiet)
    return results


def _command(settings: dict) -> str:
    """The command that writes the bundled table with these settings (the tests named where they
    are not the default grid's)."""
    cmd = "python -m gapstudy experiment=calibration"
    if list(settings.get("tests", [])) != list(calibrate.DEFAULT_TESTS):
        cmd += " 'calibration.tests=[" + ",".join(settings["tests"]) + "]'"
    return cmd + " calibration.export=src/gapstudy/stats/calibration_table.json"


def table_from_results(results: dict, seed: int) -> dict:
    """The machine-readable size table (what gapstudy.stats.calibrate.lookup_size reads), with provenance."""
    s = results["settings"]
    sizes = [{"test": c["test"], "shape": c["shape"], "rounded": c["rounded"], "n": c["n"], "size": c["rate"],
              "ci": c["ci"], "rejections": c["rejections"], "replicates": c["replicates"]}
             for c in results["cells"] if c["kind"] == "null"]
    power = [{"test": c["test"], "alternative": c["scenario"], "n": c["n"], "power": c["rate"], "ci": c["ci"],
              "replicates": c["replicates"]} for c in results["cells"] if c["kind"] == "alternative"]
    return {
        "about": "False-rejection rate at alpha of each gap test under unimodal nulls (log10 sizes loc + scale * Z, Z "
                 "normal / skew-normal(4) / t4; 'rounded': counts rounded to round_sig significant figures), with "
                 "Wilson 95% intervals; power under gapped alternatives. Written by the calibration experiment.",
        "provenance": {"gapstudy": __version__, "date": dt.date.today().isoformat(), "seed": seed,
                       "command": _command(s),
                       "calibration": s, "window": results["window"], "test_settings": results["test_settings"],
                       "wall_seconds": results["timing"]["wall_seconds"]},
        "alpha": results["alpha"],
        "round_sig": s["round_sig"],
        "sizes": sizes,
        "power": power,
    }


def tables_markdown(table: dict) -> str:
    """The size and power tables of an exported calibration table (see table_from_results) as
    markdown, with its provenance line: what experiments/regenerate.py puts in the READMEs."""
    flag = 0.075  # gap_tests.size_flag's default (GapTestsConfig), the flag the tables mark
    cells = [{"kind": "null", "scenario": r["shape"] + (", rounded" if r["rounded"] else ""), "test": r["test"],
              "n": r["n"], "rate": r["size"], "ci": r["ci"]} for r in table["sizes"]]
    cells += [{"kind": "alternative", "scenario": r["alternative"], "test": r["test"], "n": r["n"], "rate": r["power"],
               "ci": r["ci"]} for r in table.get("power", [])]
    res = {"cells": cells, "size_flag": flag}
    prov = table["provenance"]
    c = prov["calibration"]
    cols, rows = _size_rows(res)
    pcols, prows = _power_rows(res)
    return "\n".join([
        f"_From `gapstudy/stats/calibration_table.json`: {c['replicates']} replicates per cell, seed {prov['seed']}, "
        f"gapstudy {prov['gapstudy']}, {prov['date']}, {prov['wall_seconds']:.0f} s; `{prov['command']}`._",
        "",
        f"Size at alpha = {table['alpha']} (rejection rate under unimodal nulls of log10 sizes, loc {c['loc']}, scale "
        f"{c['scale']}; 'rounded': counts rounded to {c['round_sig']} significant figures), Wilson 95% interval; "
        f"OVER: above {flag}; LOW: below 0.025 (valid but wasting power).",
        "",
        md_table(cols, rows),
        "",
        "Power at alpha = 0.05 (gapped_1.0 / gapped_0.7: a normal with the 20B-70B window emptied fully / by 70%; "
        "mixture: 80% N(9.0, 0.6) + 20% N(11.3, 0.4)); '(size off)': the test's size at that n left 0.025-0.075 "
        "under some null, so its power is not comparable.",
        "",
        md_table(pcols, prows),
    ])


# ---------------------------------------------------------------- words, tables, figures

def _cell_text(c: dict, flag: float | None) -> str:
    text = f"{fmt(c['rate'])} [{fmt(c['ci'][0], 2)}, {fmt(c['ci'][1], 2)}]"
    if flag is None:
        return text
    if c["rate"] > flag:
        return text + " OVER"
    return text + " LOW" if c["rate"] < 0.025 else text


def _honest_size(results) -> dict:
    """(test, n) -> whether every null cell's size lies in the 0.025-0.075 band."""
    out: dict = {}
    for c in results["cells"]:
        if c["kind"] == "null":
            ok = 0.025 <= c["rate"] <= 0.075
            out[(c["test"], c["n"])] = out.get((c["test"], c["n"]), True) and ok
    return out


def _grid(results, kind: str):
    """(row labels, n values, {(row, n): cell}) for nulls (rows test x null) or alternatives."""
    cells = [c for c in results["cells"] if c["kind"] == kind]
    ns = sorted({c["n"] for c in cells})
    rows: list[tuple[str, str]] = []
    by = {}
    for c in cells:
        key = (c["test"], c["scenario"])
        if key not in rows:
            rows.append(key)
        by[key + (c["n"],)] = c
    order = {t: i for i, t in enumerate(calibrate.TESTS)}
    first = {k: i for i, k in enumerate(rows)}
    rows.sort(key=lambda k: (order.get(k[0], 99), first[k]))
    return rows, ns, by


def _size_rows(results) -> tuple[list[str], list[list]]:
    rows, ns, by = _grid(results, "null")
    flag = results["size_flag"]
    return ["test", "null", *[f"n={n}" for n in ns]], [
        [t, sc, *[_cell_text(by[(t, sc, n)], flag) if (t, sc, n) in by else "-" for n in ns]] for t, sc in rows]


def _power_rows(results) -> tuple[list[str], list[list]]:
    """Power cells; '(size off)' marks a test whose size at that n left the 0.025-0.075 band under
    some null, so that its power is not comparable with an honest test's."""
    rows, ns, by = _grid(results, "alternative")
    honest = _honest_size(results)

    def text(t, sc, n):
        if (t, sc, n) not in by:
            return "-"
        return _cell_text(by[(t, sc, n)], None) + ("" if honest.get((t, n), True) else " (size off)")

    return ["test", "alternative", *[f"n={n}" for n in ns]], [[t, sc, *[text(t, sc, n) for n in ns]] for t, sc in rows]


def _findings(results) -> list[str]:
    nulls = [c for c in results["cells"] if c["kind"] == "null"]
    flag = results["size_flag"]
    lines = []
    for test in calibrate.TESTS:
        mine = [c for c in nulls if c["test"] == test]
        if not mine:
            continue
        over = [c for c in mine if c["rate"] > flag]
        worst = max(mine, key=lambda c: c["rate"])
        lo = min(mine, key=lambda c: c["rate"])
        line = (f"{test}: size {fmt(lo['rate'])} to {fmt(worst['rate'])} across {len(mine)} null cells "
                f"(largest under {worst['scenario']}, n={worst['n']})")
        if over:
            line += f"; above {flag} in {len(over)}: " + ", ".join(f"{c['scenario']} n={c['n']} ({fmt(c['rate'])})" for c in over)
        else:
            line += f"; never above {flag}"
        lines.append(line + ".")
    alts = [c for c in results["cells"] if c["kind"] == "alternative"]
    if alts:
        for alt in dict.fromkeys(c["scenario"] for c in alts):
            mine = [c for c in alts if c["scenario"] == alt]
            nmax = max(c["n"] for c in mine)
            best = sorted((c for c in mine if c["n"] == nmax), key=lambda c: -c["rate"])
            lines.append(f"Power under {alt} at n={nmax}: " + ", ".join(f"{c['test']} {fmt(c['rate'])}" for c in best) + ".")
    return lines


def summarize(results) -> str:
    s = results["settings"]
    cols, rows = _size_rows(results)
    pcols, prows = _power_rows(results)
    w = results["window"]
    t = results["timing"]
    out = [
        "# Can the gap tests be trusted at these sample sizes?",
        "",
        f"Each cell: {s['replicates']} replicate samples of n log10 sizes; rejection rate at alpha = {results['alpha']} "
        f"with a Wilson 95% interval. Nulls: loc {s['loc']} + scale {s['scale']} x Z, Z normal, skew-normal (shape 4) or "
        f"Student t (4 df); 'rounded': counts rounded to {s['round_sig']} significant figures (ties). Tests as gap_tests "
        f"runs them (window {params_label(w['lower'])}-{params_label(w['upper'])}, KDE null refitted in every bootstrap "
        f"replicate, scan grid of {results['test_settings']['scan_points']} points, ties broken by one draw within each "
        f"count's rounding interval); bootstrap tests with {s['inner_boot']} inner draws per replicate (stopped early "
        "once a replicate cannot reject, Besag & Clifford 1991), the calibrated dip and the excess mass against samples "
        "from each replicate's own calibration density, the mixture test (two normals against a skew-t) against samples "
        "from each replicate's own skew-t fit" + (" by the warp-speed method (one bootstrap draw per replicate, pooled; "
        "checked against the full test in the README)" if s.get("mixture_warp", True) else "") + ", the Holzmann-Vollmer "
        "bimodality LR (mixture_hv, where run) against samples from each replicate's best unimodal two-normal fit (power "
        "cells: warp-speed). "
        f"This run took {t['wall_seconds']:.0f} s ({t['cell_seconds']:.0f} s of cell work; cells already in the cache "
        "cost nothing, so a rerun or resumed run takes less than the first).",
        "",
        "## Findings",
        "",
        *[f"- {line}" for line in _findings(results)],
        "",
    ]
    if rows:
        out += ["## Size under unimodal nulls", "",
                f"OVER: the measured size exceeds gap_tests.size_flag = {results['size_flag']}.", "",
                md_table(cols, rows), ""]
    if prows:
        out += ["## Power under gapped alternatives", "",
                "gapped_1.0 / gapped_0.7: a normal null with the window emptied fully / by 70%; mixture: 80% N(9.0, 0.6) "
                "+ 20% N(11.3, 0.4) in log10 parameters.", "", md_table(pcols, prows), ""]
    if results.get("exported_to"):
        out += [f"Size table exported to `{results['exported_to']}`.", ""]
    return "\n".join(out)


# The band a well-calibrated test's size should lie in at alpha = 0.05 (issue 10's acceptance band).
SIZE_BAND = (0.025, 0.075)


def _size_figure(results):
    """Small multiples: one panel per (test, null), size against n with Wilson intervals, the
    0.025-0.075 band shaded and alpha dotted."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    nulls = [c for c in results["cells"] if c["kind"] == "null"]
    tests = [t for t in calibrate.TESTS if any(c["test"] == t for c in nulls)]
    scen = list(dict.fromkeys(c["scenario"] for c in nulls))
    fig = make_subplots(rows=len(tests), cols=len(scen), shared_xaxes=True, shared_yaxes=True,
                        column_titles=scen, row_titles=tests, vertical_spacing=0.02, horizontal_spacing=0.01)
    top = max([SIZE_BAND[1] * 1.4] + [c["ci"][1] for c in nulls])
    for i, test in enumerate(tests, 1):
        for j, sc in enumerate(scen, 1):
            pts = sorted((c for c in nulls if c["test"] == test and c["scenario"] == sc), key=lambda c: c["n"])
            if not pts:
                continue
            fig.add_hrect(y0=SIZE_BAND[0], y1=SIZE_BAND[1], fillcolor="green", opacity=0.12, line_width=0, row=i, col=j)
            fig.add_hline(y=results["alpha"], line_dash="dot", line_width=1, row=i, col=j)
            over = [not (SIZE_BAND[0] <= c["rate"] <= SIZE_BAND[1]) for c in pts]
            fig.add_trace(go.Scatter(
                x=[c["n"] for c in pts], y=[c["rate"] for c in pts], mode="lines+markers", showlegend=False,
                marker={"color": ["firebrick" if o else "royalblue" for o in over]}, line={"color": "royalblue"},
                error_y={"type": "data", "symmetric": False, "array": [c["ci"][1] - c["rate"] for c in pts],
                         "arrayminus": [c["rate"] - c["ci"][0] for c in pts]},
                hovertemplate=f"{test} / {sc}<br>n=%{{x}}: size %{{y:.3f}}<extra></extra>"), row=i, col=j)
    fig.update_xaxes(type="log", tickvals=sorted({c["n"] for c in nulls}))
    fig.update_yaxes(range=[0, min(1.0, top)])
    fig.update_layout(title="Size of each test under each unimodal null (x: sample size n; y: rejection rate at 0.05)",
                      height=max(420, 150 * len(tests)), margin={"l": 60, "r": 120})
    return fig


def _power_figure(results):
    import plotly.graph_objects as go

    alts = [c for c in results["cells"] if c["kind"] == "alternative"]
    fig = go.Figure()
    for test in [t for t in calibrate.TESTS if any(c["test"] == t for c in alts)]:
        for sc in dict.fromkeys(c["scenario"] for c in alts):
            pts = sorted((c for c in alts if c["test"] == test and c["scenario"] == sc), key=lambda c: c["n"])
            if pts:
                fig.add_trace(go.Scatter(x=[c["n"] for c in pts], y=[c["rate"] for c in pts], mode="lines+markers",
                                         name=f"{test} / {sc}", legendgroup=sc))
    fig.update_xaxes(type="log", title="sample size n")
    fig.update_yaxes(title="rejection rate (power)", range=[0, 1.02])
    fig.update_layout(title="Power under gapped alternatives", height=480)
    return fig


def sections(results) -> list[Section]:
    cols, rows = _size_rows(results)
    pcols, prows = _power_rows(results)
    w = results["window"]
    out = [Section("Findings", text=_findings(results))]
    if rows:
        out.append(Section(
            "Size under unimodal nulls", figures=[_size_figure(results)],
            captions=["How to read this: one panel per test (rows) and null (columns); each point is the share of "
                      f"{results['settings']['replicates']} samples of n unimodal log10 sizes on which the test rejected "
                      "at 0.05, with its 95% Wilson interval. A test whose size is honest stays inside the green band "
                      f"({SIZE_BAND[0]}-{SIZE_BAND[1]}) around the dotted 0.05; red points lie outside it."],
            tables=[Table(cols, rows, caption="OVER: above gap_tests.size_flag")]))
    if prows:
        out.append(Section(
            "Power under gapped alternatives", figures=[_power_figure(results)],
            captions=[f"How to read this: the share of gapped samples each test rejected at 0.05 (gapped_1.0 / 0.7: a "
                      f"normal with the {params_label(w['lower'])}-{params_label(w['upper'])} window emptied fully / by "
                      "70%; mixture: two groups). Compare power only between tests whose size is honest."],
            tables=[Table(pcols, prows)]))
    return out


def headline(results) -> dict:
    """One row per sweep job: the largest measured size of each test."""
    row: dict = {"replicates": results["settings"]["replicates"]}
    for test in calibrate.TESTS:
        rates = [c["rate"] for c in results["cells"] if c["kind"] == "null" and c["test"] == test]
        if rates:
            row[f"max size {test}"] = max(rates)
    return row
