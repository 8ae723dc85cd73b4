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
# # 3. Pixels as features: from an MLP to a CNN
#
# The lecture's classification story: the pixels are the features (flatten the image),
# the categories are the outputs, a non-linearity is needed, and a convolutional network
# does far better because images have local structure. Everything here runs on the
# bundled mini MNIST and the shipped pretrained weights.

# %%
import numpy as np

from neuralens import checkpoints, data, plots
from neuralens.models.inspect import (
    DESIGNED_FILTERS,
    feature_maps,
    first_layer_filters,
    hidden_unit,
    predict_proba,
    stage_outputs,
)
from neuralens.studies import own_model
from neuralens.studies.nonlinearity import NonlinearityConfig, compare_activations
from neuralens.tasks.classify import image_data, train_classifier
from neuralens.training import TrainConfig

images, labels = data.load_mnist("test")
digit = images[0]
plots.plot_pixel_values(digit).figure

# %% [markdown]
# Flattened row after row, the image is one list of 784 numbers: the network's input.

# %%
x = digit.ravel()
print(x.shape, x[14 * 28 : 15 * 28])  # row 14 of the image
plots.plot_flattened(x).figure

# %% [markdown]
# ## A drawing becomes an MNIST digit
# A drawing is dark ink on white paper, any size. MNIST's recipe: fit the ink in a
# 20 x 20 box, centre it by its centre of mass in 28 x 28, light ink on black.

# %%
page = np.full((300, 300), 255, dtype=np.uint8)  # white paper
page[40:260, 140:160] = 0  # a vertical stroke: a "1"
drawn = data.to_mnist(page)
print(drawn.shape, drawn.dtype, drawn.max())
plots.plot_pixel_values(drawn).figure

# %% [markdown]
# ## The MLP's answer: ten probabilities
# The shipped MLP (trained on full MNIST) turns the 784 numbers into one probability per digit.

# %%
mlp = checkpoints.load_shipped("mlp")
print(checkpoints.shipped_metadata("mlp")["metrics"])
probabilities = predict_proba(mlp, drawn)[0]
plots.plot_probabilities(probabilities).figure

# %% [markdown]
# Each hidden unit computes a weighted sum of all 784 pixels plus a bias,
# z = sum_i w_i x_i + b, then ReLU(z). Its weights, drawn as a 28 x 28 image, show the
# pattern it responds to; weight x pixel shows what this drawing contributes.

# %%
unit = 7
weights, bias = hidden_unit(mlp, unit)
z = (weights * drawn / 255).sum() + bias
print(f"z = {z:.3f}; the model's own value: {dict(stage_outputs(mlp, drawn))['hidden1'][unit]:.3f}")
plots.plot_unit(weights, drawn / 255, bias, unit)

# %% [markdown]
# ## Why the non-linearity?
# Without an activation, stacked layers multiply into one matrix: a linear classifier.
# Train the same MLP with and without ReLU on the mini training set.

# %%
X, y = data.load_mnist("train")
runs = compare_activations(X, y, images, labels, NonlinearityConfig(num_epochs=3))
plots.plot_nonlinearity({"with ReLU": runs["relu"], "without": runs["none"]})

# %% [markdown]
# ## The CNN, layer by layer
# Filter banks slide 3 x 3 filters over the image (one feature map each), pooling
# halves the maps, ReLU keeps the positive evidence; the last maps are flattened and
# a dense layer gives the ten scores.

# %%
cnn = checkpoints.load_shipped("cnn")
stages = stage_outputs(cnn, drawn)
for name, value in stages:
    print(f"{name:8s} {value.shape}")
plots.plot_feature_maps(feature_maps(cnn, drawn))

# %% [markdown]
# The first layer's learned filters, next to filters people design by hand.

# %%
plots.plot_learned_vs_designed(first_layer_filters(cnn), DESIGNED_FILTERS)

# %% [markdown]
# ## How good is it, and where does it fail?
# The confusion matrix counts, for each true digit, what the CNN answered; the most
# confidently wrong test images are often ones a person would hesitate on too.

# %%
report = own_model.heldout_report(predict_proba(cnn, images), labels)
print(f"CNN accuracy on the mini test set: {report.accuracy:.2%}")
plots.plot_confusion(report.confusion).figure

# %%
wrong = report.mistakes[:8]
plots.plot_mistakes(images[wrong], labels[wrong], report.predicted[wrong],
                    report.confidence[wrong])  # fmt: skip

# %% [markdown]
# ## Train your own
# The same training loop that made the shipped weights, on 2,000 mini images for two
# epochs; `on_step` sees the live numbers (the explorer draws its curves from them).

# %%
small, classes = image_data("mnist-mini", train_limit=2000)
config = TrainConfig(num_epochs=2, batch_size=64, lr=0.01, device="cpu", progress=False,
                     log_every=4)  # fmt: skip
model, history = train_classifier("cnn", small, config, classes=classes)
print(f"test accuracy after two short epochs: {history.last('eval_accuracy'):.2%}")
plots.plot_training(history, "CNN, 2,000 images, 2 epochs")

# %% [markdown]
# Your own images work the same way: `data.load_image_folder("my_images.zip")` reads a
# folder or zip with one sub-folder per category, and `own_model.training_data` turns it
# into training data; `own_model.save_for_reuse` writes the weights, their metadata and
# a `use_model.py` that loads them.
