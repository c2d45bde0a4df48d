"""Presentation of the gap over time (gapstudy.growth.gap_history): a figure, a table, verdict lines."""

from __future__ import annotations

import math

from gapstudy.report.html import Section, Table
from gapstudy.report.markdown import fmt, md_table
from gapstudy.report.units import params_label

COLUMNS = ["year", "n", "below", "inside", "strictly inside", "above", "at lower bound", "at upper bound",
           "expected inside (trend)", "ratio", "95% interval", "reading"]


def _window(lower: float, upper: float) -> str:
    return f"{params_label(lower)}-{params_label(upper)}"


def _ci(r: dict) -> str:
    lo, hi = r["ratio_ci"]
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return "-"
    return f"{fmt(lo, 2)}-{fmt(hi, 2)}"


def rows(records: list[dict]) -> list[list]:
    """Table rows, one per year."""
    return [[r["year"], r["n"], r["below"], r["inside"], r["strictly_inside"], r["above"], r["at_lower"], r["at_upper"],
             r["expected_inside"], r["ratio"], _ci(r), r["verdict"]] for r in records]


def markdown(records: list[dict], lower: float, upper: float) -> str:
    """The per-year table in markdown."""
    return md_table([c.replace("lower bound", f"{params_label(lower)}").replace("upper bound", f"{params_label(upper)}")
                     for c in COLUMNS], rows(records))


def verdict_lines(records: list[dict], lower: float, upper: float) -> list[str]:
    """'Did the gap fill?' in words, from the numbers."""
    w = _window(lower, upper)
    rated = [r for r in records if r["verdict"] != "too few models"]
    if not rated:
        return [f"Too few models per year to compare the {w} window with the trend."]
    deficit = [r["year"] for r in rated if r["verdict"] == "deficit"]
    excess = [r["year"] for r in rated if r["verdict"] == "excess"]
    last_def = max(deficit) if deficit else None
    out = [f"Window {w}, per year: a deficit against the smooth trend (95% interval of the ratio below 1) in "
           f"{', '.join(map(str, deficit)) or 'no year'}; more models than the trend predicts in "
           f"{', '.join(map(str, excess)) or 'no year'}; elsewhere the ratio is consistent with the trend."]
    later = [r for r in rated if last_def is not None and r["year"] > last_def]
    if last_def is not None and later:
        ratios = ", ".join(f"{r['year']}: {fmt(r['ratio'], 2)}" for r in later)
        short = sum(r["ratio"] < 1 for r in later)
        out.append(f"After {last_def} no year shows a deficit the data can distinguish from the trend (ratios {ratios}); "
                   f"{short} of these {len(later)} ratios are still below 1, so 'filled' here means 'no longer "
                   "significantly emptier than the trend', not 'as full as it predicts'.")
    elif last_def is not None:
        out.append(f"The deficit persists to the last year with enough models ({last_def}).")
    ties = sum(r["at_lower"] + r["at_upper"] for r in records)
    inside = sum(r["inside"] for r in records)
    if inside:
        out.append(f"{ties} of the {inside} models counted inside sit exactly at {params_label(lower)} or {params_label(upper)}; "
                   "with strict bounds they would count outside.")
    return out


def figure(records: list[dict], lower: float, upper: float, title: str = ""):
    """Stacked counts per year (top) and the observed/expected ratio with its 95% interval (bottom)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    w = _window(lower, upper)
    years = [r["year"] for r in records]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45],
                        subplot_titles=(f"models per year: below {params_label(lower)}, inside {w}, above {params_label(upper)}",
                                        f"inside {w}: observed / expected from the smooth trend"))
    for key, name, colour in (("below", f"below {params_label(lower)}", "#9ecae1"), ("inside", f"inside {w}", "#fd8d3c"),
                              ("above", f"above {params_label(upper)}", "#3182bd")):
        fig.add_trace(go.Bar(x=years, y=[r[key] for r in records], name=name, marker_color=colour,
                             customdata=[[r["at_lower"], r["at_upper"]] for r in records],
                             hovertemplate="%{x}: %{y} models" + ("<br>at the lower bound %{customdata[0]}, at the upper %{customdata[1]}"
                                                                  if key == "inside" else "") + "<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=years, y=[r["expected_inside"] for r in records], mode="markers+lines", name="expected inside (trend)",
                             line={"dash": "dot", "color": "black"}), row=1, col=1)
    ratio = [r["ratio"] for r in records]
    lo = [r["ratio_ci"][0] for r in records]
    hi = [r["ratio_ci"][1] for r in records]
    fig.add_trace(go.Scatter(
        x=years, y=ratio, mode="markers", name="ratio (95% interval)", marker={"size": 9, "color": "#d94801"},
        error_y={"type": "data", "symmetric": False,
                 "array": [h - v if _finite(h, v) else None for h, v in zip(hi, ratio)],
                 "arrayminus": [v - l if _finite(l, v) else None for l, v in zip(lo, ratio)]},
        hovertemplate="%{x}: ratio %{y:.2f}<extra></extra>"), row=2, col=1)
    fig.add_hline(y=1, line_dash="dash", line_color="grey", row=2, col=1)
    top = max([h for h in hi if _finite(h)] + [2.0])
    fig.update_yaxes(title_text="models", row=1, col=1)
    fig.update_yaxes(title_text="observed / expected", range=[0, min(top, 4.0) * 1.05], row=2, col=1)
    fig.update_xaxes(dtick=1, tickformat="d", row=2, col=1)  # calendar years as 2021, never "2,021" or "2021.5"
    fig.update_layout(barmode="stack", height=560, title=title or f"The {w} window over time", legend={"orientation": "h", "y": -0.12})
    return fig


def _finite(*values) -> bool:
    return all(v is not None and not math.isnan(v) for v in values)


CAPTION = ("How to read this: top, each bar is one publication year's models split by size; the dotted line is how many "
           "the smooth trend (a Gaussian in log size whose centre and spread move with the date, fitted to every year "
           "and knowing nothing of the window) expects inside. Bottom, the window's observed count divided by that "
           "expectation: 1 means as many models as the trend predicts, 0 an empty window; a year whose whole bar "
           "(95% interval) lies below the dashed line has a deficit, one whose bar crosses it does not. Ratios above 4 "
           "are cut off; the table gives them.")


def section(records: list[dict], lower: float, upper: float, title: str = "Did the gap fill? The window per year",
            label: str = "") -> Section:
    """One report section: verdict lines, the figure with its caption, the per-year table."""
    cols = [c.replace("lower bound", params_label(lower)).replace("upper bound", params_label(upper)) for c in COLUMNS]
    return Section(
        title,
        text=[*([label] if label else []), *verdict_lines(records, lower, upper)],
        figures=[figure(records, lower, upper)],
        captions=[CAPTION],
        tables=[Table(cols, rows(records))],
    )
