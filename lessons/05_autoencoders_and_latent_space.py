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
# # 5. Auto-encoders and the latent space
#
# An **encoder** turns a whole image into a short list of numbers, the **latent space**;
# a **decoder** turns such a list back into an image. An **auto-encoder** learns both
# without labels: the input is its own target. On MNIST "the latent space has a size of
# 4: we summarize 28x28 pixels with just 4 values". Then "we can come up with a set of 4
# new numbers and just use the decoding part of the network to create new images ...
# additional care should be taken to make this work": that care is the **variational**
# auto-encoder. Everything here uses the shipped models and the bundled mini MNIST.

# %%
import numpy as np

from neuralens import checkpoints, data, plots
from neuralens.models.autoencoder import AutoEncoder, AutoEncoderConfig
from neuralens.models.inspect import predict_proba
from neuralens.studies import latent
from neuralens.tasks.reconstruct import TASK
from neuralens.training import Batches, TrainConfig, fit

study = latent.load_study("mnist")
autoencoder, vae = study.models["autoencoder"], study.models["vae"]
images, labels = study.images, study.labels
z = latent.encode(autoencoder, images[0])
print("784 pixels ->", z.round(2))

# %% [markdown]
# ## The decoder alone
# Four numbers in, a digit out. Move one number and the digit changes shape; the sliders
# of the explorer's chapter 9 span where 98 % of the training images' numbers lie.

# %%
ranges = latent.latent_ranges(study.stats["autoencoder"])
print("slider ranges:", [(round(low, 2), round(high, 2)) for low, high in ranges])
low, high = ranges[0]
moved = np.repeat(z, 7, axis=0)
moved[:, 0] = np.linspace(low, high, 7)  # walk the first number across its range
plots.plot_strips({"number 1 moves": latent.decode(autoencoder, moved)})

# %% [markdown]
# ## How good is a 4-number summary?
# PCA is the best *linear* summary with 4 numbers (4 principal components of the same
# training images). The auto-encoder's summary is curved. A U-Net is the same
# encoder-decoder with **skip connections**: its reconstructions are almost perfect
# because the picture travels around the bottleneck; decoded from the bottleneck alone, it
# gives little. Segmentation wants skips; compression must not have them.

# %%
digits = images[:8]
rows = latent.compare_reconstructions(study, digits)
for name, (_, errors) in rows.items():
    print(f"{name:>24}: MSE per pixel {errors.mean():.4f}")
plots.plot_reconstructions(digits, rows)

# %% [markdown]
# ## Walking from one digit to another
# Encode two digits, walk the straight line between their numbers, decode each point.
# The ends are the two reconstructions; between them the decoder draws, where blending
# the pixels would only superimpose.

# %%
a, b = images[1], images[3]
strips = {
    "auto-encoder": latent.interpolate(autoencoder, a, b, steps=9),
    "VAE": latent.interpolate(vae, a, b, steps=9),
    "pixels blended": np.linspace(0, 1, 9)[:, None, None] * (b - a.astype(float)) / 255 + a / 255,
}
plots.plot_strips(strips)

# %% [markdown]
# ## The map of a 2-number latent space
# A VAE with 2 latent numbers: every test digit is a point, coloured by its label (which
# the network never saw). The grid decodes points spaced by the inverse Gaussian CDF, so
# each cell holds the same share of the prior N(0, 1) and the grid covers where the data is.

# %%
vae_2d = study.models["vae-2d"]
points = latent.encode(vae_2d, images)
plots.plot_latent_map(points, labels, title="VAE, 2 numbers: the test set").figure

# %%
plots.plot_manifold(latent.manifold(vae_2d, 15), latent.normal_grid(15)).figure

# %% [markdown]
# ## New images from new numbers
# The auto-encoder has no prior: we draw numbers from a Gaussian fitted to its training
# latents, and many land where no training image was, decoding to broken shapes. The VAE
# was trained (the KL term) so that its latents follow its prior, a mixture of 200 Gaussians
# learned with it (one N(0, I) must hold all ten digits in 4 numbers, so many of its draws
# land between them). Its samples look like digits. The shipped CNN judges: how many
# samples does it read with >= 90 % certainty?

# %%
cnn = checkpoints.load_shipped("cnn")
samples = {}
for name, role in (("auto-encoder", "autoencoder"), ("VAE", "vae")):
    new = latent.sample(study.models[role], 200, study.stats[role])
    share = latent.confident_share(predict_proba(cnn, (new * 255).round().astype(np.uint8)))
    samples[name] = (new[:32], f"CNN >= 90 % sure: {share:.0%} of 200")
    print(name, share)
plots.plot_samples(samples)

# %% [markdown]
# ## Train your own, briefly
# The same `fit` as every other model, with the `reconstruct` task's loss (binary
# cross-entropy of each pixel; a VAE adds the KL term). A few hundred images and steps:
# enough to see the error fall below the average-digit guess, far from the shipped model.

# %%
train_images, _ = data.load_mnist("train")
model = AutoEncoder(AutoEncoderConfig(channels=(4, 8, 16), latent_dim=4))
history = fit(
    model,
    TASK.loss_fn,
    Batches.from_arrays(train_images[:2000], None, images[:500]),
    TrainConfig(num_epochs=3, batch_size=64, lr=1e-2, device="cpu", progress=False),
)
print("test MSE per pixel:", round(history.last("eval_mse"), 4))
plots.plot_history(history, ["mse", "eval_mse"]).figure
