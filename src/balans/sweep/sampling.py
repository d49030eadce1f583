"""Draws of a risk spec's drivers: Monte Carlo and the Sobol' (Saltelli) design.

Every draw goes through the unit interval: a driver's value is its marginal's
quantile function (ppf) at a probability u, so each driver keeps the
distribution the spec gives it whatever else happens.

- normal, triangular, uniform: `scipy.stats` ppf (triangular as `triang` with
  c = (mode - low) / (high - low) on [low, high]).
- empirical: the quantile of the listed past outcomes with linear
  interpolation between the sorted values (numpy's default, Hyndman and Fan
  type 7): u = 0 gives the smallest outcome, u = 1 the largest, u = k/(n-1)
  the k-th smallest, and values in between are interpolated. Draws therefore
  lie in [min, max] of the list, never outside it.

Correlations are a Gaussian copula: independent standard normal scores z
(numpy `default_rng(seed)`) are mixed by a factor A with A A' = C (from the
eigen-decomposition, so a positive semi-definite C with a zero eigenvalue also
works), mapped to u = Phi(z) and then through each marginal's ppf. The matrix
is therefore the correlation of the normal scores; the rank (Spearman)
correlation of the drawn values is (6/pi) asin(rho/2), within 0.02 of rho.

The Sobol' design (`SALib.sample.sobol.sample`, Saltelli's scheme with second
order terms) has N (2D + 2) points for N base samples and D drivers. Sobol'
indices decompose the variance of an output over *independent* inputs, so the
design ignores the spec's correlations: each driver is drawn from its own
marginal alone.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from balans.sweep.design import Variant
from balans.sweep.spec import (
    Distribution,
    Empirical,
    Normal,
    RiskSpec,
    Triangular,
)

# A Sobol' point may sit on 0 or 1, where a normal's quantile is infinite.
EDGE = 1e-9


def quantile_function(d: Distribution) -> Callable[[np.ndarray], np.ndarray]:
    """The marginal's ppf: probabilities in [0, 1] -> values."""
    from scipy import stats

    if isinstance(d, Normal):
        return stats.norm(loc=d.mean, scale=d.sd).ppf
    if isinstance(d, Triangular):
        width = d.high - d.low
        return stats.triang(c=(d.mode - d.low) / width, loc=d.low, scale=width).ppf
    if isinstance(d, Empirical):
        outcomes = np.sort(np.asarray(d.values, dtype=float))
        return lambda u: np.quantile(outcomes, np.asarray(u), method="linear")
    return stats.uniform(loc=d.low, scale=d.high - d.low).ppf


def support(d: Distribution) -> tuple[float, float]:
    """The smallest and largest value a driver can draw (infinite for a normal)."""
    if isinstance(d, Normal):
        return -math.inf, math.inf
    if isinstance(d, Empirical):
        return float(min(d.values)), float(max(d.values))
    return float(d.low), float(d.high)


def describe(d: Distribution) -> str:
    """`normal(0, 0.8)`: the distribution in one short phrase."""
    if isinstance(d, Normal):
        return f"normal({d.mean:g}, {d.sd:g})"
    if isinstance(d, Triangular):
        return f"triangular({d.low:g}, {d.mode:g}, {d.high:g})"
    if isinstance(d, Empirical):
        return (
            f"empirical({len(d.values)} outcomes, "
            f"{min(d.values):g} .. {max(d.values):g})"
        )
    return f"uniform({d.low:g}, {d.high:g})"


def correlation_factor(spec: RiskSpec) -> np.ndarray:
    """A with A A' = the drivers' correlation matrix (identity when none is given)."""
    names = list(spec.parameters)
    full = np.eye(len(names))
    c = spec.correlations
    if c is not None:
        where = [names.index(n) for n in c.drivers]
        full[np.ix_(where, where)] = np.asarray(c.matrix, dtype=float)
    values, vectors = np.linalg.eigh(full)
    return vectors * np.sqrt(np.clip(values, 0.0, None))


def unit_draws(spec: RiskSpec, n: int, seed: int) -> np.ndarray:
    """Probabilities, n x d, with the spec's Gaussian-copula dependence."""
    from scipy.stats import norm

    rng = np.random.default_rng(seed)
    scores = rng.standard_normal((n, len(spec.parameters)))
    return norm.cdf(scores @ correlation_factor(spec).T)


def values_from_unit(spec: RiskSpec, unit: np.ndarray) -> np.ndarray:
    """Each column of probabilities through its driver's ppf."""
    unit = np.clip(unit, EDGE, 1 - EDGE)
    columns = [
        quantile_function(driver.distribution)(unit[:, j])
        for j, driver in enumerate(spec.parameters.values())
    ]
    return np.column_stack(columns).astype(float)


def monte_carlo(spec: RiskSpec, n: int | None = None, seed: int | None = None):
    """Draws of the drivers, n x d (columns in the spec's order)."""
    n = spec.samples if n is None else n
    seed = spec.seed if seed is None else seed
    return values_from_unit(spec, unit_draws(spec, n, seed))


def saltelli_problem(spec: RiskSpec) -> dict:
    """SALib's problem: the drivers over the unit interval (mapped by ppf later)."""
    names = list(spec.parameters)
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def saltelli(spec: RiskSpec, seed: int | None = None) -> np.ndarray:
    """The Sobol' design: N (2D + 2) points, each driver from its own marginal."""
    from SALib.sample import sobol

    seed = spec.seed if seed is None else seed
    with warnings.catch_warnings():  # SALib warns unless N is a power of 2
        warnings.simplefilter("ignore")
        unit = sobol.sample(
            saltelli_problem(spec),
            spec.sensitivity.base_samples,
            calc_second_order=True,
            seed=seed,
        )
    return values_from_unit(spec, unit)


def as_variants(spec: RiskSpec, draws: np.ndarray) -> list[Variant]:
    """One variant per row of draws, numbered from 0."""
    names = list(spec.parameters)
    return [
        Variant(i, "", {n: float(x) for n, x in zip(names, row, strict=True)})
        for i, row in enumerate(draws)
    ]
