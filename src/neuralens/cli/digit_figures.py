"""The diffusion chapter's figures drawn by a digit model (`generate --digit --figures DIR`).

The same pictures as lesson 06 (and docs/diffusion/): one test digit noised over t, the
sampler's x_t and x0_hat per step (a strip and an animated GIF), samples per prompt digit,
the guidance scale's effect on the same seeds, and inpainting of a digit's lower half.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from neuralens import diffusion
from neuralens.data import load_mnist
from neuralens.plots import export
from neuralens.plots.diffusion import (
    plot_guidance,
    plot_inpainting,
    plot_noising,
    plot_samples_per_digit,
    plot_trajectory,
    trajectory_frames,
)
from neuralens.studies.digit_diffusion import generate, generate_frames

NOISING_STEPS = (0, 100, 250, 500, 750, 999)
GUIDANCE_SCALES = (0.0, 1.0, 3.0, 7.0)
FIGURE_NAMES = ("noising.png", "trajectory.png", "samples.png", "guidance.png",
                "inpainting.png", "trajectory.gif")  # fmt: skip


def write_digit_figures(
    folder: Path,
    model,
    schedule: diffusion.Schedule,
    digit: int,
    steps: int = 20,
    guidance: float = 3.0,
    seed: int = 0,
) -> list[Path]:
    """Draw the chapter's six figures for prompt ``digit`` into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    images, _ = load_mnist("test")
    x0 = diffusion.to_model_range(torch.as_tensor(images[0]).float()[None, None] / 255)
    noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(seed))
    last = schedule.num_steps - 1
    noising_steps = [min(t, last) for t in NOISING_STEPS]
    noisy = [diffusion.from_model_range(diffusion.q_sample(x0, torch.tensor([t]), noise, schedule))
             [0, 0].numpy() for t in noising_steps]  # fmt: skip
    frames = list(generate_frames(model, schedule, digit, steps=steps, guidance=guidance,
                                  seed=seed))  # fmt: skip
    samples = {d: generate(model, schedule, d, n=6, steps=steps, guidance=guidance, seed=seed + d)
               for d in range(10)}  # fmt: skip
    by_scale = {s: generate(model, schedule, digit, n=6, steps=steps, guidance=s, seed=seed + 1)
                for s in GUIDANCE_SCALES}  # fmt: skip
    original = images[0].astype(np.float32) / 255
    regenerate = np.zeros(original.shape, dtype=bool)
    regenerate[original.shape[0] // 2 :] = True  # the lower half
    repaint = {"known": original, "regenerate": regenerate}
    repainted = {d: generate(model, schedule, d, n=4, steps=steps, guidance=guidance, seed=seed,
                             **repaint) for d in (digit, 1, 9)}  # fmt: skip
    x, x0_hat = [f.x[0] for f in frames], [f.x0_hat[0] for f in frames]
    figures = {
        "noising.png": plot_noising(noisy, noising_steps),
        "trajectory.png": plot_trajectory(x, x0_hat, [f.t for f in frames]),
        "samples.png": plot_samples_per_digit(samples),
        "guidance.png": plot_guidance(by_scale, digit=digit),
        "inpainting.png": plot_inpainting(images[0], regenerate, repainted),
    }
    paths = [export.save(figure, folder / name) for name, figure in figures.items()]
    paths.append(export.save_gif(trajectory_frames(x, x0_hat), folder / "trajectory.gif"))
    return paths
