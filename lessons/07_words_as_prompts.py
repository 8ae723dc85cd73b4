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
# # 7. Words as the prompt: a sentence draws a scene
#
# The lecture's model-outputs slide ends on an image made from words. Here is a small one,
# trained on this machine's CPU with nothing downloaded: the diffusion chapter's U-Net, told
# *what* to draw by a sentence instead of a digit. Each word becomes a learned vector (an
# embedding), a small transformer lets the words see each other, and at the U-Net's coarsest
# resolutions every pixel attends to the words (cross-attention). Each pixel's question carries
# a code of *where* it is, so "left" can steer the left pixels only. An attribute classifier,
# trained on the generator's ground truth, judges whether a drawing shows what its sentence
# says. Everything uses the shipped models.
#
# One change from the digits: this network predicts v = sqrt(alpha_bar_t) eps -
# sqrt(1 - alpha_bar_t) x_0 instead of the noise eps. At the first step x_t is pure noise, so
# "which noise is this?" has a trivial answer (x_t itself) and says nothing about the scene;
# v there is minus the scene the sentence asks for. The sampler turns v back into eps and
# x0_hat, so everything below works as before. Two more: training picks its noise levels mostly
# from the middle of the range (logit-normal), where outlines are decided, and the full-size
# level has 32 feature maps: with 16, disks and squares came out as the same blob.

# %%
import numpy as np
import torch

from neuralens import checkpoints
from neuralens.data.captioned_scenes import make_captioned_scenes
from neuralens.plots.captions import plot_captioned_scenes, plot_word_attention
from neuralens.plots.diffusion import plot_trajectory
from neuralens.studies.words_as_prompts import (
    draw_scenes,
    prompt_match_rate,
    scene_frames,
    word_attention,
)
from neuralens.tasks.text_to_image import load_text_to_image

torch.set_num_threads(1)
model, schedule = load_text_to_image()  # the shipped text-to-image model and its schedule
model.eval()
judge = checkpoints.load_shipped("attributes")  # reads shape, colour, size, place, background
print(f"{sum(p.numel() for p in model.parameters()):,} weights")

# %% [markdown]
# ## The training data: scenes and their sentences
# Every scene comes with a caption that names each object's size, colour, shape and place
# and the background, in one of several paraphrases ("disk" or "circle", "big" or "large").

# %%
scenes = make_captioned_scenes(8, seed=1)
plot_captioned_scenes(scenes.images, scenes.captions)

# %% [markdown]
# ## Words become numbers
# The tokenizer gives each known word its id; ``<start>`` (id 1) begins every prompt, so the
# empty prompt is ``<start>`` alone: the unconditional model guidance needs. A word the model
# never saw is refused, with the list of those it knows.

# %%
tokenizer = model.tokenizer
print(tokenizer.encode("a big blue square at the top on sand"))
print(len(tokenizer.vocabulary), "words:", " ".join(tokenizer.vocabulary))
try:
    tokenizer.encode("a red dragon on sand")
except ValueError as error:
    print(error)

# %% [markdown]
# ## A scene emerges step by step
# As for digits: x_t (top) and the clean scene the network predicts from it, x0_hat
# (bottom). The background settles first, then the objects.

# %%
frames = list(scene_frames(model, schedule, ["a big yellow triangle in the centre on water"],
                           steps=10, guidance=3.0, seed=0))  # fmt: skip
plot_trajectory([f.x[0] for f in frames], [f.x0_hat[0] for f in frames], [f.t for f in frames])

# %% [markdown]
# ## Does the drawing say what the sentence says?
# Eight prompts, one scene each; the judge reads every scene back. Green: every attribute of
# the prompt is there; red: at least one is not. `neuralens bench text` does this for 1,000
# prompts.

# %%
prompts = [
    "a small red disk on the left on grass",
    "a big blue square at the top on sand",
    "a large white circle on the right in the sky",
    "a little purple triangle at the bottom on a plain background",
    "on water, a big yellow square in the middle",
    "a small green disk at the top on sand",
    "there is a large red triangle on the left on the grass",
    "a picture of a small white square at the bottom against the sky",
]
images = draw_scenes(model, schedule, prompts, steps=20, guidance=3.0, seed=0)
rate, matches = prompt_match_rate(judge, images, prompts)
print(f"the judge agrees with {matches.sum()} of {len(prompts)}")
plot_captioned_scenes(images, prompts, marks=matches)

# %% [markdown]
# ## Guidance: how hard the words push
# eps = eps_none + s (eps_words - eps_none). The same starting noise at s = 0 (words
# ignored: any scene), 1 (the model as trained) and 3.

# %%
prompt = "a big red disk on the right on sand"
by_scale = [draw_scenes(model, schedule, [prompt] * 4, steps=20, guidance=s, seed=3)
            for s in (0.0, 1.0, 3.0)]  # fmt: skip
plot_captioned_scenes(np.concatenate(by_scale), [f"s = {s}" for s in (0, 1, 3) for _ in range(4)])

# %% [markdown]
# ## Which pixels listened to which word
# The cross-attention weights say, for each pixel, how much it took from each word. Averaged
# over the heads, the attention blocks (stretched to the image) and the sampling steps:
# "red" lights up where the disk is drawn, "right" on the right, and "sand" everywhere but
# the disk.

# %%
seen = word_attention(model, schedule, prompt, steps=20, guidance=3.0, seed=3)
plot_word_attention(seen.image, seen.words, seen.maps)
