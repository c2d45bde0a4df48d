"""The unimodal null a sample of log10 sizes looks like (normal, skew-normal or t4, by AIC, rounded as the data are), and draws from it."""

from __future__ import annotations

import numpy as np
from scipy import stats as sst

from gapstudy.stats.rounding import round_counts, significant_digits


def fit(x: np.ndarray, params: np.ndarray) -> dict:
    """The unimodal shape (normal, skew-normal or Student t4) that fits x (log10 sizes) best by AIC,
    with its parameters, and how the sizes `params` are rounded (the median number of significant
    figures; round_sig None when they carry more than 3)."""
    fits = {}
    mu, sd = float(x.mean()), float(x.std(ddof=0))
    fits["normal"] = ({"loc": mu, "scale": sd}, float(sst.norm.logpdf(x, mu, sd).sum()), 2)
    a, loc, scale = sst.skewnorm.fit(x)
    fits["skewnormal"] = ({"a": float(a), "loc": float(loc), "scale": float(scale)},
                          float(sst.skewnorm.logpdf(x, a, loc, scale).sum()), 3)
    loc_t, scale_t = sst.t.fit(x, fix_df=4)[1:]
    fits["t4"] = ({"loc": float(loc_t), "scale": float(scale_t)}, float(sst.t.logpdf(x, 4, loc_t, scale_t).sum()), 2)
    aic = {k: 2 * npar - 2 * ll for k, (_, ll, npar) in fits.items()}
    shape = min(aic, key=aic.get)
    digits = significant_digits(params)
    sig = int(np.median(digits))
    rounded = sig <= 3  # three or fewer figures: 7B, 13B, 175B style counts, with ties
    ties = float(1 - np.unique(x).size / x.size)
    return {"shape": shape, "params": fits[shape][0], "aic": aic, "round_sig": sig if rounded else None, "tie_share": ties}


def sample(null: dict, n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """`size` samples of n log10 sizes from a null returned by fit, rounded as the data were."""
    p = null["params"]
    if null["shape"] == "normal":
        x = p["loc"] + p["scale"] * rng.standard_normal((size, n))
    elif null["shape"] == "skewnormal":
        x = sst.skewnorm.rvs(p["a"], loc=p["loc"], scale=p["scale"], size=(size, n), random_state=rng)
    else:
        x = p["loc"] + p["scale"] * rng.standard_t(4, size=(size, n))
    if null["round_sig"]:
        x = round_counts(x, null["round_sig"])
    return x
