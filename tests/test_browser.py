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

# Small settings per experiment: the reports are checked for rendering, not for their numbers
# (the same settings the experiments' own tests use).
EXPERIMENT_SETTINGS = {
    "trends": FAST,
    "gap_tests": ["gap_tests.n_boot=99", "gap_tests.n_sim=199", "gap_tests.map_n_sim=99", "gap_tests.map_lowers=[20e9]",
                  "gap_tests.map_uppers=[70e9]"],
    "calibration": ["calibration.replicates=60", "calibration.sizes=[30,60]", "calibration.shapes=[normal]",
                    "calibration.alternatives=[gapped_1.0]", "calibration.workers=1"],
    "parallelism_cost": ["parallelism_cost.years=[2020,2023]", "parallelism_cost.hardware=[a100_40gb]",
                         "parallelism_cost.compare_year=2020", "parallelism_cost.sensitivity_years=[2020]",
                         "parallelism_cost.sensitivity=[baseline]"],
    "competition": ["competition.n_worlds=20", "competition.fit_draws=30", "competition.fit_accept=0.2",
                    "competition.predict_draws=3", "competition.predict_worlds_per_draw=2", "competition.costs=[simple]",
                    "competition.deficit_worlds=5", "competition.deficit_n_sim=200"],
    "compare": ["compare.hypotheses=[H0,H1,M2]", "+compare.hypothesis_options={H1:{band:[2.0e10,7.0e10]}}",
                "compare.robustness=false", "compare.n_sim=300"],
}
# A full-page screenshot of a report with drawn figures and tables is well over this many bytes;
# a blank or unstyled page (nothing drawn) is a few KB.
MIN_SCREENSHOT_BYTES = 40_000
VIEWPORT = {"width": 1280, "height": 900}




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
        self.page.set_viewport_size(VIEWPORT)
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

    def screenshot(self, path: Path) -> int:
        """A full-page PNG of what a reader sees; returns its size in bytes."""
        self.page.screenshot(path=str(path), full_page=True)
        return path.stat().st_size

    def assert_clean(self) -> None:
        assert not self.console_errors, self.console_errors
        assert not self.page_errors, self.page_errors
        assert not self.dialogs, self.dialogs
        assert not self.blocked, f"the report tried the network: {self.blocked}"


def n_figures(html: str) -> int:
    return html.count('class="plotly-graph-div"')


@pytest.fixture(scope="module")
def experiment_reports(tmp_path_factory):
    """One small run of every experiment (each report is opened by one test below)."""
    from gapstudy import experiments

    root = tmp_path_factory.mktemp("runs")
    env = {"GAPSTUDY_CACHE": str(root / "cache")}
    reports = {}
    for name in experiments.available():
        out = root / name
        proc = gapstudy(f"experiment={name}", f"hydra.run.dir={out}", "-q", *EXPERIMENT_SETTINGS.get(name, []),
                        cwd=root, env=env)
        reports[name] = (out / "report.html", proc)
    return reports


def check_report(browser, report: Path, shot: Path) -> Visit:
    """Open a report: every figure drawn, no console error, no network request, a screenshot that is not empty."""
    expected = n_figures(report.read_text())
    visit = Visit(browser, report)
    if expected:
        assert visit.wait_for_figures(expected) == expected
        assert visit.page.locator(".js-plotly-plot").count() == expected
    size = visit.screenshot(shot)
    assert size > MIN_SCREENSHOT_BYTES, f"{shot} is {size} bytes: the page looks empty"
    visit.assert_clean()
    return visit


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPERIMENT_SETTINGS))
def test_every_experiment_report_renders_offline(name, experiment_reports, browser, tmp_path):
    from gapstudy import experiments

    if name not in experiments.available():
        pytest.skip(f"no experiment {name} here")
    report, proc = experiment_reports[name]
    assert proc.returncode == 0, proc.stderr
    assert n_figures(report.read_text()) >= 1, "every experiment's report has a figure"
    visit = check_report(browser, report, tmp_path / f"{name}.png")
    assert visit.page.locator("table.data").count() >= 1
    visit.page.close()


@pytest.mark.slow
def test_trends_figure_reads_in_parameters_with_a_caption(experiment_reports, browser, tmp_path):
    """The trends scatter: B/T ticks (never 2e+10 or 20G), a caption under it, a legend that fits."""
    report, proc = experiment_reports["trends"]
    assert proc.returncode == 0, proc.stderr
    visit = check_report(browser, report, tmp_path / "trends.png")
    ticks = visit.page.evaluate("() => [...document.querySelectorAll('.ytick text')].map(t => t.textContent)")
    assert ticks and all(t[-1] in "KMBT" or t[-1].isdigit() for t in ticks), ticks
    assert not any("e+" in t or t.endswith("G") for t in ticks), ticks
    assert visit.page.locator(".figure .howto").first.inner_text().startswith("How to read this")
    visit.page.close()


@pytest.mark.slow
def test_combined_sweep_report_renders_offline(tmp_path, browser):
    sweep = tmp_path / "sweep"
    proc = gapstudy("-m", "experiment=trends", "select.start=2018-01-01,2019-01-01,2030-01-01", f"hydra.sweep.dir={sweep}",
                    "-q", *FAST, cwd=tmp_path)
    assert proc.returncode == 2  # one job empties the selection
    report = sweep / "report.html"
    assert n_figures(report.read_text()) >= 1  # the headline numbers per job
    visit = check_report(browser, report, tmp_path / "sweep.png")
    assert "Failed jobs" in visit.page.inner_text("body")
    assert visit.page.locator(".figure .howto").count() >= 1
    # the table fits the page: no horizontal scrolling needed
    assert visit.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
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
