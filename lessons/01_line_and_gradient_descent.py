# ---
# jupyter:
#   jupytext:
#     formats: lessons//py:percent,notebooks//ipynb
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 1. From a line to gradient descent
#
# The simplest "AI": predict a red wine's *fixed acidity* from its *density* with a line
# y = w1 · x + w0. We measure each wine's error, sum the errors into a loss, look at the
# loss of every line at once (the landscape), and then learn to *follow the slope* instead:
# gradient descent. At the end, a neural network layer turns out to be the same equation.

# %%
import numpy as np

from neuralens import data, linear, plots

wine = data.load_wine("red")
x, y = wine["density"].to_numpy(), wine["fixed acidity"].to_numpy()
print(len(x), "wines; density from", x.min(), "to", x.max())

# %% [markdown]
# ## A line and its errors
# Each wine's error is e_i = y_i − (w1 x_i + w0). Three ways to sum them into one number:


# %%
def show_losses(w1, w0):
    e = linear.errors(x, y, w1, w0)
    return {name: round(loss(e), 4) for name, loss in linear.LOSSES.items()}


print("flat line through the mean:", show_losses(0.0, y.mean()))
fit = linear.fit_line(x, y)
print("least-squares line:        ", show_losses(fit.w1, fit.w0))

# %% [markdown]
# The *signed* mean error is 0 for **both** lines: positive and negative errors cancel, so it
# cannot tell a useless flat line from the best one. The absolute and squared errors can;
# the squared error is also smooth, which gradient descent will need.
#
# ## The closed form
# Setting both slopes of the MSE to zero gives the best line exactly:

# %%
print(f"w1 = {fit.w1:.4f}, w0 = {fit.w0:.4f}, MSE = {fit.mse:.4f}")
print("numpy.polyfit:", np.polyfit(x, y, 1))
plots.plot_line_fit(x, y, fit.w1, fit.w0, title="each error e_i to the best line").figure

# %% [markdown]
# ## The loss landscape: try every line
# 256 × 256 = 65,536 lines, each scored on all 1599 wines, in one vectorised call.

# %%
land = linear.loss_landscape(x, y, *linear.default_ranges(x, y), n=256)
best_w1, best_w0, best_mse = land.best
print(f"best cell: w1 = {best_w1:.2f}, w0 = {best_w0:.2f}, grid step {land.step[0]:.2f}")
plots.plot_landscape_surface(land).figure

# %%
plots.plot_landscape_contour(land, minimum=(fit.w1, fit.w0)).figure

# %% [markdown]
# The landscape is a long, narrow valley: density varies only in its third decimal, so
# w0 and w1 almost cancel each other along the valley floor. With more features the grid
# would need n^D cells, so instead we stand somewhere and *follow the slope*:
# w ← w − lr · dL/dw.
#
# ## Gradient descent, raw vs standardised
# Same learning rate, a start at the same place in each window:

# %%
config = linear.DescentConfig(lr=0.1, max_steps=1000)
runs = linear.raw_and_standardized(x, y, config)
for name, (_, result) in runs.items():
    reached = linear.steps_to_reach(result, fit.mse, 1e-6)
    print(
        f"{name:>12}: {result.status} after {result.num_steps} steps; "
        f"within 1e-6 of the best MSE at step {reached}"
    )
plots.plot_descent_comparison(runs["raw"], runs["standardized"])

# %% [markdown]
# Raw density: the descent falls into the valley and then crawls (it never gets there in
# 1000 steps). Standardised, z = (x − mean) / std, the valley becomes a round bowl and
# the same learning rate gets there in a few dozen steps. The line is the same:

# %%
standardizer = linear.Standardizer.fit(x)
print(
    "standardised descent, back in raw units:",
    standardizer.weights_to_raw(runs["standardized"][1].final_weights),
)

# %% [markdown]
# ## The learning rate
# The MSE is a quadratic; a step is stable only below 2 / L (L: its largest curvature).

# %%
z = standardizer.transform(x)
print("stability limit 2/L =", linear.stability_limit(z))
sweep = linear.learning_rate_sweep(z, y, linear.DescentConfig(max_steps=200))
plots.plot_learning_rates(sweep).figure

# %% [markdown]
# ## Checking our gradient against torch autograd
# Our dL/dw is written by hand; torch differentiates the same loss on its own.

# %%
from neuralens.linear.autograd import autograd_trajectory

ours = linear.gradient_descent(
    z, y, linear.DescentConfig(lr=0.1, max_steps=30, tol=0), start=[3.0, -2.0]
)
weights, _ = autograd_trajectory(z, y, [3.0, -2.0], lr=0.1, num_steps=30)
print("largest difference over 30 steps:", np.abs(ours.weights - weights).max())

# %% [markdown]
# ## Many features
# All eleven other columns → fixed acidity: no grid could cover 12 weights, descent can.

# %%
columns = [name for name in data.WINE_COLUMNS if name != "fixed acidity"]
many = linear.many_features(wine[columns].to_numpy(), y)
print(
    many.descent.status,
    "after",
    many.descent.num_steps,
    "steps;",
    "largest relative difference to lstsq:",
    many.largest_relative_difference,
)

# %% [markdown]
# ## The network as an equation
# Predict the quality grade from acidity, alcohol and sugar. One linear layer scores every
# grade, z = W x + b, and softmax turns scores into probabilities. A hidden layer stacks
# two such equations with a ReLU between them. Both are trained by gradient descent.

# %%
from neuralens.studies.network_equation import GradeConfig, equation_text, train_grades

grade_runs = {
    hidden: train_grades(GradeConfig(hidden_size=hidden, num_steps=150, lr=1.0))
    for hidden in (0, 8)
}
for hidden, run in grade_runs.items():
    print(
        f"hidden units {hidden}: {run.num_parameters} parameters, "
        f"train accuracy {run.train_accuracy:.3f}, test accuracy {run.test_accuracy:.3f}"
    )
linear_run = grade_runs[0]
print(equation_text(linear_run.model, linear_run.data.features, linear_run.data.grades))

# %%
plots.plot_network(
    linear_run.model.weight_matrices(),
    linear_run.data.features,
    [f"grade {g}" for g in linear_run.data.grades],
).figure

# %% [markdown]
# The drawing *is* the equation: one edge per weight, its width the size of the weight.
# Add the hidden layer and the drawing grows a column of units in the middle. With only
# these three measurements and 150 plain descent steps it buys no accuracy here (see the
# numbers above): more parameters are not automatically a better model.

# %%
hidden_run = grade_runs[8]
plots.plot_network(
    hidden_run.model.weight_matrices(),
    hidden_run.data.features,
    [f"grade {g}" for g in hidden_run.data.grades],
).figure
