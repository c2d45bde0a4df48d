"""One unit convention for parameter counts (B/T), and figure captions under their figures."""

import math

import pytest

from gapstudy.report.html import Section, render_html
from gapstudy.report.units import log10_axis, log10_params_label, log10_ticks, params_label


@pytest.mark.parametrize("value, text", [
    (20e9, "20B"), (70e9, "70B"), (175e9, "175B"), (1.6e12, "1.6T"), (3.55e8, "355M"),
    (2.6e9, "2.6B"), (999.99e6, "1B"), (6.7e9, "6.7B"), (12, "12"), (None, "-"), (math.nan, "-"),
])
def test_params_label(value, text):
    assert params_label(value) == text


def test_log10_label_and_ticks():
    assert log10_params_label(math.log10(20e9)) == "20B"
    vals, text = log10_ticks(9.1, 11.7)
    assert text == ["3B", "10B", "30B", "100B", "300B"]
    assert all(9.1 <= v <= 11.7 for v in vals)
    assert log10_ticks(6, 13)[1][0] == "1M" and "e" not in "".join(log10_ticks(6, 13)[1])
    assert log10_axis(9, 12)["ticktext"][-1] == "1T"


def test_caption_under_its_figure_and_escaped():
    go = pytest.importorskip("plotly.graph_objects")
    page = render_html("t", [Section("s", figures=[go.Figure(), go.Figure()], captions=["How to read <b>this</b>"])])
    assert page.count('class="howto"') == 1
    assert "How to read &lt;b&gt;this&lt;/b&gt;" in page
