"""Chapter 9, Latent space: four numbers decode a digit; interpolate; a map; AE vs VAE vs PCA.

Every callback here is light (a decoder pass takes about a millisecond), so sliders and
clicks run at once for every learner; the models load on first use.
"""

from __future__ import annotations

import functools

import gradio as gr
import numpy as np

from neuralens import plots
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import Slider, chapter_header, figure_image, show
from neuralens.explorer.drawing import CANVAS, drawing_pixels

LEAD = (
    "An **encoder** turns a whole 28 x 28 image (784 numbers) into a short list of numbers, "
    "the **latent space**; a **decoder** turns those numbers back into an image. An "
    "**auto-encoder** learns both without labels: the input is its own target. Here the "
    "latent space has a size of 4: 784 pixels summarised by just 4 values."
)
DATASETS = {"MNIST digits": "mnist", "Fashion-MNIST clothes": "fashion-mnist"}
MODELS = {"auto-encoder": "autoencoder", "VAE": "vae"}
SCALE = 7  # screen pixels per image pixel of a decoded image
NUM_SAMPLES = 32  # images per "generate" click
VAE_PRIOR = 200  # the shipped VAE's prior: a mixture of this many Gaussians (a test checks)
SKIPS_SENTENCE = (
    "A U-Net is the same encoder-decoder **with skip connections**: each decoder stage also "
    "receives the encoder's maps of its size, so the picture travels around the 4-number "
    "bottleneck and comes back almost perfect; decoded from its bottleneck alone, it gives "
    "little. Segmentation wants those skips (every pixel's answer needs the pixel's detail); "
    "compression must not have them (the point is that everything passes through 4 numbers)."
)


@functools.lru_cache(maxsize=len(DATASETS))
def study(dataset: str):
    """The shipped models of ``dataset`` with their PCA; loaded once, on first use."""
    from neuralens.studies.latent import load_study  # torch loads on first use

    return load_study(dataset)


def enlarge(image: np.ndarray) -> np.ndarray:
    """A decoded (28, 28) image in [0, 1] as uint8 pixels, each SCALE x SCALE on screen."""
    pixels = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    return np.kron(pixels, np.ones((SCALE, SCALE), dtype=np.uint8))


def pick_model(dataset: str, choice: str):
    """The model behind the sliders: Fashion-MNIST ships only the auto-encoder."""
    models = study(dataset).models
    return models.get(MODELS[choice], models["autoencoder"])


def decode_sliders(dataset_name: str, choice: str, *z: float) -> tuple[np.ndarray, str]:
    """The 4 slider values through the decoder alone."""
    from neuralens.studies.latent import decode

    model = pick_model(DATASETS[dataset_name], choice)
    image = decode(model, np.asarray(z, dtype=np.float32))[0]
    numbers = ", ".join(f"{value:+.2f}" for value in z)
    return enlarge(image), f"decoder input z = [{numbers}]"


def slider_updates(dataset_name: str, choice: str, index: float) -> list:
    """Slider bounds from the training latents' 1 % and 99 % quantiles, set to a test
    image's own 4 numbers; and that image decoded from them."""
    from neuralens.studies.latent import encode, latent_ranges

    dataset = DATASETS[dataset_name]
    data = study(dataset)
    role = MODELS[choice] if MODELS[choice] in data.models else "autoencoder"
    z = encode(data.models[role], data.images[int(index)])[0]
    updates = []
    for value, (low, high) in zip(z, latent_ranges(data.stats[role]), strict=True):
        low, high = min(low, float(value)), max(high, float(value))
        updates.append(gr.update(minimum=round(low, 2), maximum=round(high, 2), value=float(value)))
    return [*updates, *decode_sliders(dataset_name, choice, *z)]


def interpolation_view(dataset_name: str, index_a: float, index_b: float, sketch, t: float):
    """The decoded image at ``t`` on the latent line from digit A to B, and the whole strip."""
    from neuralens.studies.latent import decode, encode, interpolate, interpolate_latents

    data = study(DATASETS[dataset_name])
    drawn = drawing_pixels(sketch)
    b = drawn if drawn.any() else data.images[int(index_b)]
    a = data.images[int(index_a)]
    strips = {}
    for role, model in data.models.items():
        if role in ("autoencoder", "vae"):
            strips[role.replace("autoencoder", "auto-encoder")] = interpolate(model, a, b, steps=9)
    strips["pixels blended"] = np.linspace(0, 1, 9)[:, None, None] * (b / 255.0) + (
        1 - np.linspace(0, 1, 9)[:, None, None]) * (a / 255.0)  # fmt: skip
    model = data.models["autoencoder"]
    ends = encode(model, np.stack([a, b]))
    image = decode(model, interpolate_latents(ends[0], ends[1], 101)[int(round(t * 100))])[0]
    return enlarge(image), show(plots.plot_strips(strips))


@functools.lru_cache(maxsize=len(DATASETS))
def map_data(dataset: str):
    """The test images' positions in the 2-D map and the plane behind it."""
    from neuralens.studies.latent import encode, map_projection

    data = study(dataset)
    role = "vae-2d" if "vae-2d" in data.models else "autoencoder"
    latents = encode(data.models[role], data.images)
    plane = map_projection(latents)
    return role, plane, plane.to_map(latents)


def map_view(dataset_name: str, marker=None) -> tuple[np.ndarray, dict]:
    """The map as a picture, with where its axes lie in it (for clicks)."""
    dataset = DATASETS[dataset_name]
    data = study(dataset)
    role, _, points = map_data(dataset)
    title = ("VAE with 2 latent numbers: test images" if role == "vae-2d" else
             "auto-encoder (4): first two principal axes of the latents")  # fmt: skip
    ax = plots.plot_latent_map(points, data.labels, data.classes, marker, title)
    picture = show(ax.figure)
    return picture, plots.pixel_frame(ax)


def map_click(dataset_name: str, frame: dict, evt: gr.SelectData):
    """Decode the point under the click; mark it on the map."""
    from neuralens.studies.latent import decode

    dataset = DATASETS[dataset_name]
    role, plane, _ = map_data(dataset)
    point = plots.pixel_to_data(frame, *evt.index)
    image = decode(study(dataset).models[role], plane.to_latent(np.asarray(point)))[0]
    picture, frame = map_view(dataset_name, point)
    where = f"map point ({point[0]:+.2f}, {point[1]:+.2f}) decoded"
    return enlarge(image), picture, frame, where


def manifold_view(dataset_name: str):
    """The VAE(2)'s decoded grid (MNIST only)."""
    from neuralens.studies.latent import manifold, normal_grid

    data = study(DATASETS[dataset_name])
    if "vae-2d" not in data.models:
        return None
    ax = plots.plot_manifold(manifold(data.models["vae-2d"], 15), normal_grid(15))
    return show(ax.figure)


def compare_view(dataset_name: str, index: float, sketch, use_drawing: bool):
    """Eight test images (the first one chosen or drawn) through every method."""
    from neuralens.studies.latent import compare_reconstructions

    data = study(DATASETS[dataset_name])
    first = drawing_pixels(sketch) if use_drawing else data.images[int(index)]
    others = [data.images[(int(index) + k) % len(data.images)] for k in range(1, 8)]
    digits = np.stack([first, *others])
    rows = compare_reconstructions(data, digits)
    return show(plots.plot_reconstructions(digits, rows))


def generate_view(dataset_name: str, seed: int):
    """New images from new numbers: AE from a Gaussian fitted to its latents, VAE from its prior."""
    from neuralens.studies.latent import sample

    data = study(DATASETS[dataset_name])
    samples = {}
    for role, title in (("autoencoder", "auto-encoder: Gaussian fitted to its latents"),
                        ("vae", "VAE: its learned prior")):  # fmt: skip
        if role in data.models:
            images = sample(data.models[role], NUM_SAMPLES, data.stats[role], seed=seed)
            samples[title] = (images, sure_share(images) if data.dataset == "mnist" else "")
    return show(plots.plot_samples(samples)), seed + 1


def sure_share(images: np.ndarray) -> str:
    """How many samples the shipped CNN reads as a digit with probability >= 0.9."""
    from neuralens.checkpoints import load_shipped
    from neuralens.models.inspect import predict_proba
    from neuralens.studies.latent import confident_share

    pixels = (np.clip(images, 0, 1) * 255).astype(np.uint8)
    share = confident_share(predict_proba(load_shipped("cnn"), pixels))
    return f"the CNN is >= 90 % sure of a digit for {share:.0%} of these"


def sliders_section(dataset, start_index) -> None:
    gr.Markdown("## Four numbers, decoded\nMove the 4 latent numbers: the **decoder alone** "
                "draws what they describe. Each slider spans where 98 % of the training "
                "images' numbers lie.")  # fmt: skip
    with gr.Row():
        with gr.Column(scale=2):
            choice = gr.Radio(list(MODELS), value="auto-encoder", label="decoder",
                              elem_id="latent-model")  # fmt: skip
            sliders = [Slider(-3, 3, value=0, step=0.01, label=f"latent number {k + 1}",
                                 elem_id=f"latent-z{k}") for k in range(4)]  # fmt: skip
            with gr.Row():
                start_index.render()
                start = gr.Button("start from this test image", elem_id="latent-start")
        with gr.Column(scale=1):
            decoded = gr.Image(label="decoded", elem_id="latent-decoded", interactive=False,
                               buttons=[], height=28 * SCALE)  # fmt: skip
            numbers = gr.Markdown(elem_id="latent-numbers")
    inputs = [dataset, choice, *sliders]
    gr.on([slider.change for slider in sliders], decode_sliders, inputs, [decoded, numbers],
          trigger_mode="always_last")  # fmt: skip
    outputs = [*sliders, decoded, numbers]
    gr.on([start.click, choice.change, dataset.change], slider_updates,
          [dataset, choice, start_index], outputs)  # fmt: skip
    gr.on(None, slider_updates, [dataset, choice, start_index], outputs)


def interpolation_section(dataset) -> None:
    gr.Markdown("## From one image to another\nEncode image A and image B, walk the straight "
                "line between their 4 numbers, decode each point. The decoder draws images "
                "on the way; blending the pixels only superimposes the two.")  # fmt: skip
    with gr.Row():
        with gr.Column():
            index_a = Slider(0, 1999, value=1, step=1, label="image A: test image #",
                                elem_id="latent-a")  # fmt: skip
            index_b = Slider(0, 1999, value=3, step=1, label="image B: test image #",
                                elem_id="latent-b")  # fmt: skip
            t = Slider(0, 1, value=0.5, step=0.01, label="position: A (0) -> B (1)",
                          elem_id="latent-t")  # fmt: skip
        sketch = gr.Sketchpad(
            label="... or draw image B", canvas_size=(CANVAS, CANVAS), type="numpy",
            image_mode="RGBA", sources=(), elem_id="latent-sketch", layers=False, transforms=(),
            brush=gr.Brush(default_size=22, colors=["#000000"], color_mode="fixed"),
        )  # fmt: skip
        point = gr.Image(label="decoded at this position", elem_id="latent-between",
                         interactive=False, buttons=[], height=28 * SCALE)  # fmt: skip
    strips = figure_image("interpolation strips, A to B", elem_id="latent-strips")
    inputs = [dataset, index_a, index_b, sketch, t]
    gr.on([index_a.release, index_b.release, t.change, sketch.change, dataset.change],
          interpolation_view, inputs, [point, strips], trigger_mode="always_last")  # fmt: skip
    gr.on(None, interpolation_view, inputs, [point, strips])


def map_section(dataset) -> None:
    gr.Markdown("## The map of the latent space\nEach dot is a test image placed at its "
                "latent numbers (a VAE with 2 numbers, so the map is the whole latent space). "
                "**Click anywhere**: the decoder draws that point. The grid below decodes "
                "points spaced by the inverse Gaussian CDF, where the VAE's prior puts equal "
                "mass.")  # fmt: skip
    frame = gr.State()
    with gr.Row():
        picture = gr.Image(label="latent map: click to decode", elem_id="latent-map",
                           interactive=False, buttons=[])  # fmt: skip
        with gr.Column():
            decoded = gr.Image(label="decoded at the click", elem_id="latent-map-decoded",
                               interactive=False, buttons=[], height=28 * SCALE)  # fmt: skip
            where = gr.Markdown(elem_id="latent-map-point")
    grid = figure_image("VAE (2 numbers): decoded grid", elem_id="latent-manifold")
    picture.select(map_click, [dataset, frame], [decoded, picture, frame, where])
    gr.on([dataset.change], map_view, [dataset], [picture, frame])
    gr.on(None, map_view, [dataset], [picture, frame])
    gr.on([dataset.change], manifold_view, [dataset], grid)
    gr.on(None, manifold_view, [dataset], grid)


def compare_section(dataset) -> None:
    gr.Markdown("## Auto-encoder vs VAE vs PCA vs U-Net\nThe same 4 numbers per image: the "
                "auto-encoder and the VAE learn a curved summary, **PCA** the best linear "
                "one (4 principal components of the same training images). Under each "
                f"image: its mean squared error per pixel.\n\n{SKIPS_SENTENCE}")  # fmt: skip
    with gr.Row():
        index = Slider(0, 1999, value=0, step=1, label="first image: test image #",
                          elem_id="latent-compare-index")  # fmt: skip
        use_drawing = gr.Checkbox(False, label="use my drawing instead",
                                  elem_id="latent-compare-drawn")  # fmt: skip
    sketch = gr.Sketchpad(
        label="draw a digit", canvas_size=(CANVAS, CANVAS), type="numpy", image_mode="RGBA",
        sources=(), elem_id="latent-compare-sketch", layers=False, transforms=(),
        brush=gr.Brush(default_size=22, colors=["#000000"], color_mode="fixed"),
    )  # fmt: skip
    figure = figure_image("reconstructions and their errors", elem_id="latent-compare")
    inputs = [dataset, index, sketch, use_drawing]
    gr.on([index.release, sketch.change, use_drawing.change, dataset.change], compare_view,
          inputs, figure, trigger_mode="always_last")  # fmt: skip
    gr.on(None, compare_view, inputs, figure)


def generate_section(dataset) -> None:
    gr.Markdown("## New images from new numbers\nDraw new latent numbers and decode them. "
                "For the auto-encoder they come from a Gaussian fitted to its training "
                "latents: parts of that cloud were never used, and decode to broken shapes. "
                "The VAE was trained (the KL term) so that its latents follow its prior, here "
                f"a mixture of {VAE_PRIOR} Gaussians learned with it: samples from the prior "
                "decode to plausible images more often.")  # fmt: skip
    seed = gr.State(0)
    button = gr.Button("generate", variant="primary", elem_id="latent-generate")
    figure = figure_image("auto-encoder vs VAE samples", elem_id="latent-samples")
    button.click(generate_view, [dataset, seed], [figure, seed])


def build() -> None:
    chapter_header(9, "Latent space", LEAD)
    dataset = gr.Radio(list(DATASETS), value="MNIST digits", label="data",
                       elem_id="latent-dataset")  # fmt: skip
    start_index = Slider(0, 1999, value=0, step=1, label="test image #", render=False,
                            elem_id="latent-start-index")  # fmt: skip
    sliders_section(dataset, start_index)
    interpolation_section(dataset)
    map_section(dataset)
    compare_section(dataset)
    generate_section(dataset)


SUMMARY = (
    "Move 4 latent numbers and watch a digit morph; interpolate between two digits; "
    "click the latent map; compare auto-encoder, VAE, PCA and U-Net; generate."
)
CHAPTER = Chapter(9, "Latent space", "latent", SUMMARY, build)
