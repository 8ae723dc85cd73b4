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
# # 0. The data of the lecture
#
# Everything the lecture computes on is bundled with neuralens and loads offline:
# a table of red wines, handwritten digits, clothes, photos and synthetic shapes.

# %%
from neuralens import data, plots

wine = data.load_wine("red")
wine.head()

# %% [markdown]
# The lecture's first question: can a wine's *density* predict its *fixed acidity*?

# %%
plots.plot_wine_scatter(wine).figure

# %% [markdown]
# Images are numbers too: each MNIST digit is 28 x 28 gray values from 0 (paper) to 255 (ink).

# %%
images, labels = data.load_mnist("train", "mini")
print(images.shape, images.dtype, images[0, 10:14, 10:14])
plots.plot_digit_grid(images, labels, per_class=8).figure

# %% [markdown]
# Shapes come with every answer the four vision tasks ask for: a class per object, a box,
# a class per pixel (semantic mask) and a mask per object (instance masks).

# %%
shapes = data.make_shapes(3, seed=0)
print(shapes.labels[0], shapes.boxes[0])
plots.plot_shapes(shapes, count=3)
