"""A smoothed predictive density of log10 size for a year range, for comparing hypotheses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gapstudy.competition.simulate import SimulationResult
from gapstudy.errors import GapstudyError

SUPPORT = (4.0, 15.0)  # log10 params: 10k to 1e15 covers every language model in Epoch's data
BIN_WIDTH = 0.05  # dex; finer than the 0.1-dex rounding of reported sizes
# The smoothing rule. The simulation gives sizes, not a density, so scoring it with a log score needs a width: one
# fixed width for every score, 0.1 dex (a factor 1.26) of Gaussian smoothing. Where the value comes from: reported
# sizes cluster on round values (7B, 13B, 30B, 70B...) about 0.1-0.2 dex apart (the same figure sets M2's component
# sd floor, gapstudy.hypotheses.mixture.MIN_SCALE), and the simulation does not model which round size a lab picks,
# so the density is smoothed over the smaller of those spacings and no further. It is a choice, not an estimate:
# the competition experiment reports every log score and the comparisons built on them at each of SMOOTHING_WIDTHS
# as well (the width halved and doubled) and says which conclusions change with it.
BANDWIDTH = 0.1
SMOOTHING_WIDTHS = (0.05, 0.1, 0.2)  # dex: the rule's width, halved and doubled, for the effect report
UNIFORM_WEIGHT = 1e-3  # share of mass spread evenly over the support (a pseudocount), so no size gets zero density


@dataclass(frozen=True)
class PredictiveDensity:
    """Piecewise-constant density on log10 size: logpdf(x) for x in the support, -inf outside."""

    edges: np.ndarray
    density: np.ndarray  # per bin, integrates to 1 over the support
    n_releases: int
    years: tuple[float, float]

    def logpdf(self, log10_params: np.ndarray) -> np.ndarray:
        x = np.asarray(log10_params, dtype=float)
        i = np.searchsorted(self.edges, x, side="right") - 1
        inside = (x >= self.edges[0]) & (x <= self.edges[-1])
        i = np.clip(i, 0, self.density.size - 1)
        with np.errstate(divide="ignore"):
            return np.where(inside, np.log(self.density[i]), -np.inf)

    __call__ = logpdf

    def mass(self, lo: float, hi: float) -> float:
        """Probability of log10 size in [lo, hi]."""
        centers = 0.5 * (self.edges[1:] + self.edges[:-1])
        w = np.diff(self.edges)
        sel = (centers >= lo) & (centers <= hi)
        return float((self.density * w)[sel].sum())


def predictive_logpdf(
    result: SimulationResult,
    years: tuple[float, float],
    *,
    bin_width: float = BIN_WIDTH,
    bandwidth: float = BANDWIDTH,
    uniform_weight: float = UNIFORM_WEIGHT,
    support: tuple[float, float] = SUPPORT,
) -> PredictiveDensity:
    """Density of log10 size for releases dated in [years[0], years[1]), pooled over worlds:
    a fine histogram, smoothed with a Gaussian of `bandwidth` dex, mixed with a uniform density
    over the support with weight `uniform_weight` (the same as a pseudocount per bin).
    The anchor (GPT-3 itself) is left out: it is data, not a prediction."""
    y0, y1 = float(years[0]), float(years[1])
    if not y1 > y0:
        raise GapstudyError(f"predictive_logpdf years={years!r}: give (start, end) with end > start")
    if bin_width <= 0 or bandwidth < 0 or not 0 < uniform_weight < 1 or not support[1] > support[0]:
        raise GapstudyError("predictive_logpdf needs bin_width > 0, bandwidth >= 0, 0 < uniform_weight < 1 and an increasing support")
    sel = (result.year >= y0) & (result.year < y1) & (result.kind != 3)
    x = result.log10_params[sel]
    n_bins = int(round((support[1] - support[0]) / bin_width))
    edges = np.linspace(support[0], support[1], n_bins + 1)
    counts = np.histogram(np.clip(x, support[0], support[1]), bins=edges)[0].astype(float)
    if bandwidth > 0 and counts.sum() > 0:
        half = int(np.ceil(4 * bandwidth / bin_width))
        k = np.exp(-0.5 * ((np.arange(-half, half + 1) * bin_width) / bandwidth) ** 2)
        counts = np.convolve(counts, k / k.sum(), mode="same")
    width = support[1] - support[0]
    smooth = counts / (counts.sum() * bin_width) if counts.sum() > 0 else np.full(n_bins, 1.0 / width)
    density = (1.0 - uniform_weight) * smooth + uniform_weight / width
    return PredictiveDensity(edges, density, int(x.size), (y0, y1))
