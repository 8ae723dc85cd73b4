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
# # 6. Diffusion: a digit from noise, step by step
#
# The lecture's one modern architecture is an assembly of blocks seen before: a U-Net of
# convolutions, normalisation and non-linearities, told *when* (the step t) and *what*
# (the prompt). Training adds noise to images; the network learns to say which noise was
# added. Drawing starts from pure noise and removes the predicted noise step by step.
# Everything here uses the shipped model (trained on MNIST) on the CPU.

# %%
import numpy as np
import torch

from neuralens import data, diffusion
from neuralens.plots.diffusion import (
    plot_guidance,
    plot_inpainting,
    plot_noising,
    plot_samples_per_digit,
    plot_trajectory,
)
from neuralens.studies.digit_diffusion import generate, generate_frames
from neuralens.tasks.denoise import load_diffusion

torch.set_num_threads(1)
model, schedule = load_diffusion()  # the shipped noise predictor and its noise schedule
print(schedule.config)
print(f"{sum(p.numel() for p in model.parameters()):,} weights")

# %% [markdown]
# ## Noising: what the network learns to undo
# In closed form, step t mixes the image and Gaussian noise:
# x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps (Ho et al. 2020, eq. 4).
# alpha_bar_t falls from 1 (the image) to 0 (only noise).

# %%
images, labels = data.load_mnist("test")
x0 = diffusion.to_model_range(torch.as_tensor(images[0]).float()[None, None] / 255)
noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(0))
steps = [0, 100, 250, 500, 750, 999]
noisy = [diffusion.from_model_range(diffusion.q_sample(x0, torch.tensor([t]), noise, schedule))
         for t in steps]  # fmt: skip
print([round(float(schedule.alpha_bar[t]), 4) for t in steps])
plot_noising([image[0, 0].numpy() for image in noisy], steps)

# %% [markdown]
# ## Drawing: x_t and the clean digit the network predicts
# Each DDIM step (Song et al. 2021, eq. 12) turns the predicted noise into a predicted
# clean digit x0_hat and moves x_t towards it. Early x0_hat is a blur of every "7"; it
# sharpens as t falls.

# %%
frames = list(generate_frames(model, schedule, digit=7, steps=10, guidance=3.0, seed=0))
plot_trajectory([f.x[0] for f in frames], [f.x0_hat[0] for f in frames], [f.t for f in frames])

# %% [markdown]
# ## One prompt per row
# 20 DDIM steps, guidance 3.

# %%
samples = {digit: generate(model, schedule, digit, n=6, steps=20, seed=digit)
           for digit in range(10)}  # fmt: skip
plot_samples_per_digit(samples)

# %% [markdown]
# ## Guidance: how hard the prompt pushes
# eps = eps_none + s (eps_digit - eps_none) (Ho & Salimans 2022). The same starting noise
# (same seed) at s = 0 (prompt ignored), 1 (as trained), 3 and 7.

# %%
by_scale = {s: generate(model, schedule, 4, n=6, steps=20, guidance=s, seed=1)
            for s in (0.0, 1.0, 3.0, 7.0)}  # fmt: skip
plot_guidance(by_scale, digit=4)

# %% [markdown]
# ## Inpainting: keep part of an image, regenerate the rest
# After each step the kept pixels are put back, noised to the current step, so the model
# only fills in the rest, and fills it to fit. The kept pixels come back exactly.

# %%
original = images[0].astype(np.float32) / 255
regenerate = np.zeros((28, 28), dtype=bool)
regenerate[14:] = True  # the bottom half
results = {digit: generate(model, schedule, digit, n=4, steps=20, seed=0, known=original,
                           regenerate=regenerate) for digit in (7, 1, 9)}  # fmt: skip
kept = np.round(original[:14] * 255).astype(np.uint8)
print("top half kept exactly:", all((r[:, :14] == kept).all() for r in results.values()))
plot_inpainting(images[0], regenerate, results)
