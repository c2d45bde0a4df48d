"""Trend fits and break tests recover what synthetic data was built with."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gapstudy.growth import break_test, decimal_year, doubling_months, fit_trend, record_mask, year_label


def test_decimal_year():
    x = decimal_year([pd.Timestamp("2020-01-01"), pd.Timestamp("2020-07-02"), pd.Timestamp("2021-12-31")])
    assert x[0] == 2020.0
    assert abs(x[1] - 2020.5) < 0.003
    assert 2021.99 < x[2] < 2022.0
    assert year_label(2017.79) == "2017-10"


def test_recovers_known_slope_and_interval_covers_it():
    rng = np.random.default_rng(1)
    true_slope = 0.5  # OOM per year -> doubling every 12*log10(2)/0.5 = 7.22 months
    x = rng.uniform(2015, 2022, 300)
    y = 3 + true_slope * (x - 2015) + rng.normal(0, 0.4, x.size)
    fit = fit_trend(x, y, n_boot=1000, level=0.95, rng=np.random.default_rng(2))
    assert abs(fit.slope - true_slope) < 0.05
    assert fit.slope_ci[0] < true_slope < fit.slope_ci[1]
    assert fit.doubling_months == pytest.approx(12 * np.log10(2) / fit.slope)
    assert fit.doubling_ci[0] < doubling_months(true_slope) < fit.doubling_ci[1]
    # a steeper line gives a shorter doubling time
    fit2 = fit_trend(x, y * 2, n_boot=200, level=0.95, rng=np.random.default_rng(2))
    assert fit2.doubling_months < fit.doubling_months


def test_interval_coverage_is_close_to_nominal():
    hits = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        x = rng.uniform(0, 10, 60)
        y = 0.3 * x + rng.normal(0, 1, 60)
        ci = fit_trend(x, y, n_boot=400, level=0.9, rng=rng).slope_ci
        hits += ci[0] < 0.3 < ci[1]
    assert 80 <= hits <= 97  # 90% nominal, binomial sd 3


def test_record_mask():
    y = np.array([1.0, 0.5, 2.0, 2.0, 3.0, 1.0])
    assert record_mask(y).tolist() == [True, False, True, False, True, False]


def test_records_only_fit_ignores_non_records():
    x = np.arange(10.0)
    y = np.where(np.arange(10) % 2 == 0, x, -5.0)  # records climb 1 per year; others far below
    fit = fit_trend(x, y, n_boot=200, level=0.95, rng=np.random.default_rng(0), records_only=True)
    assert fit.slope == pytest.approx(1.0)
    assert fit.n_records == 5


def test_break_test_finds_a_planted_break_and_not_a_missing_one():
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(2010, 2022, 200))
    y_break = np.where(x < 2017, 0.1 * (x - 2010), 0.7 + 1.5 + 0.6 * (x - 2017)) + rng.normal(0, 0.3, x.size)
    res = break_test(x, y_break, search=(2012, 2020), n_null=500, n_boot=300, rng=np.random.default_rng(4))
    assert res.pvalue < 0.01
    assert abs(res.breakpoint - 2017) < 0.5
    assert res.breakpoint_ci[0] <= 2017 <= res.breakpoint_ci[1] + 0.2
    assert res.jump == pytest.approx(1.5, abs=0.4)
    y_line = 0.3 * (x - 2010) + rng.normal(0, 0.3, x.size)
    res0 = break_test(x, y_line, search=(2012, 2020), n_null=500, n_boot=100, rng=np.random.default_rng(5))
    assert res0.pvalue > 0.01


def test_break_test_size_under_the_null():
    rejections = 0
    for seed in range(60):
        rng = np.random.default_rng(100 + seed)
        x = rng.uniform(0, 10, 50)
        y = x + rng.normal(0, 1, 50)
        rejections += break_test(x, y, search=(2, 8), n_null=199, n_boot=100, rng=rng).pvalue < 0.05
    assert rejections <= 9  # 5% of 60 = 3; allow sampling noise
