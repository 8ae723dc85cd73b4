"""Words as the prompt (after chapter 10): a sentence draws a scene; where each word was looked at.

Generate is a generator: every sampling step reaches the browser as it is computed (it waits
in the heavy queue); at the end each word's attention map is drawn. The model loads on first
use. Bad words are not a red error: the status line lists the words the model knows.
"""

from __future__ import annotations

import functools

import gradio as gr
import numpy as np

from neuralens.data.captioned_scenes import VOCABULARY
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import chapter_header, figure_image, read_number, show

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
        yield None, None, f"**Cannot draw this:** {error}", None
        return
    note = f"{EMPTY_PROMPT} " if not prompt.strip() else ""
    recorder = AttentionRecorder(model)
    for frame in scene_frames(recorder, schedule, [prompt], steps, guidance, seed):
        status = f"{note}step {frame.index + 1} of {steps} (t = {frame.t})"
        yield enlarge(frame.x[0]), enlarge(frame.x0_hat[0]), status, gr.update()
    if not prompt.strip() or guidance == 0:
        why = "the prompt is empty" if not prompt.strip() else "guidance 0 ignores the words"
        yield gr.update(), gr.update(), f"{status}; no attention maps: {why}", None
        return
    figure = attention_figure(recorder, prompt, frame.x[0])
    yield gr.update(), gr.update(), f"{status}; the scene is done", figure


def generate_section() -> None:
    gr.Markdown("## Draw a scene from a sentence\n" + GUIDANCE_TEXT)
    prompt = gr.Textbox(EXAMPLE, label="the prompt (a sentence)", elem_id="words-prompt")
    with gr.Row():
        guidance = gr.Slider(0, 7, value=3, step=0.5, label="guidance s", elem_id="words-guidance")
        steps = gr.Slider(1, 100, value=25, step=1, label="DDIM steps", elem_id="words-steps")
        seed = gr.Number(0, precision=0, label="seed", elem_id="words-seed")
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
    button.click(generate, inputs, [x_t, x0_hat, status, attention])
    prompt.submit(generate, inputs, [x_t, x0_hat, status, attention])


def build() -> None:
    chapter_header(10, "Words as the prompt", LEAD)
    generate_section()
    # the edit panel (keep an object, repaint the rest from a new sentence) goes here, on
    # studies/scene_edit.py's edit_by_words


SUMMARY = ("Type a sentence and watch a scene emerge from noise; see which pixels looked at "
           "which word.")  # fmt: skip
CHAPTER = Chapter(10, "Words as the prompt", "words", SUMMARY, build)
