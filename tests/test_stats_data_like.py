"""The data-like null of gap_tests: the shape chosen by AIC, the rounding read off the sizes, draws that follow the fit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sst

from gapstudy.stats import data_like


@pytest.mark.parametrize(("shape", "draw"), [
    ("skewnormal", lambda rng: sst.skewnorm.rvs(6, loc=9.0, scale=1.2, size=3000, random_state=rng)),
    ("t4", lambda rng: 10.0 + 0.8 * rng.standard_t(4, size=3000)),
])
def test_the_shape_that_generated_the_sample_wins(shape, draw):
    x = draw(np.random.default_rng(1))
    null = data_like.fit(x, 10.0**x)
    assert null["shape"] == shape
    assert min(null["aic"], key=null["aic"].get) == shape
    assert null["round_sig"] is None  # sizes with full precision


def test_rounding_is_read_off_the_counts_and_reproduced_in_draws():
    rng = np.random.default_rng(2)
    params = 10.0 ** rng.normal(10, 1, 400)
    params = np.array([float(f"{p:.2g}") for p in params])  # written as 7.3e9, 13e9, ...: 2 significant figures
    x = np.log10(params)
    null = data_like.fit(x, params)
    assert null["round_sig"] == 2 and null["tie_share"] > 0.3
    draws = data_like.sample(null, 400, 5, np.random.default_rng(3))
    assert draws.shape == (5, 400)
    lin = 10.0 ** draws
    assert np.allclose(lin, [[float(f"{v:.2g}") for v in row] for row in lin], rtol=1e-9)


def test_draws_follow_the_fitted_normal():
    x = np.random.default_rng(4).normal(9.5, 0.7, 2000)
    null = data_like.fit(x, 10.0**x)
    assert null["shape"] in ("normal", "skewnormal")
    null = {**null, "shape": "normal", "params": {"loc": float(x.mean()), "scale": float(x.std())}}
    d = data_like.sample(null, 4000, 1, np.random.default_rng(5))[0]
    assert sst.kstest(d, "norm", args=(x.mean(), x.std())).pvalue > 0.01
