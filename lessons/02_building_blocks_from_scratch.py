# ---
# jupyter:
#   jupytext:
#     formats: lessons//py:percent,notebooks//ipynb
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 2. Building blocks from scratch
#
# Every block of a convolutional network, written in NumPy in `neuralens.engine`:
# convolution, pooling, flattening, a dense layer, activations, and backpropagation
# to train them. The tests check each one against PyTorch to 1e-8.

# %%
import numpy as np

from neuralens import engine, plots
from neuralens.data import sample_image
from neuralens.engine import examples
from neuralens.engine.filters import filter_image, preset, to_gray

# %% [markdown]
# ## Convolution: a filter travelling across the image
# At each position the filter multiplies the pixels it covers by its numbers and sums them.
# The lecture's example: a 10x11 image of 0s and 1s and a 2x2 filter of ones.

# %%
steps = examples.conv_steps()
print(len(steps), "positions; the first two:")
print(steps[0].equation())
print(steps[1].equation())
output = examples.conv_example()
plots.plot_conv_step(examples.CONV_INPUT, examples.CONV_KERNEL, output, 1, 2)

# %% [markdown]
# The plain loop (`conv2d_naive`, reads like the picture) and the fast version (`conv2d`,
# every region becomes a column of one matrix, then one matrix product) agree:

# %%
x = examples.CONV_INPUT[None, None]  # (N=1, C=1, H=10, W=11)
w = examples.CONV_KERNEL[None, None]  # (K=1, C=1, 2, 2)
print(np.array_equal(engine.conv2d_naive(x, w), engine.conv2d(x, w)))

# %% [markdown]
# Designed filters on the cat: a vertical-edge filter (left minus right) lights up edges.

# %%
cat = to_gray(sample_image("chelsea"))[::2, ::2]
plots.plot_filtered(cat, filter_image(cat, preset("vertical edges")), "vertical edges")

# %% [markdown]
# ## Pooling: one number per 2x2 tile
# The lecture's 4x4 feature map: max pooling keeps the largest value of each tile,
# average pooling its mean. The image halves in each direction.

# %%
print(examples.pooling_example("max"))
print(examples.pooling_example("average"))
plots.plot_pooling_example(examples.POOLING_INPUT, examples.pooling_example("max"),
                           examples.pooling_example("average"))  # fmt: skip

# %% [markdown]
# ## Flatten: append the pixel rows into one long list

# %%
print(examples.FLATTEN_INPUT)
print(examples.flatten_example())

# %% [markdown]
# ## Why non-linearities: two linear layers are one linear layer
# Without an activation in between, stacking adds nothing: `collapse` builds the one
# Dense layer with weight W2 W1 that computes exactly the same. With ReLU in between the
# network bends its decision boundary and fits XOR, which no line separates.

# %%
first, second = engine.Dense(2, 8, rng=1), engine.Dense(8, 2, rng=2)
points = np.random.default_rng(0).normal(size=(5, 2))
print(np.allclose(examples.collapse(first, second)(points), second(first(points))))
for relu in (False, True):
    result = examples.fit_with_and_without_relu(examples.XOR_X, examples.XOR_Y, relu=relu)
    print(f"ReLU={relu}: XOR accuracy {result.accuracy:.2f}")

# %% [markdown]
# ## Backpropagation, checked
# Each layer's `backward` applies the chain rule; finite differences confirm it.

# %%
layer = engine.Conv2d(2, 3, kernel_size=3, padding=1)
errors = engine.gradcheck(layer, np.random.default_rng(0).normal(size=(2, 2, 5, 5)))
print({name: f"{error:.1e}" for name, error in errors.items()})

# %% [markdown]
# ## Learned vs designed
# Gradient descent on one 3x3 `Conv2d`, asked to reproduce the vertical-edge filter's output
# on the cat, recovers the filter's numbers.

# %%
from neuralens.engine.learned_filter import learn_filter

learned = learn_filter(cat[::2, ::2], preset("vertical edges"), steps=150)
print(np.round(learned.learned, 3))
plots.plot_kernel_convergence(learned.kernels, learned.target, learned.losses, 150)

# %% [markdown]
# ## An engine MLP on MNIST digits
# 784 pixels -> 128 ReLU units -> 10 scores, trained by the engine's own loop (Adam).
# Here briefly, on 2,000 digits; `neuralens train engine-mlp` trains the full recipe.

# %%
from neuralens.engine.mnist import train_engine

run = train_engine("engine-mlp", num_epochs=3, train_limit=2000)
print(f"test accuracy after 3 short epochs: {run.test_accuracy:.1%}")
plots.plot_history(run.history).figure
