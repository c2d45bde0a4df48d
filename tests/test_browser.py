"""Reports opened in headless Chromium (Playwright): every figure renders, no console error, no
network request, and a hostile model name stays text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli_helpers import HOSTILE, gapstudy, write_hostile_csv

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install '.[test]'")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium not found (Debian: apt-get install chromium; .ci/run does)", allow_module_level=True)

# Flags for a quiet, isolated headless browser; the resolver rule makes every host name fail, so
# even a request that slipped past the route below could not reach the network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]
FAST = ["trends.n_boot=200", "trends.n_null=200"]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")




@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data dir
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000
        )
        yield context
        context.close()


class Visit:
    """One page load with everything the page did recorded."""

    def __init__(self, context, path: Path):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.blocked: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        self.page.goto(path.resolve().as_uri(), wait_until="load", timeout=60_000)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def wait_for_figures(self, expected: int) -> int:
        """Wait until plotly has drawn `expected` figures; returns how many hold an SVG."""
        self.page.wait_for_function(
            "n => document.querySelectorAll('.js-plotly-plot').length >= n", arg=expected, timeout=60_000
        )
        return self.page.evaluate(
            "() => [...document.querySelectorAll('.plotly-graph-div')].filter(d => d.querySelector('.main-svg')).length"
        )

    def assert_clean(self) -> None:
        assert not self.console_errors, self.console_errors
        assert not self.page_errors, self.page_errors
        assert not self.dialogs, self.dialogs
        assert not self.blocked, f"the report tried the network: {self.blocked}"


def n_figures(html: str) -> int:
    return html.count('class="plotly-graph-div"')


@pytest.mark.slow
def test_report_of_a_real_run_renders_offline(tmp_path, browser):
    out = tmp_path / "run"
    proc = gapstudy("experiment=trends", f"hydra.run.dir={out}", "-q", *FAST, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = out / "report.html"
    expected = n_figures(report.read_text())
    assert expected >= 1
    visit = Visit(browser, report)
    assert visit.wait_for_figures(expected) == expected
    assert visit.page.locator(".js-plotly-plot").count() == expected
    assert visit.page.locator("table.data").count() >= 1
    visit.assert_clean()
    visit.page.close()


@pytest.mark.slow
def test_combined_sweep_report_renders_offline(tmp_path, browser):
    sweep = tmp_path / "sweep"
    proc = gapstudy("-m", "experiment=trends", "select.start=2018-01-01,2030-01-01", f"hydra.sweep.dir={sweep}", "-q",
                    *FAST, cwd=tmp_path)
    assert proc.returncode == 2  # one job empties the selection
    report = sweep / "report.html"
    expected = n_figures(report.read_text())
    visit = Visit(browser, report)
    if expected:
        assert visit.wait_for_figures(expected) == expected
    assert "Failed jobs" in visit.page.inner_text("body")
    visit.assert_clean()
    visit.page.close()


@pytest.mark.slow
def test_hostile_model_name_is_text_and_never_runs(tmp_path, browser):
    csv = write_hostile_csv(tmp_path / "hostile.csv")
    out = tmp_path / "run"
    proc = gapstudy("experiment=trends", f"data.path={csv}", f"hydra.run.dir={out}", "-q", *FAST, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = out / "report.html"
    expected = n_figures(report.read_text())
    visit = Visit(browser, report)
    assert visit.wait_for_figures(expected) == expected
    # move the mouse onto every plotted point that carries the hostile name, as a reader would:
    # plotly then draws the hover label from that text
    points = visit.page.evaluate(
        """() => {
            const out = [];
            for (const gd of document.querySelectorAll('.js-plotly-plot')) {
                gd._fullData.forEach((trace, c) => {
                    const texts = trace.text;
                    if (!texts || typeof texts === 'string') return;
                    Array.from(texts).forEach((t, p) => { if (String(t).includes('onerror')) out.push([gd.id, c, p]); });
                });
            }
            return out;
        }"""
    )
    shown = []
    for point in points:
        x, y = visit.page.evaluate(
            """([id, c, p]) => {
                const gd = document.getElementById(id);
                gd.scrollIntoView();
                const box = gd.getBoundingClientRect(), trace = gd._fullData[c];
                const xa = gd._fullLayout[(trace.xaxis || 'x').replace('x', 'xaxis')];
                const ya = gd._fullLayout[(trace.yaxis || 'y').replace('y', 'yaxis')];
                return [box.left + xa._offset + xa.d2p(trace.x[p]), box.top + ya._offset + ya.d2p(trace.y[p])];
            }""",
            point,
        )
        visit.page.mouse.move(x, y)
        visit.page.wait_for_timeout(300)
        shown.append(visit.page.evaluate("id => document.getElementById(id).querySelector('.hoverlayer').textContent", point[0]))
    assert shown, "no plotted point carries the hostile name"
    assert any(HOSTILE in text for text in shown), shown  # shown to the reader as the literal name
    visit.page.wait_for_timeout(500)  # time for an injected image to fail and fire onerror
    assert visit.page.evaluate("() => document.querySelectorAll('[onerror], img').length") == 0
    visit.assert_clean()  # in particular: no alert dialog
    visit.page.close()


def test_route_really_blocks_the_network(tmp_path, browser):
    """The guard itself: a page that asks for a remote script gets it blocked and recorded."""
    page = tmp_path / "remote.html"
    page.write_text('<!DOCTYPE html><html><head><script src="https://cdn.example.org/x.js"></script></head><body>x</body></html>')
    visit = Visit(browser, page)
    assert visit.blocked == ["https://cdn.example.org/x.js"]
    visit.page.close()


def test_dialog_guard_sees_a_script_that_runs(tmp_path, browser):
    """The guard itself: the same name written unescaped into a page does run, and is caught."""
    page = tmp_path / "unsafe.html"
    page.write_text(f"<!DOCTYPE html><html><body><p>{HOSTILE}</p></body></html>")
    visit = Visit(browser, page)
    visit.page.wait_for_timeout(500)
    assert visit.dialogs == ["alert: 1"]
    visit.page.close()
