"""The trends experiment: how fast model size grew, per domain and era, and where the trend broke."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gapstudy.errors import GapstudyError
from gapstudy.experiments.common import has_domain, load_data
from gapstudy.growth import break_test, decimal_year, fit_trend, year_label
from gapstudy.progress import note
from gapstudy.report import Section, Table, md_table
from gapstudy.report.markdown import fmt
from gapstudy.report.units import log10_axis, params_label
from gapstudy.seeding import rng_for

ALL = "All domains"


def validate(cfg) -> None:
    """Reject impossible trend settings before any data is read."""
    t = cfg.trends
    if t.n_boot < 100 or t.n_null < 100:
        raise GapstudyError(f"trends.n_boot={t.n_boot} and trends.n_null={t.n_null} must be at least 100 for usable intervals")
    if not 0.5 < t.level < 1:
        raise GapstudyError(f"trends.level={t.level} must be a confidence level between 0.5 and 1, e.g. 0.95")
    if t.min_models < 3 or t.min_segment < 3:
        raise GapstudyError("trends.min_models and trends.min_segment must be at least 3 (a line needs 3 points to have error)")


def _year(date: str | None, default: float) -> float:
    return default if date in (None, "") else float(decimal_year([pd.Timestamp(date)])[0])


def _subset(table: pd.DataFrame, domain: str) -> pd.DataFrame:
    return table if domain == ALL else table[has_domain(table, domain)]


def _fit(rows, label, variant, domain, era, x, y, t, rng, records_only=False):
    entry = {"domain": domain, "era": era, "variant": variant, "label": label, "n": int(x.size)}
    if x.size < t.min_models:
        entry["skipped"] = f"{x.size} models (< trends.min_models={t.min_models})"
    else:
        fit = fit_trend(x, y, n_boot=t.n_boot, level=t.level, rng=rng, records_only=records_only)
        entry.update(fit.as_dict())
    rows.append(entry)


def run(cfg) -> dict:
    """Fit every configured trend and break test on the selected data."""
    validate(cfg)
    t = cfg.trends
    ds = load_data(cfg)
    table = ds.table
    x_all = decimal_year(table["date"])
    y_all = np.log10(table["parameters"].to_numpy(float))
    first, last = float(x_all.min()), float(x_all.max())
    # configured domains without a single model in this selection: left out, and said so
    empty = [d for d in t.domains if not has_domain(table, d).any()]
    domains = [ALL, *(d for d in t.domains if d not in empty)]
    fits: list[dict] = []
    note(f"trends: {len(table)} models, {len(domains)} domains x {len(t.eras)} eras", quiet=cfg.quiet)
    for domain in domains:
        mask = np.ones(len(table), bool) if domain == ALL else has_domain(table, domain).to_numpy()
        for era in t.eras:
            lo, hi = _year(era.start, -np.inf), _year(era.end, np.inf)
            m = mask & (x_all >= lo) & (x_all < hi)
            x, y = x_all[m], y_all[m]
            rng = rng_for(cfg.seed, "trends", domain, era.name)
            _fit(fits, f"{domain} / {era.name}", "all models", domain, era.name, x, y, t, rng)
            _fit(fits, f"{domain} / {era.name}", "record-setters", domain, era.name, x, y, t,
                 rng_for(cfg.seed, "trends", "records", domain, era.name), records_only=True)
            dense = m & ~table["moe"].to_numpy(bool)
            _fit(fits, f"{domain} / {era.name}", "dense only", domain, era.name, x_all[dense], y_all[dense], t,
                 rng_for(cfg.seed, "trends", "dense", domain, era.name))
    # above and below the gap after the split date, per domain
    split = _year(t.gap_split, -np.inf)
    lo_p, hi_p = np.log10(cfg.gap.lower), np.log10(cfg.gap.upper)
    gap_fits: list[dict] = []
    for domain in domains:
        mask = (np.ones(len(table), bool) if domain == ALL else has_domain(table, domain).to_numpy()) & (x_all >= split)
        for side, m in (("below the gap", mask & (y_all < lo_p)), ("above the gap", mask & (y_all > hi_p))):
            _fit(gap_fits, f"{domain} / {side}", side, domain, f"since {t.gap_split}", x_all[m], y_all[m], t,
                 rng_for(cfg.seed, "trends", "gap", side, domain))
    breaks: list[dict] = []
    for bt in t.break_tests:
        mask = np.ones(len(table), bool) if bt.domain in (None, "") else has_domain(table, bt.domain).to_numpy()
        m = mask & (x_all >= _year(bt.start, -np.inf)) & (x_all < _year(bt.end, np.inf))
        entry = {"name": bt.name, "domain": bt.domain or ALL, "start": bt.start, "end": bt.end,
                 "search": [bt.search_start, bt.search_end], "n": int(m.sum())}
        try:
            res = break_test(x_all[m], y_all[m], search=(_year(bt.search_start, first), _year(bt.search_end, last)),
                             min_segment=t.min_segment, n_null=t.n_null, n_boot=t.n_boot, level=t.level,
                             rng=rng_for(cfg.seed, "trends", "break", bt.name))
            entry.update(res.as_dict())
        except GapstudyError as exc:
            entry["skipped"] = str(exc)
        breaks.append(entry)
    points = {
        "name": table["name"].fillna("").tolist(),
        "year": x_all.tolist(),
        "log10_params": y_all.tolist(),
        "domain": [", ".join(d) for d in table["domains"]],
        "moe": table["moe"].astype(bool).tolist(),
    }
    return {"data": ds.provenance_dict(), "empty_domains": empty, "fits": fits, "gap_fits": gap_fits, "breaks": breaks, "points": points,
            "level": t.level, "gap": {"lower": cfg.gap.lower, "upper": cfg.gap.upper}}


# Shown for a doubling time that does not exist: a flat or shrinking trend (slope <= 0), whose
# doubling_months is recorded as infinite (JSON null).
NO_GROWTH = "no growth"


def _finite(v) -> bool:
    return v is not None and isinstance(v, (int, float)) and bool(np.isfinite(v))


def _ci(pair) -> str:
    if not pair or pair[0] is None:
        return "-"
    lo, hi = pair
    hi_s = "inf" if not _finite(hi) else fmt(hi)
    return f"[{fmt(lo)}, {hi_s}]"


def _doubling(months) -> str | float:
    return months if _finite(months) else NO_GROWTH


def _doubling_ci(pair) -> str:
    """A doubling-time interval; an end where the slope interval reaches zero or below is 'no growth'."""
    if not pair:
        return "-"
    lo, hi = pair
    if not _finite(lo) and not _finite(hi):
        return NO_GROWTH
    return f"[{fmt(lo) if _finite(lo) else NO_GROWTH}, {fmt(hi) if _finite(hi) else NO_GROWTH}]"


_COLUMNS = ["trend", "variant", "n (records)", "OOM/year", "CI", "doubling (months)", "CI "]


def _rows(fits):
    out = []
    for f in fits:
        if "skipped" in f:
            continue
        n = f["n"] if f.get("n_records") is None else f"{f['n']} ({f['n_records']})"
        out.append([f["label"], f["variant"], n, f["slope_oom_per_year"], _ci(f["slope_ci"]),
                    _doubling(f["doubling_months"]), _doubling_ci(f["doubling_ci"])])
    return out


def _omissions(results) -> list[str]:
    """What the tables leave out and why: domains without models, fits with too few."""
    out = []
    empty = results.get("empty_domains") or []
    if empty:
        out.append(f"No model in this selection has the domain {', '.join(empty)}; "
                   "those domains are left out of the tables and figures.")
    skipped = [f for f in results["fits"] + results["gap_fits"] if "skipped" in f]
    if skipped:
        out.append(f"{len(skipped)} domain/era combinations had fewer than trends.min_models models and are omitted: "
                   + "; ".join(f"{f['label']} ({f['variant']}, {f['n']})" for f in skipped[:12])
                   + (f"; and {len(skipped) - 12} more" if len(skipped) > 12 else "") + ".")
    return out


def _ci_year(pair) -> str:
    return f"[{year_label(pair[0])}, {year_label(pair[1])}]" if pair and pair[0] is not None else "-"


def _break_rows(breaks):
    rows = []
    for b in breaks:
        if "skipped" in b:
            rows.append([b["name"], b["n"], "-", "-", "-", "-", "-", "-", b["skipped"]])
        else:
            rows.append([b["name"], b["n"], b["statistic"], b["pvalue"], year_label(b["breakpoint"]), _ci_year(b["breakpoint_ci"]),
                         b["slope_before"], b["slope_after"], f"jump {fmt(b['jump_oom'])} OOM"])
    return rows


_BREAK_COLUMNS = ["test", "n", "sup-F", "p-value", "breakpoint", "CI", "slope before", "slope after", "note"]


def _verdicts(results, bullet: str = "- ") -> list[str]:
    """One sentence per break test (`bullet` starts each: a Markdown list item, or nothing in HTML)."""
    out = []
    for b in results["breaks"]:
        if "skipped" in b:
            out.append(f"{bullet}{b['name']}: not tested ({b['skipped']}).")
            continue
        sig = b["pvalue"] < 0.05
        out.append(
            f"{bullet}{b['name']}: {'a break is detected' if sig else 'no significant break'} "
            f"(sup-F {fmt(b['statistic'])}, p = {fmt(b['pvalue'])}); best breakpoint {year_label(b['breakpoint'])} "
            f"(interval {_ci_year(b['breakpoint_ci'])}), slope {fmt(b['slope_before'])} -> {fmt(b['slope_after'])} OOM/year."
        )
    return out


def headline(results) -> dict:
    """Doubling time of the largest post-2018 trend, for a sweep's table."""
    main = next((f for f in results["fits"] if f["era"] == "since-2018" and f["variant"] == "all models"
                 and "skipped" not in f and f["domain"] == "Language"), None)
    return {
        "models": results["data"]["rows_used"],
        "language doubling since 2018 (months)": main["doubling_months"] if main else None,
    }


def summarize(results) -> str:
    """Findings in words and tables."""
    d = results["data"]
    lines = [
        "# Trends in model size",
        "",
        f"Data: `{d['path']}` ({d['layout_description']}), {d['rows_used']} of {d['rows_read']} rows used; "
        f"dropped: {', '.join(f'{k} {v}' for k, v in d['dropped'].items() if v) or 'none'}.",
        "",
        f"Slopes are least-squares fits of log10(parameters) on publication date in orders of magnitude (OOM) per year; "
        f"intervals are {int(results['level'] * 100)}% pairs-bootstrap percentiles. Record-setter fits re-derive the records "
        "inside each resample.",
        "",
        "## Trends by domain and era",
        "",
        md_table(_COLUMNS, _rows(results["fits"])),
        "",
        f"## Above and below the gap ({params_label(results['gap']['lower'])} to {params_label(results['gap']['upper'])} parameters)",
        "",
        md_table(_COLUMNS, _rows(results["gap_fits"])),
        "",
        "## Breaks in trend",
        "",
        *_verdicts(results),
        "",
        md_table(_BREAK_COLUMNS, _break_rows(results["breaks"])),
        "",
    ]
    for line in _omissions(results):
        lines += [line, ""]
    return "\n".join(lines)


# The scatter shows this many domains in their own colour (the largest by model count); the rest
# share one grey "other domains" trace, so the legend fits and no two domains share a colour
# (plotly's default palette has 10 colours; Epoch's all-models file has 23 domains).
MAX_DOMAIN_TRACES = 7
_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")  # plotly/D3 category colours
_OTHER_COLOUR = "#9e9e9e"


def _domain_groups(doms: np.ndarray) -> tuple[list[str], list[str]]:
    """The domains drawn on their own (largest first) and the minor ones grouped together."""
    names, counts = np.unique(doms, return_counts=True)
    order = [str(n) for n, _ in sorted(zip(names, counts), key=lambda nc: (-nc[1], nc[0]))]
    if len(order) <= MAX_DOMAIN_TRACES:
        return order, []
    return order[: MAX_DOMAIN_TRACES - 1], order[MAX_DOMAIN_TRACES - 1:]


def size_figure(results):
    """Scatter of log10 size against date by (main) domain, the fitted trends and the gap band."""
    import plotly.graph_objects as go

    from gapstudy.report.html import safe_labels

    pts = results["points"]
    fig = go.Figure()
    doms = np.array([d.split(", ")[0] if d else "(no domain)" for d in pts["domain"]])
    names = np.array(safe_labels(pts["name"]))
    x, y = np.array(pts["year"], float), np.array(pts["log10_params"], float)
    sizes = np.array([params_label(10.0 ** v) for v in y], dtype=object)
    main, minor = _domain_groups(doms)
    groups = [(d, doms == d, _PALETTE[i % len(_PALETTE)]) for i, d in enumerate(main)]
    if minor:
        groups.append((f"{len(minor)} other domains", np.isin(doms, minor), _OTHER_COLOUR))
    for label, m, colour in groups:
        hover_dom = doms[m] if label not in main else np.full(int(m.sum()), label, dtype=object)
        fig.add_trace(go.Scattergl(x=x[m], y=y[m], mode="markers", name=label, text=names[m],
                                   customdata=np.stack([sizes[m], hover_dom], axis=-1) if m.any() else None,
                                   hovertemplate="%{text}<br>%{x:.2f}<br>%{customdata[0]} parameters<br>%{customdata[1]}<extra></extra>",
                                   marker={"size": 5, "opacity": 0.6, "color": colour}))
    for f, dash in ((f, "solid" if f["domain"] == ALL else "dash") for f in results["fits"]):
        if "skipped" in f or f["domain"] not in (ALL, "Language") or f["variant"] != "all models":
            continue
        xs = np.array([f["start_year"], f["end_year"]])
        fig.add_trace(go.Scatter(x=xs, y=f["intercept"] + f["slope_oom_per_year"] * xs, mode="lines",
                                 name=f"fit: {f['label']}", line={"width": 2, "dash": dash}, hoverinfo="name"))
    lo, hi = results["gap"]["lower"], results["gap"]["upper"]
    fig.add_hrect(y0=np.log10(lo), y1=np.log10(hi), fillcolor="orange", opacity=0.12, line_width=0)
    y_lo, y_hi = (float(np.nanmin(y)), float(np.nanmax(y))) if y.size else (np.log10(lo), np.log10(hi))
    fig.update_yaxes(title="parameters (log scale)", range=[y_lo - 0.2, y_hi + 0.2], **log10_axis(y_lo - 0.2, y_hi + 0.2))
    fig.update_xaxes(title="publication date (year)")
    fig.update_layout(height=600, title="Model size over time, with fitted trends (shaded: the gap window)",
                      legend={"title": {"text": "main domain"}})
    caption = ("How to read this: each dot is one model, placed by publication date and size (log scale, so each "
               "step up the axis is a constant factor); colour is the model's first listed domain"
               + (f", with the {len(minor)} smallest domains ({', '.join(minor[:6])}{', ...' if len(minor) > 6 else ''}) "
                  "grouped in grey" if minor else "")
               + ". Straight lines are least-squares trends by era (solid: all domains, dashed: Language); a steeper line "
               f"means faster growth. The orange band is the gap window, {params_label(lo)} to {params_label(hi)}; "
               "few dots inside it is what the parameter gap means.")
    return fig, caption


def sections(results) -> list[Section]:
    """Scatter with fitted lines, the tables of trends and break tests."""
    fig, caption = size_figure(results)
    notes = _omissions(results)
    return [
        Section("Model size over time", figures=[fig], captions=[caption]),
        Section("Trends by domain and era", text=notes, tables=[Table(_COLUMNS, _rows(results["fits"]))]),
        Section("Above and below the gap", tables=[Table(_COLUMNS, _rows(results["gap_fits"]))]),
        Section("Breaks in trend", text=_verdicts(results, bullet=""),
                tables=[Table(_BREAK_COLUMNS, _break_rows(results["breaks"]))]),
    ]
