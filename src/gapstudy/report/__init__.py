"""Reports: self-contained HTML with plotly figures, markdown tables, atomic file writes."""

from gapstudy.report.html import Section, Table, render_html
from gapstudy.report.markdown import md_table
from gapstudy.report.files import write_atomic, write_json_atomic

__all__ = ["Section", "Table", "md_table", "render_html", "write_atomic", "write_json_atomic"]
