"""Lecture part 1, NumPy only: a line through wine, its losses, the landscape, gradient descent.

Importing this package loads neither torch nor matplotlib (``linear.autograd``, the
torch cross-check, is imported on its own).
"""

from neuralens.linear.brute_force import GridCost, brute_force_cost, grid_losses
from neuralens.linear.closed_form import LineFit, fit_line, least_squares
from neuralens.linear.descent import (
    DescentConfig,
    DescentResult,
    gradient_descent,
    stability_limit,
    steps_to_reach,
)
from neuralens.linear.landscape import (
    Landscape,
    ValleySurface,
    default_ranges,
    loss_landscape,
    valley_surface,
)
from neuralens.linear.line import (
    LOSSES,
    errors,
    line_loss,
    mean_absolute_error,
    mean_squared_error,
    pivot_intercept,
    predict,
    signed_mean_error,
)
from neuralens.linear.standardize import Standardizer
from neuralens.linear.study import (
    LineStudy,
    ManyFeatures,
    learning_rate_sweep,
    many_features,
    raw_and_standardized,
    study_line,
    window_point,
)

__all__ = [
    "LOSSES",
    "DescentConfig",
    "DescentResult",
    "GridCost",
    "Landscape",
    "LineFit",
    "LineStudy",
    "ManyFeatures",
    "Standardizer",
    "ValleySurface",
    "brute_force_cost",
    "default_ranges",
    "errors",
    "fit_line",
    "gradient_descent",
    "grid_losses",
    "learning_rate_sweep",
    "least_squares",
    "line_loss",
    "loss_landscape",
    "many_features",
    "mean_absolute_error",
    "mean_squared_error",
    "pivot_intercept",
    "predict",
    "raw_and_standardized",
    "signed_mean_error",
    "stability_limit",
    "steps_to_reach",
    "study_line",
    "valley_surface",
    "window_point",
]
