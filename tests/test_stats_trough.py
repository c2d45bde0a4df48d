"""KDE trough and bandwidth rules: known troughs, ISJ against theory, collapse on tied data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gapstudy.errors import GapstudyError
from gapstudy.stats import kde_trough, select_bandwidth
from gapstudy.stats.bandwidths import isj, lscv


def _x(reference_dir, name):
    return pd.read_csv(reference_dir / name)["x"].to_numpy()


def test_faithful_trough_between_the_modes(reference_dir):
    x = _x(reference_dir, "faithful_eruptions.csv")
    res = kde_trough(x, bandwidths=("scott", "silverman", "isj"), n_boot=200, rng=np.random.default_rng(0))
    for rule in ("scott", "silverman", "isj"):
        t = res[rule]
        assert not t.collapsed
        assert t.modes[0] == pytest.approx(2.0, abs=0.2) and t.modes[1] == pytest.approx(4.4, abs=0.2)
        assert 2.6 < t.location < 3.4
        assert t.ci_location[0] <= t.location <= t.ci_location[1]
        assert t.frac_bimodal > 0.95
        # the reported density is the KDE's at the trough, below both modes
        assert 0 < t.density < 0.2


def test_trough_reproducible_and_nan_when_unimodal():
    x = np.random.default_rng(0).normal(10, 1, 300)
    r1 = kde_trough(x, bandwidths="scott", n_boot=100, rng=np.random.default_rng(3))
    r2 = kde_trough(x, bandwidths="scott", n_boot=100, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(r1["scott"].boot_locations, r2["scott"].boot_locations)
    assert r1["scott"].n_modes == 1 and np.isnan(r1["scott"].location)


def test_isj_close_to_amise_optimum_on_normal_data():
    # for normal data the AMISE-optimal Gaussian bandwidth is (4/3)^(1/5) sd n^(-1/5)
    x = np.random.default_rng(1).normal(size=5000)
    h, found = isj(x)
    assert found
    assert h == pytest.approx((4 / 3) ** 0.2 * x.std() * x.size ** -0.2, rel=0.15)
    h_cv, interior = lscv(x[:1000])
    assert interior and 0.5 < h_cv / ((4 / 3) ** 0.2 * x[:1000].std() * 1000 ** -0.2) < 1.6


def test_isj_and_cv_collapse_on_tied_data(reference_dir):
    stamps = _x(reference_dir, "stamps.csv")  # thicknesses recorded to 0.001 mm: heavy ties
    for rule in ("isj", "cv"):
        bw = select_bandwidth(stamps, rule)
        assert bw.collapsed, rule
        assert bw.note
    assert not select_bandwidth(stamps, "scott").collapsed


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: select_bandwidth(np.arange(10.0), "plugin"), "bandwidth rule"),
        (lambda: select_bandwidth(np.ones(10), "isj"), "distinct"),
        (lambda: kde_trough(np.arange(4.0)), "4 point"),
        (lambda: kde_trough(np.arange(20.0), bandwidths=("nrd",)), "bandwidth rule"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(GapstudyError, match=match):
        call()
