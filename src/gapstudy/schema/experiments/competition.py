"""Settings of the competition experiment: scenarios, world counts, the fit and the prediction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass
class CompetitionConfig:
    """Settings of the competition experiment (hypothesis b as a simulation, science.md section 5)."""

    n_worlds: int = 200  # replicate worlds per scenario
    chunk_worlds: int = 256  # worlds simulated together (memory bound; results do not depend on it)
    anchors: List[bool] = field(default_factory=lambda: [True, False])  # GPT-3 jump on / off
    beliefs: List[str] = field(default_factory=lambda: ["switch", "kaplan"])  # Chinchilla from 2022-03 / Kaplan throughout
    costs: List[str] = field(default_factory=lambda: ["simple", "costmodel"])  # 6ND x price / gapstudy.costmodel
    params: Dict[str, Any] = field(default_factory=dict)  # overrides of CompetitionParams fields, e.g. {n_labs: 80}
    gap_start: float = 2020.0  # the window of years whose gap share is reported (the paper's era)
    gap_end: float = 2022.5  # idem, exclusive: the paper's data end mid-2022
    fit_draws: int = 8000  # ABC parameter draws, one world each, over all generations (~4 s on one core)
    fit_worlds_per_draw: int = 1  # worlds simulated per draw (each compared with the data on its own)
    fit_accept: float = 0.03  # share of each generation's simulations kept (120 of 4000)
    fit_rounds: int = 2  # ABC population Monte Carlo generations (1 = plain rejection)
    deficit_worlds: int = 40  # worlds per scenario given gapstudy.stats.deficit_test (~35 ms each: s.e. of a share <= 8 points)
    deficit_sample_size: int = 0  # releases drawn per world for the test; 0 = as many as the data have in the window
    deficit_null: str = "kde"  # smooth unimodal null of deficit_test (kde | normal | skewnormal)
    deficit_n_sim: int = 2000  # Monte Carlo draws per test (p-value s.e. ~0.005 near 0.05)
    predict_draws: int = 40  # posterior draws simulated for the out-of-sample prediction
    predict_worlds_per_draw: int = 5  # worlds per posterior draw
    match_release_rates: bool = True  # scale release rates and their growth to the data compared with (Poisson fit per year)
    # Sensitivity of the fit to the shares of own-use deployment targets (1, 2, 4, 8 data-centre
    # accelerators per replica, one consumer card; no source gives them, gapstudy.competition.constants):
    # each named vector replaces CompetitionParams.deploy_device_probs, the simulation is refitted and
    # checked again. null = skip. Chosen to span the plausible range: one accelerator only,
    # single-GPU-heavy, even, node-heavy, and the default with 30% of own-use models sized for a consumer card.
    deploy_sensitivity: Optional[Dict[str, List[float]]] = field(default_factory=lambda: {
        "single GPU only": [1.0, 0.0, 0.0, 0.0, 0.0], "single-GPU-heavy": [0.7, 0.1, 0.1, 0.1, 0.0],
        "even": [0.25, 0.25, 0.25, 0.25, 0.0], "node-heavy": [0.1, 0.1, 0.2, 0.6, 0.0],
        "consumer cards 30%": [0.28, 0.14, 0.14, 0.14, 0.3]})
    h2_likelihood: bool = True  # also fit H2 as a likelihood model (gapstudy.hypotheses.competition) beside H0
