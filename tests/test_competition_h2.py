"""H2 as a likelihood model: the frontier, the density, recovery of a known truth, and H2 vs H0 on known generators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize, special

from gapstudy import hypotheses as H
from gapstudy.competition import constants as K
from gapstudy.errors import GapstudyError
from gapstudy.hypotheses import competition as C
from gapstudy.hypotheses.frontier import Frontier, frontier_from_arrays, frontier_from_table, imputed_compute
from gapstudy.hypotheses.smooth import DriftingSkewNormal


def _frontier() -> Frontier:
    """A synthetic frontier: compute grows 0.5 dex a year, GPT-3 jumps it by 1 dex in May 2020."""
    dates = np.arange(2017.0, 2026.5, 0.25)
    flop = 10 ** (21.0 + 0.5 * (dates - 2017.0))
    names = [f"m{i}" for i in range(dates.size)]
    dates = np.r_[dates, K.GPT3_DATE]
    flop = np.r_[flop, 10 ** (22.5 + 1.0)]
    names.append("GPT-3 175B")
    params = np.full(dates.size, 1e10)
    params[-1] = 175e9
    return frontier_from_arrays(dates, params, flop, names, seed=False)


TRUTH = np.array([9.6, 0.3, np.log(0.45), 0.0, special.logit(0.3), 0.3, 0.3, np.log(0.15)])
TRUE_LAG = 12.0


def _h2_data(n, seed, theta=TRUTH, lag=TRUE_LAG):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(2018.0, 2026.0, n))
    mix = C.CompetitorMixture(DriftingSkewNormal(float(np.mean(t))), _frontier(), lag)
    return t, mix.sample(theta, t, rng), mix


def _h0_data(n, seed):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(2018.0, 2026.0, n))
    m = DriftingSkewNormal(float(np.mean(t)))
    return t, m.sample(np.array([9.6, 0.3, np.log(0.6), 1.0]), t, rng)


# ------------------------------------------------------------------ the frontier


def test_frontier_is_the_running_record_strictly_before_each_date():
    f = frontier_from_arrays([2019.0, 2020.0, 2021.0, 2023.0], [1e9, 1e11, 5e10, 1e12], [1e21, 1e23, np.nan, np.nan],
                             ["a", "b", "c", "d"], seed=False)
    np.testing.assert_allclose(f.log10_params_before([2019.5, 2020.0, 2020.0001, 2021.5, 2023.5]), [9, 9, 11, 11, 12])
    # c has no compute: estimated from its size in the Kaplan era; d after Chinchilla: 6 N (20 N)
    assert f.log10_compute[2] == pytest.approx(float(imputed_compute(np.log10(5e10), 2021.0)))
    assert f.log10_compute[3] == pytest.approx(np.log10(6 * 1e12 * 20e12))
    np.testing.assert_allclose(f.log10_compute_before([2020.5, 2023.5]), [23.0, np.log10(6 * 20 * 1e24)])
    # before the first record: the first record's value (not -inf)
    assert f.log10_compute_before([2000.0])[0] == pytest.approx(21.0)
    # GPT-3's own allocation is the anchor of the Kaplan estimate: 6 x 175B x 300B
    assert float(imputed_compute(np.log10(K.GPT3_PARAMS), 2020.5)) == pytest.approx(np.log10(6 * 175e9 * 300e9))


def test_frontier_from_table_reads_compute_moe_and_finds_gpt3():
    table = pd.DataFrame({
        "name": ["T5-11B", "GPT-3 175B", "Switch-C", "Mixtral", "Gopher"],
        "date": pd.to_datetime(["2019-10-23", "2020-05-28", "2021-01-11", "2023-12-11", "2021-12-08"]),
        "parameters": [11e9, 175e9, 1.571e12, 46.7e9, 280e9],
        "active_parameters": [np.nan, np.nan, np.nan, 12.9e9, np.nan],
        "moe": [False, False, True, True, False],
        "training_compute": [3.3e22, 3.14e23, np.nan, np.nan, 6.31e23],
    })
    f = frontier_from_table(table, seed=False)
    assert f.names == ("T5-11B", "GPT-3 175B", "Switch-C", "Gopher", "Mixtral") and f.n_measured == 3
    # MoE without active parameters or compute: out of the compute frontier; with active: estimated from them
    assert np.isnan(f.log10_compute[2])
    assert f.log10_compute[4] == pytest.approx(np.log10(6 * 12.9e9 * 20 * 12.9e9))
    np.testing.assert_allclose(f.log10_compute_before([2021.5]), [np.log10(3.14e23)])
    cf = f.without_gpt3()
    assert "GPT-3 175B" not in cf.names and cf.log10_compute_before([2021.5])[0] == pytest.approx(np.log10(3.3e22))
    with pytest.raises(GapstudyError, match="no GPT-3"):
        cf.without_gpt3()
    # without training_compute: every compute estimated; seed records added
    g = frontier_from_table(table.drop(columns=["training_compute"]))
    assert g.n_measured == 3 and "Megatron-LM (8.3B)" in g.names  # the three seed records carry Epoch's compute


# ------------------------------------------------------------------ the density


def test_share_is_zero_before_gpt3_and_density_is_the_trend_there():
    t, y, mix = _h2_data(400, 1)
    h = H.create("H2", frontier=_frontier()).fit(t, y, rng=np.random.default_rng(0))
    before = np.array([2018.2, 2019.5, C.GPT3_ONSET - 1e-6])
    assert np.all(h.competitor_share(before) == 0) and np.all(h.competitor_share(np.array([C.GPT3_ONSET, 2023.0])) > 0)
    trend = h.mix.trend
    yy = np.array([8.0, 9.5, 11.0])
    np.testing.assert_allclose(h.logpdf(yy, before), trend.logpdf(h.theta[:4], yy, before))
    np.testing.assert_allclose(h.responsibilities(yy, before), 0.0)
    draws = h.sample(np.full(20000, 2019.0), np.random.default_rng(3))
    assert np.mean(draws <= 9.0) == pytest.approx(float(trend.cdf(h.theta[:4], np.array([9.0]), np.array([2019.0]))[0]), abs=0.015)


def test_density_integrates_to_one_and_cdf_matches_samples():
    t, y, _ = _h2_data(400, 2)
    h = H.create("H2", frontier=_frontier()).fit(t, y, rng=np.random.default_rng(0))
    for when in (2019.0, 2021.3, 2024.7):
        f = lambda v: float(np.exp(h.logpdf(np.array([v]), np.array([when])))[0])  # noqa: E731
        assert sum(integrate.quad(f, a, a + 0.5, limit=100)[0] for a in np.arange(4, 16, 0.5)) == pytest.approx(1.0, abs=1e-4)
        draws = h.sample(np.full(20000, when), np.random.default_rng(5))
        for q in (9.0, 10.5, 11.5):
            assert np.mean(draws <= q) == pytest.approx(float(h.cdf(np.array([q]), np.array([when]))[0]), abs=0.015)


def test_analytic_gradient_matches_numerical():
    t, y, mix = _h2_data(300, 3)
    f = C._negll_grad_skewnormal(mix, y, t)
    for theta in (TRUTH, TRUTH + np.array([0.2, -0.1, 0.3, 2.0, -1.0, 0.5, -0.2, 0.4])):
        num = optimize.approx_fprime(theta, lambda x: f(x)[0], 1e-7)
        np.testing.assert_allclose(f(theta)[1], num, rtol=1e-4, atol=1e-3)
        assert f(theta)[0] == pytest.approx(-float(np.sum(mix.logpdf(theta, y, t))))


def test_recovers_known_parameters_from_its_own_simulations():
    t, y, _ = _h2_data(3000, 4)
    h = H.create("H2", frontier=_frontier()).fit(t, y, rng=np.random.default_rng(0))
    p = h.params()
    assert p["lag_months"] == TRUE_LAG
    assert p["margin_log10_compute"] == pytest.approx(0.3, abs=0.06)
    assert p["competitor_spread_dex"] == pytest.approx(0.15, abs=0.03)
    assert p["logit_share_at_gpt3"] == pytest.approx(TRUTH[4], abs=0.3)
    assert p["logit_share_slope_per_year"] == pytest.approx(0.3, abs=0.12)
    assert p["slope_oom_per_year"] == pytest.approx(0.3, abs=0.03)
    assert h.n_params == 9
    fixed = H.create("H2", frontier=_frontier(), lag_months=12).fit(t, y, rng=np.random.default_rng(0))
    assert fixed.n_params == 8 and fixed.params()["lag_months"] == 12
    assert H.in_sample(fixed, t, y)["loglik"] == pytest.approx(H.in_sample(h, t, y)["loglik"], abs=1e-3)


def _bic_wins(gen, n, reps):
    wins = 0
    for r in range(reps):
        t, y = gen(n, 100 + r)
        fits = {k: H.create(k, **({"frontier": _frontier()} if k == "H2" else {})).fit(t, y, rng=np.random.default_rng(r))
                for k in ("H0", "H2")}
        bic = {k: H.in_sample(h, t, y)["bic"] for k, h in fits.items()}
        wins += bic["H2"] < bic["H0"]
    return wins


@pytest.mark.slow
def test_h2_wins_on_its_own_data_and_not_on_smooth_data():
    reps = 4
    assert _bic_wins(lambda n, s: _h2_data(n, s)[:2], 300, reps) == reps
    assert _bic_wins(_h0_data, 300, reps) == 0


def test_counterfactual_without_gpt3_lowers_competitors_only_where_the_lagged_frontier_was_gpt3():
    t, y, _ = _h2_data(600, 6)
    h = H.create("H2", frontier=_frontier()).fit(t, y, rng=np.random.default_rng(0))
    rows = C.counterfactual_without_gpt3(h, t, np.log10(20e9), np.log10(70e9))
    by = {r["year"]: r for r in rows}
    lag = h.params()["lag_months"] / 12
    # a year whose planning dates all fall after GPT-3 and before the synthetic frontier passed it
    # (10^23.5 is reached in 2022.0): competitors are smaller without GPT-3
    yr = int(np.floor(K.GPT3_DATE + lag)) + 1 if K.GPT3_DATE + lag < 2021 else int(np.floor(K.GPT3_DATE + lag))
    assert by[yr]["competitor_log10_size_without_gpt3"] < by[yr]["competitor_log10_size_fitted"] - 0.1
    assert by[2018]["fitted_inside"] == pytest.approx(by[2018]["without_gpt3_inside"])
    assert by[2025]["competitor_log10_size_without_gpt3"] == pytest.approx(by[2025]["competitor_log10_size_fitted"])
    for r in rows:
        assert r["fitted_below"] + r["fitted_inside"] + r["fitted_above"] == pytest.approx(1.0)


def test_bad_options_are_clear():
    t, y, _ = _h2_data(100, 7)
    with pytest.raises(GapstudyError, match="Frontier"):
        H.create("H2", frontier=[1, 2, 3]).fit(t, y, rng=np.random.default_rng(0))
    with pytest.raises(GapstudyError, match="lag_months"):
        H.create("H2", lag_months=500).fit(t, y, rng=np.random.default_rng(0))
    with pytest.raises(GapstudyError, match="measure"):
        H.create("H2", measure="vibes").fit(t, y, rng=np.random.default_rng(0))
    assert "frontier" in H.REGISTRY["H2"].allowed_options and "frontier" in H.REGISTRY["H1+H2"].allowed_options


def test_fit_many_matches_one_fit_per_dataset():
    t, _, mix = _h2_data(150, 8)
    rng = np.random.default_rng(1)
    Y = np.stack([mix.sample(TRUTH, t, rng) for _ in range(3)] + [_h0_data(150, 9)[1]])
    h = H.create("H2", frontier=_frontier())
    many = h.fit_many(t, Y, rng=np.random.default_rng(2))
    one = np.array([H.in_sample(H.create("H2", frontier=_frontier()).fit(t, row, rng=np.random.default_rng(2)), t, row)["loglik"]
                    for row in Y])
    assert many.shape == (4,) and not h.fitted
    # fit_many alternates Newton fits with moves along the lag grid; fit profiles every lag (L-BFGS-B).
    # The alternation can stop at a neighbouring optimum (0.7 nats below fit's on one of these rows)
    np.testing.assert_allclose(many, one, atol=1.0)
    assert many.mean() >= one.mean() - 0.25


def test_fit_many_is_the_best_over_its_starts_and_uses_the_given_start():
    t, _, mix = _h2_data(150, 8)
    rng = np.random.default_rng(5)
    Y = np.stack([mix.sample(TRUTH, t, rng) for _ in range(3)])
    h = H.create("H2", frontier=_frontier(), lag_months=TRUE_LAG)
    ll, P, lag = h._fit_many(t, Y)
    # the returned parameters give the returned log-likelihood (the model's own density)
    for i in range(3):
        got = np.sum(C.CompetitorMixture(DriftingSkewNormal(float(np.mean(t))), _frontier(), lag[i]).logpdf(P[i], Y[i], t))
        assert got == pytest.approx(ll[i], abs=1e-6)
    # the truth as an extra start can only help, and a start is not a constraint (nothing below the truth's own likelihood)
    truth = H.create("H2", frontier=_frontier(), lag_months=TRUE_LAG).fit(t, Y[0], rng=rng)
    truth.theta = TRUTH.copy()
    with_start = H.create("H2", frontier=_frontier(), lag_months=TRUE_LAG).fit_many(t, Y, rng=rng, start=truth)
    assert np.all(with_start >= ll - 1e-6)
    at_truth = np.array([np.sum(mix.logpdf(TRUTH, row, t)) for row in Y])
    assert np.all(with_start >= at_truth - 1e-6)


def test_h1h2_fit_many_is_h2_without_a_band_and_fits_a_band_row_by_row_alike():
    t, _, mix = _h2_data(150, 8)
    rng = np.random.default_rng(6)
    Y = np.stack([mix.sample(TRUTH, t, rng) for _ in range(3)])
    opts = {"frontier": _frontier(), "lag_grid_months": [6, 12, 18]}
    late = {"band": [20e9, 70e9, 2030]}  # a band only from 2030: none at these dates
    h12 = H.create("H1+H2", **opts, **late)
    assert h12.same_as(t) == "H2" and H.create("H1+H2", **opts, band=[20e9, 70e9]).same_as(t) is None
    np.testing.assert_allclose(h12.fit_many(t, Y, rng=rng), H.create("H2", **opts).fit_many(t, Y, rng=rng))
    one12, one2 = H.create("H1+H2", **opts, **late).fit(t, Y[0], rng=rng), H.create("H2", **opts).fit(t, Y[0], rng=rng)
    assert np.sum(one12.logpdf(Y[0], t)) == pytest.approx(np.sum(one2.logpdf(Y[0], t)), abs=1e-9)
    assert one12.n_params == one2.n_params and one12.params()["depth"] == 0.0
    many = H.create("H1+H2", **opts, band=[1e9, 5e9]).fit_many(t, Y, rng=rng)
    one = [np.sum(H.create("H1+H2", **opts, band=[1e9, 5e9]).fit(t, row, rng=rng).logpdf(row, t)) for row in Y]
    h2 = H.create("H2", **opts).fit_many(t, Y, rng=rng)
    assert np.all(many >= h2 - 1e-9)  # H1+H2 contains H2 (depth 0)
    np.testing.assert_allclose(many, one, atol=1.0)


class _FakeSizeChoice:
    """A stand-in for gapstudy.costmodel.size_choice: sizes in 20B-70B are kept with share 0.2 once
    the adoption cost exceeds $1M (and fully below), so the cost is identified from above only."""

    ADOPTION_COST_RANGE_USD = (1e5, 1e7)

    @staticmethod
    def thinning(years, log10_params, cost, *, assumptions=None):
        y = np.asarray(log10_params, float)
        inside = (y >= np.log10(20e9)) & (y <= np.log10(70e9))
        return np.where(inside & (np.asarray(cost) >= 1e6), 0.2, 1.0)


def test_h1h2_thins_its_trend_as_h1_does_and_is_normalised():
    # the default H1+H2 thins its trend followers with H1's thinning (here a stand-in cost model), adoption cost and depth fitted
    t, y, mix = _h2_data(300, 10)
    inside = (y >= np.log10(20e9)) & (y <= np.log10(70e9)) & (mix.responsibilities(TRUTH, y, t) < 0.5)
    keep = ~inside | (np.random.default_rng(0).random(y.size) < 0.2)  # trend models in the band thinned
    t, y = t[keep], y[keep]
    opts = {"frontier": _frontier(), "thinning": _FakeSizeChoice.thinning, "cost_range": list(_FakeSizeChoice.ADOPTION_COST_RANGE_USD)}
    h = H.create("H1+H2", **opts).fit(t, y, rng=np.random.default_rng(0))
    p = h.params()
    assert h.n_params == 11 and p["depth"] > 0.5 and p["adoption_cost_usd"] >= 1e6
    h2 = H.create("H2", frontier=_frontier()).fit(t, y, rng=np.random.default_rng(0))
    assert np.sum(h.logpdf(y, t)) >= np.sum(h2.logpdf(y, t)) - 1e-9  # H1+H2 contains H2 (depth 0)
    f = lambda v: float(np.exp(h.logpdf(np.array([v]), np.array([2023.0])))[0])  # noqa: E731
    assert sum(integrate.quad(f, a, a + 0.5, limit=100)[0] for a in np.arange(4, 16, 0.5)) == pytest.approx(1.0, abs=1e-4)
    draws = h.sample(np.full(20000, 2023.0), np.random.default_rng(5))
    assert np.mean(draws <= 10.5) == pytest.approx(float(h.cdf(np.array([10.5]), np.array([2023.0]))[0]), abs=0.015)
    assert h.same_as(t) is None and h.nests(t) == "H2"
    # batched: at least H2's batched fit on every dataset, close to one fit per dataset, and H2's own fits nested exactly
    rng = np.random.default_rng(3)
    Y = np.stack([h.sample(t, rng) for _ in range(3)] + [h2.sample(t, rng)])
    many = H.create("H1+H2", **opts).fit_many(t, Y, rng=rng)
    many2 = H.create("H2", frontier=_frontier()).fit_many(t, Y, rng=rng, start=h2)
    nested, inner, _ = H.create("H1+H2", **opts).fit_many_nested(t, Y, inner_start=h2)
    np.testing.assert_array_equal(inner, many2)
    assert np.all(nested >= many2 - 1e-9) and np.all(many >= H.create("H2", frontier=_frontier()).fit_many(t, Y, rng=rng) - 1e-9)
    one = [np.sum(H.create("H1+H2", **opts).fit(t, row, rng=rng).logpdf(row, t)) for row in Y]
    np.testing.assert_allclose(many, one, atol=1.0)
    assert np.all(many[:3] > many2[:3] + 0.1)  # on data thinned that way the thinning raises the likelihood
    with pytest.raises(GapstudyError, match="not both"):
        H.create("H1+H2", thinning="costmodel", band=[20e9, 70e9]).fit(t, y, rng=np.random.default_rng(0))


def test_recovery_fits_h2_inside_h1h2s_job():
    from gapstudy.hypotheses import engine

    t, y, _ = _h2_data(150, 12)
    opts = {"frontier": _frontier(), "lag_grid_months": [6, 12]}
    thin = {"thinning": _FakeSizeChoice.thinning, "cost_range": list(_FakeSizeChoice.ADOPTION_COST_RANGE_USD)}
    specs = engine.specs(["H2", "H1+H2"], {"H2": opts, "H1+H2": {**opts, **thin}})
    assert engine._nested(specs, {}, t) == {"H1+H2": "H2"}
    g = H.create("H2", **opts).fit(t, y, rng=np.random.default_rng(0))
    rec = engine.recovery([engine.Generator("H2", g, "H2")], specs, t, n_datasets=6, seed=1)
    alone = engine.recovery([engine.Generator("H2", g, "H2")], specs[:1], t, n_datasets=6, seed=1)
    assert set(rec["fit_seconds"]) == {"H2", "H1+H2"} and not rec["failed"]
    # H2 scores its datasets as when it is fitted on its own
    assert alone["rows"][0]["wins"]["H2"] == 6 and sum(rec["rows"][0]["wins"].values()) == 6


def test_h1h2_takes_the_h2_fit_just_made_on_the_same_rows(monkeypatch):
    t, y, _ = _h2_data(120, 11)
    opts = {"frontier": _frontier(), "lag_grid_months": [6, 12]}
    h2 = H.create("H2", **opts).fit(t, y, rng=np.random.default_rng(0))
    calls = []
    real = C._CompetitionBase._fit
    monkeypatch.setattr(C._CompetitionBase, "_fit", lambda self, *a, **k: calls.append(type(self).__name__) or real(self, *a, **k))
    h12 = H.create("H1+H2", **opts, band=[20e9, 70e9, 2030]).fit(t, y, rng=np.random.default_rng(0))
    assert calls == [] and np.array_equal(h12.theta, np.r_[h2.theta[:4], 0.0, h2.theta[4:]])
    H.create("H1+H2", **opts, band=[20e9, 70e9, 2030]).fit(t, y + 0.01, rng=np.random.default_rng(0))  # other rows: fitted afresh
    assert calls == ["CompetitionH2"]
