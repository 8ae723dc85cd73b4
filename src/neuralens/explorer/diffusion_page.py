"""Chapter 10, Diffusion: a digit emerges from noise step by step; guidance; inpainting; noising.

Generate and Repaint are generators: every sampling step reaches the browser as it is
computed (they wait in the heavy queue); the scrub slider and the noising slider are
light. The model loads on first use.
"""

from __future__ import annotations

import functools

import gradio as gr
import numpy as np

from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import (
    Slider,
    chapter_header,
    figure_image,
    read_number,
    sampling_controls,
    show,
)

LEAD = (
    "A **diffusion model** learns to remove noise. Training mixes Gaussian noise into "
    "each digit, more at larger steps t (at t = 999 only noise is left), and a U-Net learns "
    "to predict the noise from the noisy picture x_t, the step t and the digit asked for. "
    "Drawing starts from pure noise and removes the predicted noise step by step. At every "
    "step the network's noise estimate also implies a clean picture, **x0_hat**: what it "
    "currently thinks the final digit is."
)
GUIDANCE_TEXT = (
    "**Guidance** s mixes the predictions with and without the prompt: "
    "eps = eps_none + s (eps_digit - eps_none). s = 0 ignores the digit asked for, s = 1 "
    "uses the model as trained, larger s pushes harder towards the digit."
)
SCALE = 8  # screen pixels per image pixel
NOISING_STEPS = (0, 100, 250, 500, 750, 999)
REGIONS = ("painted", "top half", "bottom half", "left half", "right half")
NUM_REPAINTS = 4  # results per Repaint click


@functools.lru_cache(maxsize=1)
def shipped_model():
    """The shipped noise predictor and its schedule, loaded once, on first use."""
    from neuralens.tasks.denoise import load_diffusion

    return load_diffusion()


def enlarge(picture: np.ndarray) -> np.ndarray:
    """uint8 (H, W) -> uint8 (SCALE H, SCALE W): each pixel a visible square."""
    return np.kron(np.asarray(picture, dtype=np.uint8), np.ones((SCALE, SCALE), dtype=np.uint8))


def mnist_digit(index: float) -> np.ndarray:
    """Bundled MNIST test digit number ``index``, uint8 (28, 28)."""
    from neuralens.data import load_mnist

    images, _ = load_mnist("test")
    return images[int(index)]


def sampling_inputs(digit, guidance, steps, seed) -> tuple[int, float, int, int]:
    """The four controls read as numbers (a ValueError for a blank or odd box)."""
    return (
        int(read_number(digit, "digit", 0, 9)),
        read_number(guidance, "guidance", 0, 20),
        int(read_number(steps, "steps", 1, 1000)),
        int(read_number(seed, "seed", 0, 2**31 - 1)),
    )


def generate(digit, guidance, steps, seed):
    """Stream each step: x_t, x0_hat, a status line; at the end unlock the scrub slider."""
    from neuralens.studies.digit_diffusion import generate_frames

    digit, guidance, steps, seed = sampling_inputs(digit, guidance, steps, seed)
    model, schedule = shipped_model()
    frames = []
    for frame in generate_frames(model, schedule, digit, steps=steps, guidance=guidance,
                                 seed=seed):  # fmt: skip
        frames.append((frame.x[0], frame.x0_hat[0], frame.t))
        status = f"step {frame.index + 1} of {steps} (t = {frame.t})"
        last = frame.index + 1 == steps
        scrub = gr.update(maximum=steps, value=steps, interactive=True) if last else gr.update()
        yield enlarge(frame.x[0]), enlarge(frame.x0_hat[0]), status, frames, scrub


def scrub(frames, position):
    """Show step ``position`` (1-based) of the last generation again."""
    if not frames:
        return gr.update(), gr.update(), "press Generate first"
    index = min(max(int(position), 1), len(frames)) - 1
    x, x0_hat, t = frames[index]
    return enlarge(x), enlarge(x0_hat), f"step {index + 1} of {len(frames)} (t = {t})"


def editor_value(index: float) -> dict:
    """The inpainting editor holding test digit ``index`` as its background, nothing painted."""
    return {"background": enlarge(mnist_digit(index)), "layers": [], "composite": None}


def painted_region(editor: dict | None) -> np.ndarray:
    """bool (28, 28): pixels the learner painted over (any stroke covering a cell)."""
    layers = (editor or {}).get("layers") or []
    painted = np.zeros((28, 28), dtype=bool)
    for layer in layers:
        alpha = np.asarray(layer)[..., -1] > 0  # (28 SCALE, 28 SCALE)
        cells = alpha.reshape(28, alpha.shape[0] // 28, 28, alpha.shape[1] // 28).mean((1, 3))
        painted |= cells > 0.25
    return painted


def region_mask(region: str, editor: dict | None) -> np.ndarray:
    """bool (28, 28), True = regenerate: the painted cells or a preset half."""
    mask = np.zeros((28, 28), dtype=bool)
    every, first, second = slice(None), slice(0, 14), slice(14, 28)
    halves = {"top half": (first, every), "bottom half": (second, every),
              "left half": (every, first), "right half": (every, second)}  # fmt: skip
    if region in halves:
        mask[halves[region]] = True
        return mask
    mask = painted_region(editor)
    if not mask.any():
        raise gr.Error("Paint over the part to regenerate first (or choose a preset region).")
    return mask


def repaint(index, region, editor, digit, guidance, steps, seed):
    """Regenerate the chosen region of the test digit as ``digit``: four results, streamed."""
    from neuralens.studies.digit_diffusion import generate_frames, tile

    digit, guidance, steps, seed = sampling_inputs(digit, guidance, steps, seed)
    regenerate = region_mask(region, editor)
    known = mnist_digit(index).astype(np.float32) / 255
    model, schedule = shipped_model()
    for frame in generate_frames(model, schedule, digit, n=NUM_REPAINTS, steps=steps,
                                 guidance=guidance, seed=seed, known=known,
                                 regenerate=regenerate):  # fmt: skip
        status = f"step {frame.index + 1} of {steps}; {int(regenerate.sum())} pixels regenerated"
        yield enlarge(tile(frame.x, columns=NUM_REPAINTS)), status


def noising(index, t):
    """Test digit ``index`` noised to step ``t`` (closed form, Ho et al. eq. 4), and the strip."""
    import torch

    from neuralens import diffusion
    from neuralens.plots.diffusion import plot_noising

    _, schedule = shipped_model()
    x0 = diffusion.to_model_range(torch.as_tensor(mnist_digit(index)).float()[None, None] / 255)
    generator = torch.Generator().manual_seed(0)
    noise = torch.randn(x0.shape, generator=generator)
    pictures = []
    for step in (int(t), *NOISING_STEPS):
        x_t = diffusion.q_sample(x0, torch.tensor([step]), noise, schedule)
        pictures.append((diffusion.from_model_range(x_t)[0, 0].numpy() * 255).astype(np.uint8))
    alpha_bar = float(schedule.alpha_bar[int(t)])
    text = (f"t = {int(t)}: x_t = {alpha_bar**0.5:.3f} x_0 + {(1 - alpha_bar) ** 0.5:.3f} eps "
            f"(alpha_bar_t = {alpha_bar:.4f})")  # fmt: skip
    return enlarge(pictures[0]), text, show(plot_noising(pictures[1:], NOISING_STEPS))


def generate_section() -> None:
    gr.Markdown("## Draw a digit from noise\n" + GUIDANCE_TEXT)
    with gr.Row():
        digit = gr.Dropdown(list(range(10)), value=7, label="digit (the prompt)",
                            elem_id="diff-digit")  # fmt: skip
        guidance, steps, seed = sampling_controls("diff", steps=20)
    button = gr.Button("Generate", variant="primary", elem_id="diff-generate")
    status = gr.Markdown(elem_id="diff-status")
    with gr.Row():
        x_t = gr.Image(label="x_t (the picture being denoised)", interactive=False, format="png",
                       elem_id="diff-xt")  # fmt: skip
        x0_hat = gr.Image(label="x0_hat (the clean digit the network predicts)",
                          interactive=False, format="png", elem_id="diff-x0")  # fmt: skip
    position = Slider(1, 20, value=1, step=1, label="scrub back through the steps",
                         interactive=False, elem_id="diff-scrub")  # fmt: skip
    frames = gr.State([])
    button.click(generate, [digit, guidance, steps, seed], [x_t, x0_hat, status, frames, position])
    position.input(scrub, [frames, position], [x_t, x0_hat, status])


def inpaint_section() -> None:
    gr.Markdown(
        "## Inpainting: keep part of a digit, regenerate the rest\n"
        "Pick a test digit, paint over the part to regenerate (or choose a half) and choose "
        "the digit it should become. At every step the kept pixels are put back, noised to "
        "the current step, so only the painted part is generated, and it is generated to fit."
    )
    with gr.Row():
        index = Slider(0, 1999, value=0, step=1, label="MNIST test digit #",
                          elem_id="diff-inpaint-index")  # fmt: skip
        region = gr.Radio(list(REGIONS), value="painted", label="region to regenerate",
                          elem_id="diff-inpaint-region")  # fmt: skip
        digit = gr.Dropdown(list(range(10)), value=3, label="becomes digit",
                            elem_id="diff-inpaint-digit")  # fmt: skip
        steps = Slider(1, 100, value=20, step=1, label="DDIM steps",
                          elem_id="diff-inpaint-steps")  # fmt: skip
    editor = gr.ImageEditor(
        value=editor_value(0), label="paint the region to regenerate", type="numpy",
        image_mode="RGBA", sources=(), layers=False, transforms=(),
        brush=gr.Brush(default_size=24, colors=["#e03030"], color_mode="fixed"),
        canvas_size=(28 * SCALE, 28 * SCALE), elem_id="diff-inpaint-editor",
    )  # fmt: skip
    button = gr.Button("Repaint", variant="primary", elem_id="diff-inpaint-run")
    status = gr.Markdown(elem_id="diff-inpaint-status")
    results = gr.Image(label=f"{NUM_REPAINTS} results", interactive=False, format="png",
                       elem_id="diff-inpaint-out")  # fmt: skip
    index.release(editor_value, index, editor)
    guidance, seed = gr.State(3.0), gr.State(0)
    button.click(repaint, [index, region, editor, digit, guidance, steps, seed],
                 [results, status])  # fmt: skip


def noising_section() -> None:
    gr.Markdown(
        "## Noising: what the network is trained on\n"
        "Each step mixes in a little noise; in closed form any step t is one mix."
    )
    with gr.Row():
        index = Slider(0, 1999, value=0, step=1, label="MNIST test digit #",
                          elem_id="diff-noise-index")  # fmt: skip
        t = Slider(0, 999, value=250, step=1, label="step t", elem_id="diff-noise-t")
    with gr.Row():
        noisy = gr.Image(label="x_t", interactive=False, format="png", elem_id="diff-noise-image")
        strip = figure_image("the same digit at several steps", elem_id="diff-noise-strip")
    text = gr.Markdown(elem_id="diff-noise-text")
    for control in (index, t):
        control.change(noising, [index, t], [noisy, text, strip])


def build() -> None:
    chapter_header(10, "Diffusion", LEAD)
    generate_section()
    inpaint_section()
    noising_section()


SUMMARY = ("Watch a digit emerge from noise step by step, steer it with guidance, repaint "
           "part of a digit, and see the noising the network learns to undo.")  # fmt: skip
CHAPTER = Chapter(10, "Diffusion", "diffusion", SUMMARY, build)
