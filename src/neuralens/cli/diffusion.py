"""`neuralens generate`, `neuralens inpaint` and `neuralens train diffusion` (thin commands).

`generate` draws digits (``--digit``, the diffusion chapter's model) or scenes from sentences
(``--prompt``, the text-to-image model: words as the prompt). Every bad input (unknown digit,
a word the model does not know, steps out of range, negative guidance, a mask that does not
fit the image, a picture that is not digit-sized, an unknown output type, an existing output
without ``--overwrite``) is a ``ValueError`` raised before anything is written: one line on
stderr, exit code 2.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated

import typer

OUTPUTS = (".png", ".npz")

Digit = Annotated[int, typer.Option(help="The prompt: which digit to draw (0-9).")]
Steps = Annotated[int, typer.Option(help="DDIM steps, 1 .. the schedule's T (1000).")]
Guidance = Annotated[
    float, typer.Option(help="Classifier-free guidance scale (0: ignore the prompt; 1: plain).")
]
Seed = Annotated[int, typer.Option(help="Seed of the starting noise.")]
Out = Annotated[
    Path | None,
    typer.Option(help="FILE.png (a grid) or FILE.npz (images uint8, labels or prompts)."),
]
Weights = Annotated[
    Path | None,
    typer.Option(help="A .safetensors from `neuralens train` (default: the shipped model)."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _check_out(out: Path | None) -> None:
    if out is not None and out.suffix.lower() not in OUTPUTS:
        raise ValueError(f"--out must end in .png or .npz, got {out.name!r}")


def _save(out: Path, images, digit: int) -> None:
    """A PNG grid or an npz of ``images`` uint8 (N, 28, 28) and their requested labels."""
    import numpy as np

    from neuralens.checkpoints import write_atomic
    from neuralens.studies.digit_diffusion import tile

    buffer = io.BytesIO()
    if out.suffix.lower() == ".npz":
        labels = np.full(len(images), digit, dtype=np.int64)
        np.savez_compressed(buffer, images=images, labels=labels)
    else:
        from PIL import Image

        Image.fromarray(tile(images)).save(buffer, format="PNG")
    write_atomic(out, buffer.getvalue())


def _load_model(weights: Path | None):
    from neuralens.tasks.denoise import load_diffusion

    return load_diffusion(weights)


def _read_picture(path: Path, what: str):
    """A picture file (PNG, JPEG, ... or .npy) as an array; a clear error when it is not one."""
    import numpy as np

    if not path.is_file():
        raise ValueError(f"{what} {path} does not exist")
    if path.suffix.lower() == ".npy":
        return np.load(path, allow_pickle=False)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as picture:
            return np.asarray(picture.convert("RGBA") if picture.mode == "P" else picture)
    except UnidentifiedImageError:
        raise ValueError(f"{what} {path} is not a picture (PNG, JPEG, ... or .npy)") from None


def _report(kind: str, images, digit: int, out: Path | None, as_json: bool, **numbers) -> None:
    summary = {"command": kind, "digit": digit, "n": len(images), **numbers,
               "out": None if out is None else str(out)}  # fmt: skip
    if as_json:
        typer.echo(json.dumps(summary))
    elif out is not None:
        typer.echo(f"wrote {len(images)} pictures of digit {digit} to {out}")
    else:
        typer.echo(f"drew {len(images)} pictures of digit {digit} (pass --out to save them)")


def _check_prompt(digit: int | None, prompts: list[str] | None) -> None:
    if (digit is None) == (prompts is None):
        raise ValueError("say what to draw with exactly one of --digit N (a digit model) or "
                         "--prompt SENTENCE (the text-to-image model)")  # fmt: skip


def _check_free(out: Path | None, overwrite: bool) -> None:
    if out is not None and out.exists() and not overwrite:
        raise ValueError(f"{out} exists: pass --overwrite to replace it")


def generate(
    digit: Annotated[
        int | None, typer.Option(help="The prompt of the digit model: a digit 0-9.")
    ] = None,
    prompt: Annotated[
        list[str] | None,
        typer.Option(help='A sentence for the text-to-image model ("" = any scene); repeatable.'),
    ] = None,
    n: Annotated[int, typer.Option(help="How many pictures (per prompt).")] = 16,
    steps: Annotated[
        int | None, typer.Option(help="DDIM steps, 1 .. T (default: 20 for digits, 50 for words).")
    ] = None,
    guidance: Guidance = 3.0,
    seed: Seed = 0,
    out: Out = None,
    weights: Weights = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
    figures: Annotated[
        Path | None,
        typer.Option(
            help="A folder for figures: digits: the chapter's six; words: "
            "scenes.png (judged) and attention.png."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Draw digits (--digit) or scenes from sentences (--prompt) from noise: DDIM with
    classifier-free guidance."""
    _check_prompt(digit, prompt)
    _check_out(out)
    if prompt is not None:
        steps = 50 if steps is None else steps
        _generate_scenes(prompt, n, steps, guidance, seed, out, weights, overwrite,
                         figures, as_json)  # fmt: skip
        return
    from neuralens import diffusion
    from neuralens.studies import digit_diffusion as study

    study.check_digit(digit)
    model, schedule = _load_model(weights)
    steps = 20 if steps is None else steps
    diffusion.check_sampling(steps, guidance, schedule, "ddim")
    _check_free(out, overwrite)
    if figures is not None:
        from neuralens.cli.digit_figures import FIGURE_NAMES

        for name in FIGURE_NAMES:
            _check_free(figures / name, overwrite)
    images = study.generate(model, schedule, digit, n=n, steps=steps, guidance=guidance, seed=seed)
    if out is not None:
        _save(out, images, digit)
    _report("generate", images, digit, out, as_json, steps=steps, guidance=guidance, seed=seed)
    if figures is not None:
        from neuralens.cli.digit_figures import write_digit_figures

        for path in write_digit_figures(figures, model, schedule, digit, steps, guidance, seed):
            typer.echo(f"wrote {path}", err=as_json)


def _generate_scenes(prompts: list[str], n: int, steps: int, guidance: float, seed: int,
                     out: Path | None, weights: Path | None, overwrite: bool,
                     figures: Path | None, as_json: bool) -> None:  # fmt: skip
    """`generate --prompt`: n scenes per sentence from the text-to-image model."""
    from neuralens import diffusion
    from neuralens.studies import words_as_prompts as study
    from neuralens.tasks.text_to_image import load_text_to_image

    if n < 1:
        raise ValueError(f"--n must be at least 1, got {n}")
    model, schedule = load_text_to_image(weights)
    for sentence in prompts:
        model.tokenizer.words(sentence)  # unknown or too many words: the vocabulary error
        if not sentence.strip():
            typer.echo("an empty prompt: the unconditional model draws any scene", err=True)
    diffusion.check_sampling(steps, guidance, schedule, "ddim")
    _check_free(out, overwrite)
    repeated = [sentence for sentence in prompts for _ in range(n)]  # n per prompt, in rows
    images = study.draw_scenes(model, schedule, repeated, steps=steps, guidance=guidance,
                               seed=seed)  # fmt: skip
    if out is not None:
        _save_scenes(out, images, repeated, columns=n)
    summary = {"command": "generate", "prompts": prompts, "n": len(images), "steps": steps,
               "guidance": guidance, "seed": seed,
               "out": None if out is None else str(out)}  # fmt: skip
    if figures is not None:
        summary["figures"] = _scene_figures(figures, model, schedule, images, repeated, steps,
                                            guidance, seed, columns=n)  # fmt: skip
    if as_json:
        typer.echo(json.dumps(summary))
        return
    where = f"wrote them to {out}" if out is not None else "pass --out to save them"
    typer.echo(f"drew {len(images)} scenes from {len(prompts)} prompt(s) ({where})")
    for path in summary.get("figures", []):
        typer.echo(f"wrote {path}")


def _save_scenes(out: Path, images, prompts: list[str], columns: int) -> None:
    """A PNG grid (one row per prompt) or an npz of ``images`` uint8 (N, H, W, 3) and
    ``prompts`` (N,) strings."""
    import numpy as np

    from neuralens.checkpoints import write_atomic
    from neuralens.studies.digit_diffusion import tile

    buffer = io.BytesIO()
    if out.suffix.lower() == ".npz":
        np.savez_compressed(buffer, images=images, prompts=np.array(prompts, dtype=str))
    else:
        from PIL import Image

        grid = np.stack([tile(images[..., c], columns) for c in range(3)], axis=-1)
        Image.fromarray(grid).save(buffer, format="PNG")
    write_atomic(out, buffer.getvalue())


def _scene_figures(folder: Path, model, schedule, images, prompts: list[str], steps: int,
                   guidance: float, seed: int, columns: int) -> list[str]:  # fmt: skip
    """scenes.png: the scenes with their prompts (a row per prompt, up to 8 columns), green
    where the attribute judge agrees; attention.png: the first prompt's scene and where its
    pixels looked at each word."""
    from neuralens import checkpoints, plots
    from neuralens.plots.captions import plot_captioned_scenes, plot_word_attention
    from neuralens.studies import words_as_prompts as study

    marks = None  # an empty prompt asks for any scene: nothing to judge
    if all(prompt.strip() for prompt in prompts):
        judge = checkpoints.load_shipped("attributes")
        marks = study.prompt_match_rate(judge, images, prompts)[1]
    grid = plot_captioned_scenes(images, prompts, columns=min(columns, 8), marks=marks)
    paths = [plots.save(grid, folder / "scenes.png")]
    if prompts[0].strip():
        seen = study.word_attention(model, schedule, prompts[0], steps, guidance, seed)
        figure = plot_word_attention(seen.image, seen.words, seen.maps)
        paths.append(plots.save(figure, folder / "attention.png"))
    return [str(path) for path in paths]


def inpaint(
    image: Annotated[Path, typer.Option(help="The picture to edit (PNG, JPEG or .npy).")],
    mask: Annotated[
        Path, typer.Option(help="Same size as the image; white = regenerate, black = keep.")
    ],
    digit: Digit = 3,
    n: Annotated[int, typer.Option(help="How many results.")] = 8,
    steps: Steps = 20,
    guidance: Guidance = 3.0,
    seed: Seed = 0,
    resample: Annotated[int, typer.Option(help="RePaint resampling jumps per step.")] = 1,
    out: Out = None,
    weights: Weights = None,
    as_json: JsonFlag = False,
) -> None:
    """Repaint the masked part of a digit picture as the prompt digit; keep the rest exactly.

    The picture is made digit-sized by one rule: colour -> gray (mean of channels), dark
    ink on light paper is inverted (MNIST digits are light on black), resized to 28x28.
    """
    from neuralens.studies import digit_diffusion as study

    _check_out(out)
    study.check_digit(digit)
    picture = _read_picture(image, "image")
    known = study.prepare_digit_image(picture)
    regenerate = study.prepare_mask(_read_picture(mask, "mask"), picture.shape)
    model, schedule = _load_model(weights)
    images = study.generate(model, schedule, digit, n=n, steps=steps, guidance=guidance, seed=seed,
                  known=known, regenerate=regenerate, resample=resample)  # fmt: skip
    if out is not None:
        _save(out, images, digit)
    _report("inpaint", images, digit, out, as_json, steps=steps, guidance=guidance, seed=seed,
            regenerated_pixels=int(regenerate.sum()))  # fmt: skip


def train_diffusion(data: str, epochs: int | None, seed: int, device: str, out: Path,
                    train_limit: int | None, dry_run: bool, as_json: bool) -> None:  # fmt: skip
    """`neuralens train diffusion`: the denoise task's recipe on ``data``; writes
    ``out/diffusion.safetensors`` (with its noise schedule) unless ``dry_run``."""
    from dataclasses import replace

    from neuralens.tasks import denoise

    recipe = denoise.TASK.recipe.train
    config = replace(recipe, num_epochs=1 if dry_run else epochs or recipe.num_epochs, seed=seed,
                     device=device, progress=not as_json)  # fmt: skip
    limit = recipe.batch_size if dry_run else train_limit
    weights = None if dry_run else out / "diffusion.safetensors"
    _, summary = denoise.train_diffusion(data, config, weights, limit)
    if as_json:
        typer.echo(json.dumps(summary))
        return
    typer.echo(f"diffusion on {data}: eval loss {summary['eval_loss']:.4f} after "
               f"{summary['steps']} steps ({summary['train_time']:.1f} s of training)")  # fmt: skip
    if "weights" in summary:
        typer.echo(f"wrote {summary['weights']}")


def register(app: typer.Typer) -> None:
    """Add `generate` and `inpaint` to the `neuralens` app."""
    app.command()(generate)
    app.command()(inpaint)
