"""Summaries, predictive density and the ABC fitter of the competition simulation."""

from __future__ import annotations

import numpy as np
import pytest

from gapstudy.competition import CompetitionParams, simulate
from gapstudy.competition import density, fit, summaries
from gapstudy.errors import GapstudyError


@pytest.fixture(scope="module")
def result():
    return simulate(CompetitionParams(end=2024.0), n_worlds=40, seed=13)


def test_histograms_count_every_release(result):
    h = summaries.year_histograms(result)
    assert h.counts.shape[:2] == (40, 7) and h.counts.sum() == len(result)
    np.testing.assert_array_equal(h.counts.sum(axis=2), h.bands.sum(axis=2))
    lo, mid, hi = h.band()
    assert np.all(lo <= mid) and np.all(mid <= hi)
    share = summaries.gap_share(result, 2021.0, 2022.0)
    pooled = h.bands[:, 4, 1].sum() / h.bands[:, 4, :].sum()
    assert share["pooled"] == pytest.approx(pooled)


def test_streamed_histograms_match_one_shot(result):
    streamed = summaries.simulate_histograms(CompetitionParams(end=2024.0), n_worlds=40, seed=13, chunk_worlds=15)
    np.testing.assert_array_equal(streamed.counts, summaries.year_histograms(result).counts)


def test_count_distance_is_small_for_the_simulated_mean(result):
    h = summaries.year_histograms(result)
    mean = h.bands.mean(axis=0).round().astype(int)
    obs = {int(y): tuple(mean[i]) for i, y in enumerate(h.years)}
    near = summaries.count_distance(h, obs)
    far = summaries.count_distance(h, {int(y): (0, 500, 0) for y in h.years})
    assert near["chi2_counts"] < near["cells"] < far["chi2_counts"]
    assert len(near["per_year"]) == 7
    with pytest.raises(GapstudyError, match="below, inside, above"):
        summaries.count_distance(h, {2020: (1, 2)})


def test_predictive_density_is_a_density(result):
    d = density.predictive_logpdf(result, (2022.0, 2024.0))
    assert np.sum(d.density * np.diff(d.edges)) == pytest.approx(1.0)
    lp = d.logpdf(np.array([3.0, 9.0, 10.5, 16.0]))
    assert np.isneginf(lp[0]) and np.isneginf(lp[3]) and np.all(np.isfinite(lp[1:3]))
    sel = (result.year >= 2022) & (result.year < 2024) & (result.kind != 3)
    share = summaries.band_of(result.log10_params[sel]).__eq__(1).mean()
    assert d.mass(np.log10(20e9), np.log10(70e9)) == pytest.approx(share, abs=0.03)
    with pytest.raises(GapstudyError, match="end > start"):
        density.predictive_logpdf(result, (2024.0, 2022.0))


def test_summary_stats_by_hand():
    year = np.array([2018.1, 2018.5, 2018.7, 2018.9, 2019.2])
    x = np.array([8.0, 10.5, 11.0, 9.0, 7.0])
    s = fit.summary_stats(np.zeros(5, int), year, x, 1, periods=((2018.0, 2019.0), (2020.0, 2021.0)))[0]
    # share inside, share above, lower 25th, 50th, 75th and 90th percentiles
    np.testing.assert_allclose(s[:6], [0.25, 0.25, 8.0, 9.0, 10.5, 10.5])
    assert np.all(np.isnan(s[6:12]))
    assert s[12] == pytest.approx(np.polyfit(year[:4], x[:4], 1)[0])  # OLS slope over the periods' releases
    sub = fit.summary_stats(np.zeros(5, int), year, x, 1, periods=((2018.0, 2019.0),), sample_sizes=[2],
                            rng=np.random.default_rng(0))[0]
    assert set(np.round(sub[2:6], 6)) <= set(x[:4])  # quantiles of a 2-release subsample


def test_abc_recovers_a_known_growth_rate():
    truth = CompetitionParams(budget_growth=(3.0, 3.0, 3.0), end=2022.5)
    obs = simulate(truth, n_worlds=1, seed=99, world_offset=10_000)
    f = fit.fit_abc(obs.year, obs.log10_params, free={"budget_growth[*]": (1.5, 5.0)},
                    n_draws=400, worlds_per_draw=1, accept=0.1, seed=4, use_cache=False)
    assert f.q05["budget_growth[*]"] <= 3.0 <= f.q95["budget_growth[*]"]
    # one world of 2018..mid-2022 pins growth only loosely (the 2020 level is fixed, so growth
    # shows mainly in the 2018-2019 medians), but the data still narrow the prior
    assert f.shrinkage()["budget_growth[*]"] < 0.9
    pred = fit.predict(f, n_draws=5, worlds_per_draw=2)
    assert pred.n_worlds == 10 and pred.year.max() > 2026


def test_batch_worlds_equal_single_worlds():
    from gapstudy.competition.simulate import simulate_batch

    p = CompetitionParams(end=2022.0)
    v = {"compete_prob[0]": np.array([0.2, 0.9]), "response_strength": np.array([0.0, 1.0]),
         "plan_lag_months": np.array([0.0, 18.0]), "own_share_median": np.array([0.01, 0.1])}
    b = simulate_batch(p, v, seed=3, world_offset=7, chunk_worlds=1)
    for i in range(2):
        q = p
        for k in v:
            q = q.with_(k, float(v[k][i]))
        one = simulate(q, n_worlds=1, seed=3, world_offset=7 + i)
        np.testing.assert_array_equal(one.log10_params, b.log10_params[b.world == 7 + i])
    with pytest.raises(GapstudyError, match="cannot vary"):
        simulate_batch(p, {"release_rate[0]": np.array([0.1])}, seed=1)


def test_abc_pmc_is_cached_and_reports_acceptance(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSTUDY_CACHE", str(tmp_path))
    truth = CompetitionParams(end=2022.5)
    obs = simulate(truth, n_worlds=1, seed=5, world_offset=50_000)
    kw = dict(free={"compete_prob[0]": (0.05, 0.95), "own_share_median": (0.002, 0.2, "log")}, n_draws=300, accept=0.1, seed=2)
    f1 = fit.fit_abc(obs.year, obs.log10_params, **kw)
    f2 = fit.fit_abc(obs.year, obs.log10_params, **kw)
    np.testing.assert_array_equal(f1.accepted, f2.accepted)
    assert f1.meta["rounds"] == 2 and f1.accepted.shape == (15, 2) and f1.meta["acceptance"] == pytest.approx(0.1)
    assert np.all((f1.accepted[:, 1] >= 0.002) & (f1.accepted[:, 1] <= 0.2))
    assert set(f1.shrinkage()) == set(kw["free"])


def test_abc_rejects_bad_priors():
    with pytest.raises(GapstudyError, match="high > low"):
        fit.fit_abc(np.array([2019.0]), np.array([9.0]), free={"budget_sigma": (2.0, 1.0)})
    with pytest.raises(GapstudyError, match="does not exist"):
        fit.fit_abc(np.array([2019.0]), np.array([9.0]), free={"nope": (0.0, 1.0)})
    with pytest.raises(GapstudyError, match="fitting periods"):
        fit.fit_abc(np.array([2010.0]), np.array([9.0]))


def test_smoothing_effect_names_the_conclusions_that_change_with_the_width():
    from gapstudy.experiments.competition import smoothing_effect

    class Flat:  # H0 stand-in: log density -1.5 everywhere
        def logpdf(self, y, t):
            return np.full(np.shape(y), -1.5)

    def scen(name, anchor, scores):
        return {"name": name, "anchor": anchor, "beliefs": "switch", "cost": "simple",
                "log_score_2023_2025_by_width": dict(zip(("0.05", "0.1", "0.2"), scores))}

    pred = [{"start": 2023.0, "end": 2024.0, "h0_log_score": -1.5, "log_score_by_width": {"0.05": -1.6, "0.1": -1.4, "0.2": -1.3}}]
    year, x = np.array([2023.5, 2024.5]), np.array([10.0, 11.0])
    same = smoothing_effect([scen("on", True, (-1.2, -1.1, -1.0)), scen("off", False, (-1.3, -1.2, -1.1))], pred[:0], Flat(), year, x)
    assert same["changes"] == [] and same["per_width"]["0.1"]["best_scenario"] == "on"
    assert same["per_width"]["0.05"]["anchor_better_pairs"] == 1 and same["h0_log_score_2023_2025"] == -1.5
    moved = smoothing_effect([scen("on", True, (-1.2, -1.1, -1.6)), scen("off", False, (-1.3, -1.2, -1.1))], pred, Flat(), year, x)
    what = {c["conclusion"]: c["by_width"] for c in moved["changes"]}
    assert what["the best scenario by its 2023-25 log score"] == {"0.05": "on", "0.1": "on", "0.2": "off"}
    assert what["the prediction periods where the simulation's log score beats H0's"]["0.05"] == []
    assert what["the scenarios whose 2023-25 log score beats H0's"]["0.2"] == ["off"]
