"""Logistic layers: sign-bounded, prior-centred fits and their Platt calibration.

The head layers and the combiner (:mod:`mizan.training.stack`) are
:class:`~mizan.detector.trained.LogisticLayer` objects fitted here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from mizan.detector.trained import LogisticLayer, transform_inputs


def fit_logistic(
    z: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    c_value: float,
    nonnegative: np.ndarray,
    prior: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """L2-regularised weighted logistic regression with sign bounds and a prior mean.

    Minimises ``0.5 * |coef - prior|^2 + C * sum(weight * log_loss)`` (scikit-learn's
    convention when ``prior`` is 0) with L-BFGS-B, so sign constraints are plain bounds. A
    coefficient the data says little about stays near its prior; one marked ``fixed``
    stays exactly at it.
    """
    signs = 2.0 * labels - 1.0
    center = np.zeros(z.shape[1]) if prior is None else prior

    def objective(parameters: np.ndarray) -> tuple[float, np.ndarray]:
        coef, intercept = parameters[:-1], parameters[-1]
        margins = signs * (z @ coef + intercept)
        losses = np.logaddexp(0.0, -margins)
        slopes = -signs * weights / (1.0 + np.exp(margins))
        offset = coef - center
        value = 0.5 * float(offset @ offset) + c_value * float(weights @ losses)
        gradient = np.append(offset + c_value * (z.T @ slopes), c_value * slopes.sum())
        return value, gradient

    held = np.zeros(z.shape[1], dtype=bool) if fixed is None else fixed
    bounds: list[tuple[float | None, float | None]] = []
    for flag, hold, value in zip(nonnegative, held, center, strict=True):
        bounds.append((float(value), float(value)) if hold else (0.0 if flag else None, None))
    bounds.append((None, None))
    start = np.append(center, 0.0)
    result = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 5000},
    )
    return result.x[:-1].astype(np.float64), float(result.x[-1])


def prior_only_inputs(
    names: Sequence[str], values: np.ndarray, labels: np.ndarray, prior: Mapping[str, float]
) -> list[str]:
    """Return the inputs with a prior that are non-zero in rows of one label only.

    Their weight cannot be estimated from these rows: a signal that fires only on
    human-written news in the corpora (the beat history, where only SaudiNewsNet carries
    bylines) would be fitted to 0 because no labelled farm article has a byline at all. Such
    inputs keep their prior weight instead of learning the corpora's gaps.
    """
    held = []
    for position, name in enumerate(names):
        if name not in prior:
            continue
        firing = values[:, position] != 0
        if firing.any() and len(np.unique(labels[firing])) < 2:
            held.append(name)
    return held


def fit_layer(
    names: Sequence[str],
    values: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    c_value: float,
    transforms: Mapping[str, str],
    nonnegative: Sequence[str] = (),
    prior: Mapping[str, float] | None = None,
) -> LogisticLayer:
    """Fit a logistic layer on transformed, standardised inputs.

    Constant inputs are dropped, except those with a ``prior`` weight (per unit of the raw
    input), which keep that weight: the data cannot move it. Inputs with a prior that fire
    in rows of one label only (:func:`prior_only_inputs`) are held at their prior too.
    """
    prior = prior or {}
    input_transforms = tuple(transforms.get(name, "identity") for name in names)
    transformed = transform_inputs(values, input_transforms)
    mean = transformed.mean(axis=0)
    scale = transformed.std(axis=0)
    constant = scale <= 1e-9
    with_prior = np.array([name in prior for name in names], dtype=bool)
    kept = ~constant | with_prior
    # A constant input with a prior is read raw (mean 0, scale 1), at its prior weight.
    mean = np.where(constant, 0.0, mean)
    scale = np.where(constant, 1.0, scale)
    layer = LogisticLayer(
        input_names=tuple(name for name, keep in zip(names, kept, strict=True) if keep),
        transforms=tuple(t for t, keep in zip(input_transforms, kept, strict=True) if keep),
        mean=mean[kept],
        scale=scale[kept],
        coef=np.zeros(int(kept.sum())),
        intercept=0.0,
    )
    z = layer.standardise(values[:, kept])
    bounded = np.array([name in nonnegative for name in layer.input_names], dtype=bool)
    prior_z = np.array(
        [
            prior.get(name, 0.0) * width
            for name, width in zip(layer.input_names, layer.scale, strict=True)
        ]
    )
    held = set(prior_only_inputs(names, values, labels, prior))
    fixed = np.array([name in held for name in layer.input_names], dtype=bool)
    layer.coef, layer.intercept = fit_logistic(z, labels, weights, c_value, bounded, prior_z, fixed)
    return layer


def calibrate_layer(
    layer: LogisticLayer, values: np.ndarray, labels: np.ndarray, weights: np.ndarray
) -> LogisticLayer:
    """Platt-scale ``layer`` on held-out rows and fold the map into its weights."""
    logits = layer.logits(values).reshape(-1, 1)
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(logits, labels, sample_weight=weights)
    slope, offset = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    return replace(layer, coef=layer.coef * slope, intercept=layer.intercept * slope + offset)
