"""The line chapter's numbers in one call: what ``neuralens line`` prints and draws.

A line y = w1 x + w0 through two wine columns: the closed form, the best cell of the loss
landscape and gradient descent (``linear.study_line``); for the figures, the raw vs
standardised comparison, the learning-rate sweep and, as the chapter's last figure, the
softmax layer on wine grades. Several features: descent beside exact least squares.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from neuralens import data, linear


@dataclass
class LineStudy:
    """One line's study and its JSON-ready summary."""

    study: linear.LineStudy
    summary: dict
    config: linear.DescentConfig


def study_columns(frame: pd.DataFrame, x: str, y: str, config: linear.DescentConfig,
                  standardize: bool = True, grid: int = 256) -> LineStudy:  # fmt: skip
    """Closed form, landscape and gradient descent of ``y`` against ``x`` in ``frame``."""
    features, targets = data.select_columns(frame, x, y)
    study = linear.study_line(features[:, 0], targets, config, standardize, n=grid)
    return LineStudy(study, {"x": x, "y": y, **study.to_dict()}, config)


@dataclass
class FigureInputs:
    """What the line chapter's figures draw beyond the study itself."""

    comparison: dict  # "raw" / "standardized" -> (landscape, descent result)
    sweep: object  # descents at several learning rates
    grade_weights: list  # the wine-grade softmax layer's weight matrices
    grade_features: tuple[str, ...]
    grade_names: list[str]


def figure_inputs(line: LineStudy) -> FigureInputs:
    """Raw vs standardised descent, the learning-rate sweep, and a softmax layer on grades."""
    from neuralens.studies.network_equation import train_grades  # torch on first use

    study, config = line.study, line.config
    comparison = linear.raw_and_standardized(study.x, study.y, config)
    scaled = linear.Standardizer.fit(study.x).transform(study.x)
    sweep = linear.learning_rate_sweep(scaled, study.y, config)
    grades = train_grades()  # the chapter's last figure: a softmax layer on wine grades
    names = [f"grade {g}" for g in grades.data.grades]
    return FigureInputs(comparison, sweep, grades.model.weight_matrices(), grades.data.features,
                        names)  # fmt: skip


def feature_names(frame: pd.DataFrame, features: str, y: str) -> list[str]:
    """``"all"`` (every column but y) or comma-separated column names."""
    if features.strip() == "all":
        return [name for name in frame.columns if name != y]
    return [name.strip() for name in features.split(",") if name.strip()]


def many_features_summary(frame: pd.DataFrame, features: str, y: str) -> dict:
    """y = w . x + b over several columns: gradient descent beside exact least squares."""
    names = feature_names(frame, features, y)
    X, targets = data.select_columns(frame, names, y)
    fit = linear.many_features(X, targets)
    return {
        "features": names, "y": y, "samples": len(targets),
        "gd": {"weights": dict(zip(names, fit.weights[:-1].tolist(), strict=True)),
               "intercept": float(fit.weights[-1]), "steps": fit.descent.num_steps,
               "status": fit.descent.status},
        "closed_form": {"weights": dict(zip(names, fit.exact[:-1].tolist(), strict=True)),
                        "intercept": float(fit.exact[-1])},
        "largest_relative_difference": fit.largest_relative_difference,
    }  # fmt: skip
