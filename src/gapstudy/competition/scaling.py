"""Scaling-law beliefs: loss of a model, tokens for a size, and the smallest size that beats a loss."""

from __future__ import annotations

import numpy as np

from gapstudy.competition import constants as K

KAPLAN = 0  # belief code: Kaplan et al. (2020)
CHINCHILLA = 1  # belief code: Hoffmann et al. (2022)
BELIEF_NAMES = ("kaplan", "chinchilla")  # indexed by the codes above


def tokens_for(params: np.ndarray, belief: int) -> np.ndarray:
    """Training tokens a lab of that belief gives a model of `params` parameters (D = a N^b)."""
    n = np.asarray(params, dtype=float)
    if belief == KAPLAN:
        return K.KAPLAN_D_PREFACTOR * n**K.KAPLAN_D_EXPONENT
    return K.CHIN_TOKENS_PER_PARAM * n


def allocation(belief: int) -> tuple[float, float]:
    """(a, b) with tokens D = a * N**b under the belief."""
    if belief == KAPLAN:
        return K.KAPLAN_D_PREFACTOR, K.KAPLAN_D_EXPONENT
    return K.CHIN_TOKENS_PER_PARAM, 1.0


def kaplan_loss(params: np.ndarray) -> np.ndarray:
    """Kaplan et al. (2020) L(N) = (N_c / N)^alpha_N (data not limiting)."""
    return (K.KAPLAN_NC / np.asarray(params, dtype=float)) ** K.KAPLAN_ALPHA_N


def chinchilla_reducible(params: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Hoffmann et al. (2022) L(N, D) - E = A / N^alpha + B / D^beta."""
    n = np.asarray(params, dtype=float)
    d = np.asarray(tokens, dtype=float)
    return K.CHIN_A / n**K.CHIN_ALPHA + K.CHIN_B / d**K.CHIN_BETA


def chinchilla_loss(params: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Hoffmann et al. (2022) L(N, D) = E + A / N^alpha + B / D^beta."""
    return K.CHIN_E + chinchilla_reducible(params, tokens)


def kaplan_size_for_loss(loss: np.ndarray) -> np.ndarray:
    """The N whose Kaplan loss equals `loss` (inverse of kaplan_loss)."""
    return K.KAPLAN_NC / np.asarray(loss, dtype=float) ** (1.0 / K.KAPLAN_ALPHA_N)


def chinchilla_size_for_reducible(target: np.ndarray) -> np.ndarray:
    """The N whose compute-optimal (D = 20 N) reducible Chinchilla loss equals `target`.

    Solves A N^-alpha + B (20 N)^-beta = target by Newton's method in log N (the left side is
    convex and decreasing in log N, so Newton from below converges monotonically)."""
    t = np.asarray(target, dtype=float)
    a = K.CHIN_A
    b = K.CHIN_B * K.CHIN_TOKENS_PER_PARAM ** -K.CHIN_BETA
    # start from the smaller of the two single-term solutions: f(start) >= target
    x = np.minimum(np.log(a / t) / K.CHIN_ALPHA, np.log(b / t) / K.CHIN_BETA)
    for _ in range(60):
        ta = a * np.exp(-K.CHIN_ALPHA * x)
        tb = b * np.exp(-K.CHIN_BETA * x)
        f = ta + tb - t
        step = f / (K.CHIN_ALPHA * ta + K.CHIN_BETA * tb)
        x = x + step
        if np.all(np.abs(step) < 1e-13):
            break
    return np.exp(x)


def cheapest_beating_size(
    frontier_params: np.ndarray, frontier_reducible: np.ndarray, belief: int, margin: float
) -> np.ndarray:
    """Smallest compute-optimal size expected to beat the frontier by `margin` of its loss.

    Kaplan belief: loss depends on N only, so beat (N_c/N_f)^alpha_N by a factor (1 - margin).
    Chinchilla belief: beat the frontier's reducible loss L(N_f, D_f) - E by a factor (1 - margin)
    with a model trained on 20 tokens per parameter."""
    keep = 1.0 - margin
    if belief == KAPLAN:
        return np.asarray(frontier_params, dtype=float) * keep ** (-1.0 / K.KAPLAN_ALPHA_N)
    return chinchilla_size_for_reducible(np.asarray(frontier_reducible, dtype=float) * keep)


def size_for_compute(flop: np.ndarray, belief: int) -> np.ndarray:
    """The N a compute budget buys under the belief's allocation: C = 6 a N^(1+b)."""
    a, b = allocation(belief)
    c = np.asarray(flop, dtype=float)
    return (c / (K.FLOP_PER_PARAM_TOKEN * a)) ** (1.0 / (1.0 + b))


def compute_for_size(params: np.ndarray, belief: int) -> np.ndarray:
    """Training FLOP 6 N D for a model of N parameters under the belief's allocation."""
    n = np.asarray(params, dtype=float)
    return K.FLOP_PER_PARAM_TOKEN * n * tokens_for(n, belief)
