"""`neuralens edit`: edit a captioned scene by words (thin: parse -> scene_edit -> save).

"Keep the disk, make the background sand": ``neuralens edit --image scene.png --keep disk
--prompt "a small red disk on the left on sand" --out edited.png``. "Turn the red disk
blue": ``--regenerate "red disk" --prompt "a small blue disk on the left on sand"``.

Every bad input (a picture that is not a square scene, words the generator does not use, an
object the scene does not hold, an output that exists without ``--overwrite``) is a
``ValueError`` raised before anything is written: one line on stderr, exit code 2.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Annotated

import typer

from neuralens.cli.diffusion import Guidance, JsonFlag, Seed, Steps, _read_picture


def _check_out(out: Path | None, overwrite: bool) -> None:
    if out is None:
        return
    if out.suffix.lower() != ".png":
        raise ValueError(f"--out must end in .png, got {out.name!r}")
    if out.exists() and not overwrite:
        raise ValueError(f"{out} exists; pass --overwrite to replace it")


def _save_png(out: Path, scene) -> None:
    from PIL import Image

    from neuralens.checkpoints import write_atomic

    buffer = io.BytesIO()
    Image.fromarray(scene).save(buffer, format="PNG")
    write_atomic(out, buffer.getvalue())


def edit(
    image: Annotated[Path, typer.Option(help="The scene to edit (PNG, JPEG or .npy), square.")],
    prompt: Annotated[
        str, typer.Option(help="The new sentence for the whole scene (empty: unconditional).")
    ],
    keep: Annotated[
        str | None, typer.Option(help="What stays exactly: 'disk', 'the red disk', 'background'.")
    ] = None,
    regenerate: Annotated[
        str | None, typer.Option(help="Instead of --keep: what is redrawn ('red disk').")
    ] = None,
    steps: Steps = 50,
    guidance: Guidance = 3.0,
    seed: Seed = 0,
    resample: Annotated[int, typer.Option(help="RePaint resampling jumps per step.")] = 1,
    out: Annotated[Path | None, typer.Option(help="FILE.png: the edited scene.")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace --out if it exists.")] = False,
    weights: Annotated[
        Path | None, typer.Option(help="Text-to-image .safetensors (default: shipped).")
    ] = None,
    segmenter: Annotated[
        Path | None, typer.Option(help="vision-tasks U-Net .safetensors (default: shipped).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Edit a scene by words: keep the named objects exactly, repaint the rest under --prompt."""
    from neuralens.studies import scene_edit
    from neuralens.studies.words_as_prompts import edit_frames
    from neuralens.tasks.text_to_image import load_text_to_image

    _check_out(out, overwrite)
    if (keep is None) == (regenerate is None):
        raise ValueError("give --keep (what stays) or --regenerate (what is redrawn), one of them")
    scene_edit.read_names(keep if keep is not None else regenerate)  # unknown words: fail early
    model, schedule = load_text_to_image(weights)
    model.tokenizer([prompt])  # unknown words or too long a prompt: fail before sampling
    scene = scene_edit.prepare_scene(_read_picture(image, "image"), model.config.image_size)
    plan = scene_edit.plan_edit(scene_edit.load_segmenter(segmenter), scene, keep, regenerate)
    *_, last = edit_frames(model, schedule, scene, plan.keep, prompt, steps, guidance, seed,
                           resample)  # fmt: skip
    if out is not None:
        _save_png(out, last.x[0])
    kept, redrawn = plan.summary()
    note = "; ".join(filter(None, [plan.note, scene_edit.prompt_check(plan, prompt)]))
    summary = {"command": "edit", "prompt": prompt, "kept": kept, "repainted": redrawn,
               "kept_pixels": int(plan.keep.sum()), "note": note, "steps": steps,
               "guidance": guidance, "seed": seed,
               "out": None if out is None else str(out)}  # fmt: skip
    _report(summary, as_json)


def _report(summary: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary))
        return
    typer.echo(f"kept exactly: {summary['kept']} ({summary['kept_pixels']} pixels)")
    typer.echo(f"repainted under {summary['prompt']!r}: {summary['repainted']}")
    if not summary["prompt"].strip():
        typer.echo("an empty prompt: the unconditional model painted the rest")
    if summary["note"]:
        typer.echo(f"note: {summary['note']}")
    typer.echo(f"wrote {summary['out']}" if summary["out"] else "pass --out FILE.png to save it")


def register(app: typer.Typer) -> None:
    """Add `edit` to the `neuralens` app."""
    app.command()(edit)
