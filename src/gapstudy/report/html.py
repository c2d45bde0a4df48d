"""Self-contained HTML reports: plotly.js embedded once, every piece of text escaped."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

from gapstudy.report.markdown import fmt


@dataclass
class Table:
    """A table of values; cells are formatted with `fmt` and escaped."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    caption: str = ""


@dataclass
class Section:
    """A heading, paragraphs of plain text, plotly figures and tables, in that order.

    `captions[i]`, where given, is a short "how to read this" line shown under `figures[i]`."""

    title: str
    text: Sequence[str] = field(default_factory=list)
    figures: Sequence[Any] = field(default_factory=list)  # plotly.graph_objects.Figure
    tables: Sequence[Table] = field(default_factory=list)
    captions: Sequence[str] = field(default_factory=list)


def esc(value: Any) -> str:
    """Escape anything for HTML text or attribute context."""
    return html.escape(str(value), quote=True)


def safe_labels(values) -> list[str]:
    """Labels from data (model names...) made inert for plotly, which renders a subset of HTML in
    hover text: escaped so that `<img onerror=...>` shows as text and cannot close a script tag."""
    return [html.escape(str(v), quote=True) for v in values]


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    # `</script` inside the library would end the tag early; the minified bundle has none, but guard.
    return get_plotlyjs().replace("</script", "<\\/script")


def _figure_div(fig: Any, div_id: str, caption: str = "") -> str:
    body = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config={"responsive": True})
    note = f'<p class="howto">{esc(caption)}</p>' if caption else ""
    return f'<div class="figure">{body}{note}</div>'


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(fmt(v))}</td>" for v in row) + "</tr>" for row in table.rows)
    caption = f"<caption>{esc(table.caption)}</caption>" if table.caption else ""
    # the wrapper scrolls a table too wide for the page instead of widening the page
    return f'<div class="table-wrap"><table class="data">{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
.table-wrap{max-width:100%;overflow-x:auto}
table.data{border-collapse:collapse;margin:1rem 0;font-size:.85rem;max-width:100%}
table.data td,table.data th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right;overflow-wrap:break-word}
table.data th{background:#f3f3f3}table.data caption{text-align:left;font-weight:600;padding:.3rem 0}
.meta{color:#555;font-size:.85rem}.figure{margin:1rem 0}.howto{color:#555;font-size:.85rem;margin:.2rem 0 0}
"""


def render_html(title: str, sections: Sequence[Section], meta: dict[str, Any] | None = None) -> str:
    """One HTML document holding every section; works offline (no external resources)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        f"<style>{_STYLE}</style>",
        f'<script type="text/javascript">{_plotly_js()}</script>',
        "</head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    if meta:
        items = "".join(f"<li><b>{esc(k)}</b>: {esc(v)}</li>" for k, v in meta.items())
        parts.append(f'<ul class="meta">{items}</ul>')
    n_fig = 0
    for sec in sections:
        parts.append(f"<section><h2>{esc(sec.title)}</h2>")
        parts += [f"<p>{esc(p)}</p>" for p in sec.text]
        for i, fig in enumerate(sec.figures):
            n_fig += 1
            caption = sec.captions[i] if i < len(sec.captions) else ""
            parts.append(_figure_div(fig, f"fig{n_fig}", caption))
        parts += [_table_html(t) for t in sec.tables]
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)
