"""Hypotheses as generative models: densities match hand computation and each wins on data it generated."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from gapstudy import hypotheses as H
from gapstudy.errors import GapstudyError
from gapstudy.hypotheses.base import Hypothesis

GAP = (np.log10(20e9), np.log10(70e9))


class StdNormal(Hypothesis):
    """A fixed N(10, 1) density (nothing fitted): scores can be computed by hand."""

    key = "test-normal"

    @property
    def n_params(self):
        return 2

    def fit(self, t, y, *, rng):
        self.fitted = True
        return self

    def logpdf(self, y, t):
        return stats.norm.logpdf(y, 10, 1)

    def cdf(self, y, t):
        return stats.norm.cdf(y, 10, 1)

    def sample(self, t, rng):
        return rng.normal(10, 1, np.shape(t))


def test_scores_match_hand_computation():
    h = StdNormal().fit(None, None, rng=None)
    t = np.array([2021.0, 2021.5, 2022.0])
    y = np.array([9.0, 10.0, 12.0])
    # log N(y; 10, 1) = -0.5 log(2 pi) - (y - 10)^2 / 2
    c = -0.5 * np.log(2 * np.pi)
    ll = 3 * c - 0.5 * (1 + 0 + 4)
    s = H.in_sample(h, t, y)
    assert s["loglik"] == pytest.approx(ll)
    assert s["aic"] == pytest.approx(2 * 2 - 2 * ll)
    assert s["bic"] == pytest.approx(2 * np.log(3) - 2 * ll)
    assert H.mean_log_density(h, t, y)["mean_log_density"] == pytest.approx(ll / 3)
    # window [9.5, 10.5]: P = Phi(0.5) - Phi(-0.5) per model, one model inside
    p = stats.norm.cdf(0.5) - stats.norm.cdf(-0.5)
    d = H.deficit_check(h, t, y, 9.5, 10.5, n_sim=4000, rng=np.random.default_rng(0))
    assert d["observed"] == 1 and d["expected"] == pytest.approx(3 * p)
    # P(count <= 1) for Binomial(3, p)
    assert d["p_low"] == pytest.approx(stats.binom.cdf(1, 3, p), abs=0.03)
    rows = H.yearly_counts(h, t, y, 9.5, 10.5)
    assert [(r["year"], r["below"], r["inside"], r["above"]) for r in rows] == [(2021, 1, 1, 0), (2022, 0, 0, 1)]
    assert rows[0]["exp_inside"] == pytest.approx(2 * p)


def _h0_data(n=400, seed=1):
    rng = np.random.default_rng(seed)
    t = rng.uniform(2020, 2026, n)
    y = stats.skewnorm.rvs(1.5, loc=9.0 + 0.3 * (t - 2023), scale=0.9, random_state=rng)
    return t, y


def test_h0_density_is_the_skew_normal():
    t, y = _h0_data(300)
    h = H.create("H0").fit(t, y, rng=np.random.default_rng(0))
    p = h.params()
    loc = p["intercept_at_t0"] + p["slope_oom_per_year"] * (t - p["t0"])
    assert np.allclose(h.logpdf(y, t), stats.skewnorm.logpdf(y, p["shape"], loc, p["scale"]))
    assert np.allclose(h.cdf(y, t), stats.skewnorm.cdf(y, p["shape"], loc, p["scale"]), atol=1e-9)
    assert p["slope_oom_per_year"] == pytest.approx(0.3, abs=0.08)


@pytest.mark.parametrize("name", ["H0", "H1", "M2"])
def test_density_integrates_to_one_and_matches_cdf(name):
    rng = np.random.default_rng(3)
    t, y = _gapped_data(rng)
    h = H.create(name, **({"band": [20e9, 70e9]} if name == "H1" else {})).fit(t, y, rng=rng)
    for date in (2020.3, 2024.7):
        f = lambda v: float(np.exp(h.logpdf(np.array([v]), np.array([date])))[0])  # noqa: E731
        total = sum(integrate.quad(f, a, b, limit=200)[0] for a, b in ((0, GAP[0]), GAP, (GAP[1], 20)))
        assert total == pytest.approx(1.0, abs=2e-3)
        part = sum(integrate.quad(f, a, b, limit=200)[0] for a, b in ((0, GAP[0]), (GAP[0], 10.5)))
        assert float(h.cdf(np.array([10.5]), np.array([date]))[0]) == pytest.approx(part, abs=2e-3)


def _gapped_data(rng, n=400):
    """Two groups either side of 20B-70B (M2-like, a deep gap) drifting with date."""
    t = rng.uniform(2020, 2026, n)
    high = rng.random(n) < 0.4
    y = np.where(high, 11.3, 9.4) + 0.05 * (t - 2023) + rng.normal(0, 0.3, n)
    return t, y


def _bic(name, t, y, rng, **opts):
    h = H.create(name, **opts).fit(t, y, rng=rng)
    return H.in_sample(h, t, y)["bic"]


def test_gapped_data_m2_and_h1_beat_h0():
    rng = np.random.default_rng(7)
    t, y = _gapped_data(rng)
    b0 = _bic("H0", t, y, rng)
    assert _bic("M2", t, y, rng) < b0 - 10
    h1 = H.create("H1", band=[20e9, 70e9]).fit(t, y, rng=rng)
    assert H.in_sample(h1, t, y)["bic"] < b0 - 10
    assert h1.params()["depth"] > 0.8


def test_smooth_data_h0_wins_on_bic():
    t, y = _h0_data(500, seed=11)
    rng = np.random.default_rng(5)
    b0 = _bic("H0", t, y, rng)
    assert b0 < _bic("M2", t, y, rng)
    assert b0 < _bic("H1", t, y, rng, band=[20e9, 70e9])


def test_simulated_deficit_reproduced_only_by_gapped_hypothesis():
    rng = np.random.default_rng(9)
    t, y = _gapped_data(rng)
    h0 = H.create("H0").fit(t, y, rng=rng)
    m2 = H.create("M2").fit(t, y, rng=rng)
    d0 = H.deficit_check(h0, t, y, *GAP, n_sim=2000, rng=np.random.default_rng(1))
    d2 = H.deficit_check(m2, t, y, *GAP, n_sim=2000, rng=np.random.default_rng(1))
    assert d0["p_low"] < 0.01 < d2["p_low"]


def test_sampling_follows_the_density():
    rng = np.random.default_rng(2)
    t, y = _gapped_data(rng)
    for name, opts in (("H0", {}), ("M2", {}), ("H1", {"band": [20e9, 70e9]})):
        h = H.create(name, **opts).fit(t, y, rng=rng)
        tt = np.full(20000, 2023.0)
        draws = h.sample(tt, np.random.default_rng(4))
        assert np.mean(draws <= 10.5) == pytest.approx(float(h.cdf(np.array([10.5]), np.array([2023.0]))[0]), abs=0.015)


def test_registry_and_bad_input():
    assert {"H0", "H1", "H2", "H1+H2", "M2"} <= set(H.names())
    with pytest.raises(GapstudyError, match="unknown hypothesis"):
        H.create("H9")
    with pytest.raises(GapstudyError, match="unknown option"):
        H.create("H0", nonsense=1)
    with pytest.raises(GapstudyError, match="needs at least"):
        H.create("H0").fit([2020.0, 2021.0], [9.0, 10.0], rng=np.random.default_rng(0))
    with pytest.raises(GapstudyError, match="not fitted"):
        H.create("M2").logpdf(np.array([9.0]), np.array([2020.0]))
    with pytest.raises(GapstudyError, match="band"):
        H.create("H1", band=[70e9, 20e9]).fit(*_h0_data(50), rng=np.random.default_rng(0))


def test_new_hypothesis_plugs_in_as_one_class():
    @H.register
    class Plugged(StdNormal):
        key = "test-plugged"

    assert "test-plugged" in H.names() and isinstance(H.create("test-plugged"), Plugged)
    with pytest.raises(GapstudyError, match="taken"):
        @H.register
        class Clash(StdNormal):
            key = "H0"


@pytest.mark.slow
def test_competition_hypotheses_fit_and_normalise():
    rng = np.random.default_rng(0)
    t, y = _h0_data(150)
    h2 = H.create("H2").fit(t, y, rng=np.random.default_rng(1))
    assert h2.n_params >= 1 and np.isfinite(H.in_sample(h2, t, y)["loglik"])
    f = lambda v: float(np.exp(h2.logpdf(np.array([v]), np.array([2023.5])))[0])  # noqa: E731
    assert sum(integrate.quad(f, a, a + 1, limit=200)[0] for a in range(4, 15)) == pytest.approx(1.0, abs=1e-3)
    h12 = H.create("H1+H2", band=[20e9, 70e9]).fit(t, y, rng=np.random.default_rng(1))
    assert h12.n_params == h2.n_params + 1 and 0 <= h12.params()["depth"] < 1
    assert float(h12.cdf(np.array([20.0]), np.array([2023.5]))[0]) == pytest.approx(1.0)
    assert rng is not None


# ---------------------------------------------------------------- notch, batched fits, H1 from a thinning, engine


def _issue_data(n, seed, notch=True):
    """The issue's test case: a smooth drifting trend with 85% of 20B-70B emptied (or not)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(2020, 2026, 3 * n)
    y = 9.8 + 0.25 * (t - 2023) + 0.9 * rng.standard_normal(t.size)
    if notch:
        keep = ~((y >= GAP[0]) & (y < GAP[1]) & (rng.random(y.size) < 0.85))
        t, y = t[keep], y[keep]
    return t[:n], y[:n]


def test_batched_fits_equal_one_at_a_time_fits():
    t, y = _issue_data(220, 1)
    rng = np.random.default_rng(0)
    Y = H.create("H0").fit(t, y, rng=rng).sample_many(t, 4, rng)
    Y[2] = _issue_data(220, 2)[1]
    for name, opts in (("H0", {}), ("notch", {}), ("H1", {"band": [20e9, 70e9]}), ("M2", {})):
        many = H.create(name, **opts).fit_many(t, Y, rng=np.random.default_rng(3))
        one = [H.in_sample(H.create(name, **opts).fit(t, row, rng=np.random.default_rng(3)), t, row)["loglik"] for row in Y]
        assert many == pytest.approx(one, abs=1e-6), name


def test_notched_trend_is_not_explained_best_by_h0_and_a_smooth_one_is():
    from gapstudy.hypotheses import engine

    specs = engine.specs(["H0", "notch", "M2"])
    for seed in range(3):
        t, y = _issue_data(400, seed)
        rows = engine.in_sample(engine.fit_all(specs, t, y, seed=0), t, y)
        assert engine.best_by(rows, "bic")[0] == "notch"
        p = rows["notch"]["params"]
        assert 14e9 < p["band_lower"] < 28e9 and 50e9 < p["band_upper"] < 100e9 and p["depth"] > 0.6
        t, y = _issue_data(400, seed, notch=False)
        rows = engine.in_sample(engine.fit_all(specs, t, y, seed=0), t, y)
        assert engine.best_by(rows, "bic")[0] == "H0"


def _synthetic_thinning(years, log10_params, cost):
    """A stand-in for gapstudy.costmodel.size_choice.thinning: from 2020, sizes from 20B up to an edge
    that rises with the adoption cost (none below $1M, 20B-70B at $10M) are never built."""
    years, y, cost = np.broadcast_arrays(np.asarray(years, float), np.asarray(log10_params, float), np.asarray(cost, float))
    upper = GAP[0] + (GAP[1] - GAP[0]) * np.clip(np.log10(cost) - 6.0, 0.0, 1.0)
    return np.where((years >= 2020) & (y >= GAP[0]) & (y < upper), 0.0, 1.0)


def test_h1_fits_adoption_cost_and_depth_from_a_thinning_function():
    t, y = _issue_data(400, 4)
    h1 = H.create("H1", thinning=_synthetic_thinning, cost_range=[1e5, 1e7]).fit(t, y, rng=np.random.default_rng(0))
    p = h1.params()
    assert h1.n_params == 6 and p["adoption_cost_usd"] > 5e6 and 0.7 < p["depth"] < 0.95
    assert H.in_sample(h1, t, y)["bic"] < H.in_sample(H.create("H0").fit(t, y, rng=np.random.default_rng(0)), t, y)["bic"] - 10
    f = lambda v: float(np.exp(h1.logpdf(np.array([v]), np.array([2023.5])))[0])  # noqa: E731
    assert sum(integrate.quad(f, a, a + 0.5, limit=200)[0] for a in np.arange(5, 15, 0.5)) == pytest.approx(1.0, abs=1e-4)
    draws = h1.sample(np.full(20000, 2023.5), np.random.default_rng(1))
    assert np.mean(draws <= 10.5) == pytest.approx(float(h1.cdf(np.array([10.5]), np.array([2023.5]))[0]), abs=0.015)


def test_h1_without_any_band_is_h0_equivalent_and_says_why():
    from gapstudy.hypotheses import engine

    t, y = _issue_data(200, 5, notch=False)
    never = lambda years, sizes, cost: np.ones(np.broadcast(years, sizes, cost).shape)  # noqa: E731
    specs = engine.specs(["H0", "H1"], {"H1": {"thinning": never, "cost_range": [1e5, 1e7]}})
    fits = engine.fit_all(specs, t, y, seed=0)
    rows = engine.in_sample(fits, t, y)
    assert rows["H1"]["same_as"] == "H0" and rows["H1"]["k"] == 4
    assert rows["H1"]["loglik"] == pytest.approx(rows["H0"]["loglik"]) and rows["H1"]["delta_bic"] == pytest.approx(0)
    assert "opens no band" in rows["H1"]["notes"][0] and "$100k-$10M" in rows["H1"]["notes"][0]
    assert engine.best_by(rows, "bic") == ["H0"]


def test_depth_by_year_sees_the_notch_and_not_a_smooth_trend():
    t, y = _issue_data(400, 6)
    d = H.depth_by_year(t, y, 20e9, 70e9, range(2018, 2027))
    rows = {r["year"]: r for r in d["rows"]}
    assert rows[2018]["n"] == 0 and "ratio" not in rows[2018]
    for yr in range(2020, 2026):
        assert rows[yr]["depth_lo"] > 0.3 and rows[yr]["depth_lo"] <= rows[yr]["depth"] <= rows[yr]["depth_hi"]
    t, y = _issue_data(400, 6, notch=False)
    d = H.depth_by_year(t, y, 20e9, 70e9, range(2020, 2026))
    covered = [r["depth_lo"] <= 0 <= r["depth_hi"] for r in d["rows"]]
    assert sum(covered) >= 5  # 95% intervals: at most one of six years may miss 0 by chance


def test_depth_by_year_says_which_years_have_too_few_models():
    # 2020-2025 from the issue's notched data, plus 3 models in 2019: no outcome there could show a gap
    t, y = _issue_data(400, 6)
    t, y = np.r_[t, 2019.2, 2019.5, 2019.8], np.r_[y, 9.0, 9.5, 11.5]
    d = H.depth_by_year(t, y, 20e9, 70e9, range(2018, 2027))
    rows = {r["year"]: r for r in d["rows"]}
    few = rows[2019]
    assert few["n"] == 3 and few["too_few"] and "ratio" in few and few["expected"] < 1.9
    assert "3 models" in few["note"] and f"expects {few['expected']:.1f}" in few["note"]
    assert few["depth_lo"] <= 0 <= few["depth_hi"]  # what too_few promises
    assert rows[2018]["n"] == 0 and rows[2018]["too_few"]
    for yr in range(2020, 2026):  # enough models: measured, and the notch shows
        assert not rows[yr]["too_few"] and rows[yr]["depth_lo"] > 0.3
    assert d["trend"]["n"] == t.size and d["trend"]["first_year"] == pytest.approx(t.min())


def test_paired_differences_and_evidence_scale():
    from gapstudy.hypotheses import engine

    a = np.array([-1.0, -2.0, -1.5, -0.5])
    b = a - np.array([0.1, 0.3, 0.2, 0.2])
    p = engine.paired({"a": a, "b": b})
    d = b - a
    assert p["a"]["diff_vs_best"] == 0 and p["b"]["diff_vs_best"] == pytest.approx(d.mean())
    assert p["b"]["se_diff"] == pytest.approx(np.std(d, ddof=1) / 2)
    assert [engine.evidence(v) for v in (1, 3, 8, 12)] == ["not worth more than a bare mention", "positive", "strong", "very strong"]


def test_recovery_tells_a_notch_from_a_smooth_trend():
    from gapstudy.hypotheses import engine

    t, y = _issue_data(220, 7, notch=False)
    g0 = H.create("H0").fit(t, y, rng=np.random.default_rng(0))
    gens = [engine.Generator("H0", g0, "H0"), engine.Generator("notched", engine.notched_trend(t, y, 20e9, 70e9, 0.85, seed=0), "not H0")]
    rec = engine.recovery(gens, engine.specs(["H0", "notch"]), t, n_datasets=40, seed=1)
    rows = {r["generator"]: r for r in rec["rows"]}
    assert rows["H0"]["correct"] >= 0.8 and rows["notched"]["correct"] >= 0.8
    assert sum(rows["H0"]["wins"].values()) == 40


def test_code_fingerprint_follows_every_source_file_of_a_package(tmp_path, monkeypatch):
    from gapstudy import cache

    pkg = tmp_path / "fp_pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "model.py").write_text("RATE = 1.0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = cache.code_fingerprint("fp_pkg")
    assert cache.code_fingerprint("fp_pkg") == before and len(before) == 64
    (pkg / "sub" / "model.py").write_text("RATE = 2.0\n")  # an edit deep inside the package
    cache.code_fingerprint.cache_clear()  # the fingerprint is memoised per process (code does not change under a run)
    edited = cache.code_fingerprint("fp_pkg")
    assert edited != before
    (pkg / "sub" / "extra.py").write_text("")  # a new module
    cache.code_fingerprint.cache_clear()
    assert cache.code_fingerprint("fp_pkg") not in (before, edited)
    with pytest.raises(ValueError, match="no module named 'fp_pkg_absent'"):
        cache.code_fingerprint("fp_pkg_absent")
    cache.code_fingerprint.cache_clear()


def test_rolling_origins_cached_equal_computed_and_key_on_code_and_rows(tmp_path, monkeypatch):
    from gapstudy import cache
    from gapstudy.hypotheses import engine

    monkeypatch.setenv("GAPSTUDY_CACHE", str(tmp_path))
    t, y = _issue_data(220, 3, notch=True)
    sl = engine.specs(["H0", "notch"])
    args = dict(seed=4, min_train=20, min_test=3)
    plain = engine.rolling(sl, t, y, [2022.5, 2023.5], 1.0, **args)
    cold = engine.rolling(sl, t, y, [2022.5, 2023.5], 1.0, cache_key={"test": 1}, **args)
    misses = cache.STATS["misses"]
    warm = engine.rolling(sl, t, y, [2022.5, 2023.5], 1.0, cache_key={"test": 1}, **args)
    assert cache.STATS["misses"] == misses  # both origins read back
    assert warm == cold == plain
    # other rows at an origin, or other code, are other entries
    y2 = y.copy()
    y2[np.argmin(t)] += 0.5
    engine.rolling(sl, t, y2, [2022.5], 1.0, cache_key={"test": 1}, **args)
    assert cache.STATS["misses"] == misses + 1
    monkeypatch.setattr(cache, "code_fingerprint", lambda *modules: "edited")
    engine.rolling(sl, t, y, [2022.5], 1.0, cache_key={"test": 1}, **args)
    assert cache.STATS["misses"] == misses + 2


def test_mills_ratio_is_accurate_and_finite_far_in_the_lower_tail():
    # phi/Phi far below 0 (wild Newton trial steps reach u ~ -4e9): the log form overflowed there
    # and turned the trend's gradient into inf - inf
    mpmath = pytest.importorskip("mpmath")
    from gapstudy.hypotheses.thinned import MILLS_SERIES_BELOW, _lam

    mpmath.mp.dps = 50
    u = np.array([2.0, 0.0, -3.0, -40.0, -900.0, -1.1e3, -3e5, -4e9])
    ref = np.array([float(mpmath.npdf(v) / mpmath.ncdf(v)) for v in u])
    got = _lam(u)
    assert np.allclose(got, ref, rtol=1e-9, atol=0)
    assert np.isfinite(_lam(np.array([-1e150, -1e300]))).all()
    assert np.all(got[u < 0] >= -u[u < 0])  # Mills: phi(u)/Phi(u) > -u for u < 0 (equal in doubles far out)
    edge = _lam(np.array([MILLS_SERIES_BELOW * (1 - 1e-12), MILLS_SERIES_BELOW * (1 + 1e-12)]))
    assert edge[1] == pytest.approx(edge[0], rel=1e-8)  # no jump where the series takes over


def test_confused_with_names_every_generator_under_the_goal():
    from gapstudy.hypotheses.engine import confused_with

    # 60% correct, the rest spread thinly: no single wrong winner over 20%, still the largest are named
    assert confused_with({"a": 0.15, "b": 0.15, "c": 0.10}, 0.6) == ["a", "b"]
    assert confused_with({"a": 0.35, "b": 0.05}, 0.6) == ["a"]
    assert confused_with({"a": 0.05, "b": 0.05}, 0.9) == []
    assert confused_with({"a": 0.0}, 0.5) == []  # nothing won wrongly (e.g. failed fits): nothing to name


def test_recovery_reuses_an_identical_hypothesis_and_splits_its_ties():
    """A hypothesis that is another's density at these dates (H1+H2 whose band opens only after the data)
    reuses that one's fits; their exact ties are split, so neither wins them all by its place in the list."""
    from gapstudy.hypotheses import engine

    t, y = _issue_data(150, 4, notch=False)
    g0 = H.create("H0").fit(t, y, rng=np.random.default_rng(0))

    class Twin(type(g0)):
        """H0 under another name, saying so."""

        def same_as(self, t):
            return "H0"

    H.REGISTRY["H0-twin"] = Twin
    try:
        gens = [engine.Generator("H0", g0, "H0")]
        rec = engine.recovery(gens, engine.specs(["H0", "H0-twin"]), t, n_datasets=20, seed=3)
    finally:
        del H.REGISTRY["H0-twin"]
    row = rec["rows"][0]
    assert rec["same_as"] == {"H0-twin": "H0"}
    assert row["wins"] == {"H0": 10, "H0-twin": 10} and row["ties"] == 20
    assert row["correct"] == pytest.approx(0.5) and row["confused_with"] == ["H0-twin"]
    assert rec["indistinguishable"] == [["H0", "H0-twin"]]


def test_recovery_in_two_processes_gives_the_same_matrix():
    from gapstudy.hypotheses import engine

    t, y = _issue_data(150, 5, notch=False)
    g0 = H.create("H0").fit(t, y, rng=np.random.default_rng(0))
    gens = [engine.Generator("H0", g0, "H0"), engine.Generator("notched", engine.notched_trend(t, y, 20e9, 70e9, 0.85, seed=0), "not H0")]
    specs = engine.specs(["H0", "notch", "M2"])
    one = engine.recovery(gens, specs, t, n_datasets=20, seed=2, workers=1)
    two = engine.recovery(gens, specs, t, n_datasets=20, seed=2, workers=2)
    assert [r["wins"] for r in one["rows"]] == [r["wins"] for r in two["rows"]]
    assert [r["median_margin"] for r in one["rows"]] == [r["median_margin"] for r in two["rows"]]


def test_engine_docstring_example_runs():
    # the engine's module docstring is its usage example: it must run as written (fewer recovery datasets)
    from gapstudy.hypotheses import engine

    code = "\n".join(line[4:] for line in engine.__doc__.splitlines() if line.startswith("    "))
    assert "engine.recovery(" in code
    t, y = _h0_data(200)
    ns = {"t": t, "y": y}
    exec(code.replace("n_datasets=100", "n_datasets=20"), ns)
    rows = ns["rec"]["rows"]
    assert [r["generator"] for r in rows] == list(ns["fits"]) and all(r["n_datasets"] == 20 for r in rows)


def test_parameters_at_an_end_of_their_range_are_named():
    # base logic: a value on a bound (within the tolerance) is named with its side, one inside is not
    class Bounded(StdNormal):
        def __init__(self, values):
            super().__init__()
            self.values = values

        def params(self):
            return self.values

        def param_bounds(self):
            return {"a": (0.0, 1.0), "b": (0.02, None), "c": (-5.0, 5.0)}

    h = Bounded({"a": 1.0 - 1e-9, "b": 0.02, "c": 4.9, "label": "x"})
    assert h.at_bounds() == ["a at its upper bound 1", "b at its lower bound 0.02"]
    assert Bounded({"a": 0.5, "b": 0.3, "c": -4.999}).at_bounds() == []
    # a real fit: sizes that hardly vary push H0's scale onto its floor (smooth.MIN_SCALE), and H0 says so
    from gapstudy.hypotheses.smooth import MIN_SCALE

    rng = np.random.default_rng(3)
    t = rng.uniform(2020, 2026, 60)
    h0 = H.create("H0").fit(t, 10.0 + 1e-4 * rng.standard_normal(60), rng=rng)
    assert h0.params()["scale"] == pytest.approx(MIN_SCALE) and f"scale at its lower bound {MIN_SCALE:g}" in h0.at_bounds()
    h0 = H.create("H0").fit(*_h0_data(300), rng=rng)
    assert h0.at_bounds() == []  # a skew-normal sample: nothing on a bound
    rows = H.engine.in_sample(H.engine.fit_all(H.engine.specs(["H0", "M2"]), *_h0_data(300), seed=0), *_h0_data(300))
    assert all(isinstance(r["at_bounds"], list) for r in rows.values())


# ---------------------------------------------------------------- the drifting notch


def _drifting_notch_data(n, seed, rate, depth=0.9):
    """A smooth drifting trend with 20B-70B at 2023 emptied by `depth`, the band moving `rate` dex per year."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(2020, 2026, 3 * n)
    y = 9.8 + 0.25 * (t - 2023) + 0.9 * rng.standard_normal(t.size)
    lo, hi = GAP[0] + rate * (t - 2023), GAP[1] + rate * (t - 2023)
    keep = ~((y >= lo) & (y < hi) & (rng.random(y.size) < depth))
    return t[keep][:n], y[keep][:n]


def test_drifting_notch_recovers_a_known_drift_rate():
    from gapstudy.hypotheses import engine

    specs = engine.specs(["H0", "notch", "notch-drift"])
    for seed, rate in ((0, 0.2), (1, -0.15)):
        t, y = _drifting_notch_data(500, seed, rate)
        rows = engine.in_sample(engine.fit_all(specs, t, y, seed=0), t, y)
        p = rows["notch-drift"]["params"]
        assert abs(p["drift_dex_per_year"] - rate) <= 0.04, (seed, p)
        at = 10 ** (GAP[0] + rate * (p["t0"] - 2023)), 10 ** (GAP[1] + rate * (p["t0"] - 2023))  # the true band at t0
        assert abs(np.log10(p["band_lower"] / at[0])) < 0.1 and abs(np.log10(p["band_upper"] / at[1])) < 0.15, (seed, p)
        assert engine.best_by(rows, "bic")[0] == "notch-drift"
        assert rows["notch-drift"]["k"] == rows["notch"]["k"] + 1 == 8


def test_drifting_notch_contains_the_constant_notch():
    from gapstudy.hypotheses import notch as N

    for seed, notch in ((2, True), (3, False)):
        t, y = _issue_data(300, seed, notch=notch)
        t0 = float(np.mean(t))
        const = N.fit_notch(t, y[None], t0)
        P, ll = N.fit_drifting_notch(t, y[None], t0, rates=[0.0])  # rate 0 only: the constant notch's likelihood
        assert ll[0] == pytest.approx(const[1][0], abs=1e-9) and P[0, 7] == 0.0
        assert H.create("notch-drift").fit(t, y, rng=None).logpdf(y, t).sum() >= const[1][0] - 1e-9
    # at rate 0 the search is search_band's, band for band
    t, y = _issue_data(300, 4)
    Y = H.create("notch").fit(t, y, rng=None).sample_many(t, 30, np.random.default_rng(5))
    theta, _ = N.T.fit_trend(t, Y, t0=float(np.mean(t)))
    lo, hi, _, gain = N.search_band(t, Y, theta, float(np.mean(t)))
    r, lo2, hi2, _, gain2 = N.search_drifting_band(t, Y, theta, float(np.mean(t)), rates=[0.0])
    assert np.array_equal(lo, lo2) and np.array_equal(hi, hi2) and gain2 == pytest.approx(gain, abs=1e-6)


def test_drifting_notch_density_cdf_and_draws_agree():
    t, y = _drifting_notch_data(400, 6, 0.2)
    h = H.create("notch-drift").fit(t, y, rng=None)
    g = np.linspace(5.0, 15.0, 20001)
    for when in (2020.5, 2025.5):
        pdf = np.exp(h.logpdf(g, np.full(g.size, when)))
        assert np.trapezoid(pdf, g) == pytest.approx(1.0, abs=1e-3)
        cut = 10.3
        assert h.cdf(np.array([cut]), np.array([when]))[0] == pytest.approx(np.trapezoid(pdf[g <= cut], g[g <= cut]), abs=1e-3)
    S = h.sample_many(t, 400, np.random.default_rng(1))
    lo = np.log10(h.params()["band_lower"]) + h.P[7] * (t - h.t0)
    hi = np.log10(h.params()["band_upper"]) + h.P[7] * (t - h.t0)
    share = ((S >= lo) & (S < hi)).mean()
    assert share == pytest.approx(float(np.mean(h.cdf(hi, t) - h.cdf(lo, t))), abs=0.005)


def test_recovery_fits_the_constant_notch_inside_the_drifting_one():
    from gapstudy.hypotheses import engine

    t, y = _issue_data(200, 8)
    specs = engine.specs(["H0", "notch", "notch-drift"])
    assert engine._nested(specs, {}, t) == {"notch-drift": "notch"}
    Y = H.create("notch").fit(t, y, rng=None).sample_many(t, 12, np.random.default_rng(9))
    ll, ll_notch, _ = H.create("notch-drift").fit_many_nested(t, Y)
    # the notch's fits made inside notch-drift's job are its own, and the drifting notch never scores below them
    assert ll_notch == pytest.approx(H.create("notch").fit_many(t, Y, rng=None), abs=1e-9)
    assert ll == pytest.approx(H.create("notch-drift").fit_many(t, Y, rng=None), abs=1e-9)
    assert np.all(ll >= ll_notch - 1e-9)
    rec = engine.recovery([engine.Generator("notched", engine.notched_trend(t, y, 20e9, 70e9, 0.85, seed=0), "not H0")],
                          specs, t, n_datasets=20, seed=2)
    assert rec["fitters"] == ["H0", "notch", "notch-drift"] and rec["rows"][0]["correct"] >= 0.8


def test_h1_bin_width_is_an_option_whose_effect_can_be_measured():
    # a thinning edge at 20B-70B sits between the 0.1-dex grid's nodes: the tabulation width moves H1's likelihood
    t, y = _issue_data(400, 4)
    kw = {"thinning": _synthetic_thinning, "cost_range": [1e5, 1e7]}
    ll = {}
    for width in (None, 0.1, 0.05, 0.2):
        opts = kw if width is None else {**kw, "bin": width}
        h = H.create("H1", **opts).fit(t, y, rng=np.random.default_rng(0))
        ll[width] = float(h.logpdf(y, t).sum())
        assert np.all(np.isclose(np.diff(h.edges_all), 0.1 if width is None else width))
    assert ll[None] == ll[0.1] and ll[0.05] != ll[0.1] != ll[0.2]
    with pytest.raises(GapstudyError, match="tabulation width"):
        H.create("H1", **kw, bin=0.0).fit(t, y, rng=np.random.default_rng(0))


@pytest.mark.parametrize("options, message", [
    ({"bin": 5}, "tabulation width must be in"), ({"bin": 0}, "tabulation width must be in"),
    ({"n_costs": -3}, "n_costs=-3: give a whole number"), ({"n_costs": 2.5}, "n_costs=2.5"), ({"n_costs": "abc"}, "n_costs='abc'"),
])
def test_h1_search_options_are_checked_before_any_fit(options, message):
    # a bad value is one clear error when the run checks the hypotheses (exit 2), not a failed fit inside results.json
    with pytest.raises(GapstudyError, match=message):
        H.create("H1", **options).availability()
    assert H.create("H1", bin=0.2, n_costs=11).availability() is None
