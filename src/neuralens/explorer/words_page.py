"""Words as the prompt (after chapter 10): a sentence draws a scene; where each word was looked at.

Generate and Edit are generators: every sampling step reaches the browser as it is computed
(they wait in the heavy queue); at the end of Generate each word's attention map is drawn.
The models load on first use. Bad words are not a red error: the status line lists the words
the model knows, or, for an edit, what the scene shows.
"""

from __future__ import annotations

import functools

import gradio as gr
import numpy as np

from neuralens.data.captioned_scenes import VOCABULARY
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import (
    chapter_header,
    figure_image,
    on_page_load,
    read_number,
    sampling_controls,
    show,
)

LEAD = (
    "The diffusion chapter's U-Net drew the digit it was asked for; here it reads a "
    "**sentence**. Each word becomes a vector (an **embedding**, learned), a small transformer "
    "lets the words see each other, and at the two coarsest resolutions of the U-Net every "
    "pixel **attends to the words**: it mixes their vectors, weighted by how well each word "
    "answers its query (cross-attention). Everything was trained here, on small captioned "
    "scenes, with no downloaded weights."
)
GUIDANCE_TEXT = (
    "**Guidance** s mixes the predictions with and without the sentence: "
    "eps = eps_none + s (eps_words - eps_none). s = 0 ignores the words."
)
EXAMPLE = "a small red disk on the left on grass"
SCALE = 8  # screen pixels per image pixel
EDIT_EXAMPLE = "a small white disk on the right and a large red square on the left on grass"
RANDOM, DRAWN = "a random scene", "the scene drawn above"
EMPTY_PROMPT = (
    "An empty prompt: no words to follow, so the model draws **any scene** (the "
    "unconditional model that guidance pushes away from)."
)


@functools.lru_cache(maxsize=1)
def shipped_model():
    """The shipped text-to-image model and its noise schedule, loaded once, on first use."""
    from neuralens.tasks.text_to_image import load_text_to_image
    from neuralens.weights import SHIPPED

    if "text-to-image" not in SHIPPED:
        raise ValueError("the text-to-image model is not shipped in this installation; train one "
                         "with `neuralens train text-to-image`")  # fmt: skip
    model, schedule = load_text_to_image()
    return model.eval(), schedule


def enlarge(picture: np.ndarray) -> np.ndarray:
    """uint8 (H, W, 3) -> uint8 (SCALE H, SCALE W, 3): each pixel a visible square."""
    return np.kron(np.asarray(picture, dtype=np.uint8), np.ones((SCALE, SCALE, 1), np.uint8))


def known_words() -> str:
    """The vocabulary, as the page lists it."""
    return "**Words the model knows:** " + " ".join(f"`{word}`" for word in VOCABULARY)


def read_inputs(prompt, guidance, steps, seed) -> tuple[str, float, int, int]:
    """The controls as a sentence and numbers; a ValueError (in plain words) for a bad one."""
    prompt = prompt or ""
    numbers = (read_number(guidance, "guidance", 0, 20), int(read_number(steps, "steps", 1, 1000)),
               int(read_number(seed, "seed", 0, 2**31 - 1)))  # fmt: skip
    return prompt, *numbers


def attention_figure(recorder, prompt: str, scene: np.ndarray) -> np.ndarray:
    """Each word's attention map over the scene, averaged over heads, blocks and steps."""
    from neuralens.plots.captions import plot_word_attention
    from neuralens.studies.words_as_prompts import attention_of

    seen = attention_of(recorder, prompt, scene)
    return show(plot_word_attention(seen.image, seen.words, seen.maps))


def generate(prompt, guidance, steps, seed):
    """Stream each step (x_t, x0_hat, a status line); then the words' attention maps."""
    from neuralens.studies.words_as_prompts import AttentionRecorder, scene_frames

    try:
        prompt, guidance, steps, seed = read_inputs(prompt, guidance, steps, seed)
        model, schedule = shipped_model()
        model.tokenizer.words(prompt)  # unknown or too many words: a ValueError listing them
    except (ValueError, OSError) as error:
        yield None, None, f"**Cannot draw this:** {error}", None, gr.update()
        return
    note = f"{EMPTY_PROMPT} " if not prompt.strip() else ""
    recorder = AttentionRecorder(model)
    for frame in scene_frames(recorder, schedule, [prompt], steps, guidance, seed):
        status = f"{note}step {frame.index + 1} of {steps} (t = {frame.t})"
        yield enlarge(frame.x[0]), enlarge(frame.x0_hat[0]), status, gr.update(), gr.update()
    scene = frame.x[0]  # the last step's x: the drawn scene, kept for the edit panel
    if not prompt.strip() or guidance == 0:
        why = "the prompt is empty" if not prompt.strip() else "guidance 0 ignores the words"
        yield gr.update(), gr.update(), f"{status}; no attention maps: {why}", None, scene
        return
    figure = attention_figure(recorder, prompt, scene)
    yield gr.update(), gr.update(), f"{status}; the scene is done", figure, scene


def generate_section(scene: gr.State) -> None:
    gr.Markdown("## Draw a scene from a sentence\n" + GUIDANCE_TEXT)
    prompt = gr.Textbox(EXAMPLE, label="the prompt (a sentence)", elem_id="words-prompt")
    with gr.Row():
        guidance, steps, seed = sampling_controls("words", steps=25)
    button = gr.Button("Generate", variant="primary", elem_id="words-generate")
    status = gr.Markdown(elem_id="words-status")
    with gr.Row():
        x_t = gr.Image(label="x_t (the scene being denoised)", interactive=False, format="png",
                       elem_id="words-xt")  # fmt: skip
        x0_hat = gr.Image(label="x0_hat (the clean scene the network predicts)",
                          interactive=False, format="png", elem_id="words-x0")  # fmt: skip
    attention = figure_image("where the pixels looked at each word (all steps, heads, blocks)",
                             elem_id="words-attention")  # fmt: skip
    gr.Markdown(known_words(), elem_id="words-vocabulary")
    inputs = [prompt, guidance, steps, seed]
    outputs = [x_t, x0_hat, status, attention, scene]
    button.click(generate, inputs, outputs)
    prompt.submit(generate, inputs, outputs)


@functools.lru_cache(maxsize=1)
def shipped_segmenter():
    """The vision-tasks U-Net trained on captioned scenes (it finds the objects to keep)."""
    from neuralens.studies.scene_edit import load_segmenter

    return load_segmenter()


def random_scene(index) -> tuple[np.ndarray, str]:
    """Captioned scene number ``index`` (a seed): uint8 (32, 32, 3) and its caption."""
    from neuralens.data.captioned_scenes import make_captioned_scenes

    data = make_captioned_scenes(1, seed=int(read_number(index, "scene number", 0, 10**6)),
                                 paraphrase=False)  # fmt: skip
    return data.images[0], data.captions[0]


def pick_scene(source: str, index, drawn) -> np.ndarray:
    """The scene to edit: a random one, or the last one drawn above (a ValueError if none)."""
    if source == DRAWN:
        if drawn is None:
            raise ValueError("draw a scene above first (or pick a random scene)")
        return np.asarray(drawn, dtype=np.uint8)
    return random_scene(index)[0]


def preview(source: str, index, drawn):
    """The scene to edit and what the segmenter finds in it, in words."""
    from neuralens.studies.scene_edit import find_objects, scene_words

    try:
        image = pick_scene(source, index, drawn)
        found = scene_words(find_objects(shipped_segmenter(), image))
    except (ValueError, OSError) as error:
        return None, f"**Cannot show this scene:** {error}"
    caption = f" (its caption: *{random_scene(index)[1]}*)" if source != DRAWN else ""
    return enlarge(image), f"The segmenter finds: {found}.{caption}"


def edit(source: str, index, drawn, keep: str, prompt: str, guidance, steps, seed):
    """Stream an edit: the kept pixels, then each step of the repainting; kept pixels exact."""
    from neuralens.studies.scene_edit import plan_edit
    from neuralens.studies.words_as_prompts import edit_frames

    try:
        prompt, guidance, steps, seed = read_inputs(prompt, guidance, steps, seed)
        image = pick_scene(source, index, drawn)
        model, schedule = shipped_model()
        model.tokenizer.words(prompt)
        plan = plan_edit(shipped_segmenter(), image, keep=keep or "")
    except (ValueError, OSError) as error:
        yield gr.update(), None, None, f"**Cannot edit this:** {error}"
        return
    kept, repainted = plan.summary()
    told = f"Keeps {kept}; repaints {repainted}." + (f" ({plan.note})" if plan.note else "")
    mask = enlarge(np.where(plan.keep[..., None], image, 255).astype(np.uint8))
    for frame in edit_frames(model, schedule, image, plan.keep, prompt, steps, guidance, seed):
        status = f"{told} Step {frame.index + 1} of {steps}."
        yield enlarge(image), mask, enlarge(frame.x[0]), status
    yield gr.update(), gr.update(), gr.update(), f"{status} Done: the kept pixels are unchanged."


def edit_section(drawn: gr.State) -> None:
    gr.Markdown(
        "## Edit a scene by words\n"
        'The vision-tasks U-Net finds the objects; the words say which to keep ("the disk", '
        '"red disk", "square and triangle", "background"). The kept pixels are put back '
        "after every step, so only the rest is drawn anew under the new sentence, and drawn "
        "to fit (inpainting)."
    )
    with gr.Row():
        source = gr.Radio([RANDOM, DRAWN], value=RANDOM, label="scene to edit",
                          elem_id="words-edit-source")  # fmt: skip
        index = gr.Number(1, precision=0, label="random scene number", elem_id="words-edit-index")
    found = gr.Markdown(elem_id="words-edit-found")
    with gr.Row():
        keep = gr.Textbox("the disk", label="keep (objects or background)",
                          elem_id="words-edit-keep")  # fmt: skip
        prompt = gr.Textbox(EDIT_EXAMPLE, label="the new sentence",
                            elem_id="words-edit-prompt")  # fmt: skip
    with gr.Row():
        guidance, steps, seed = sampling_controls("words-edit", steps=25)
    button = gr.Button("Edit", variant="primary", elem_id="words-edit-run")
    status = gr.Markdown(elem_id="words-edit-status")
    with gr.Row():
        original = gr.Image(label="the scene", interactive=False, format="png",
                            elem_id="words-edit-original")  # fmt: skip
        kept = gr.Image(label="kept pixels (white: repainted)", interactive=False, format="png",
                        elem_id="words-edit-mask")  # fmt: skip
        result = gr.Image(label="the edit", interactive=False, format="png",
                          elem_id="words-edit-result")  # fmt: skip
    for control in (source, index):
        control.change(preview, [source, index, drawn], [original, found])
    on_page_load(preview, [source, index, drawn], [original, found])
    button.click(edit, [source, index, drawn, keep, prompt, guidance, steps, seed],
                 [original, kept, result, status])  # fmt: skip


def build() -> None:
    chapter_header(10, "Words as the prompt", LEAD)
    drawn = gr.State(None)  # the last scene drawn from a sentence, uint8 (H, W, 3)
    generate_section(drawn)
    edit_section(drawn)


SUMMARY = ("Type a sentence and watch a scene emerge from noise; see which pixels looked at "
           "which word; keep an object and repaint the rest from a new sentence.")  # fmt: skip
CHAPTER = Chapter(10, "Words as the prompt", "words", SUMMARY, build)
