"""Editing by words: "keep the disk, make the background sand"; "turn the red disk blue".

The lecture's model-outputs slide ends on an edited picture: keep the cat, repaint the rest
as an island. Here the same edit is built from parts the learner has met: the vision-tasks
U-Net (trained on captioned scenes, ``unet-captioned-scenes``) *segments* the scene into
objects (instances, chapter 1), words pick which objects stay (:func:`plan_edit`), and the
text-conditioned diffusion model *inpaints* everything else under the new sentence
(``words_as_prompts.edit_frames``, RePaint): the kept pixels come back bit for bit.

Each object the segmenter finds is named with the generator's words (:func:`find_objects`):
its shape is the segmenter's class, its mask is completed by colour (:func:`refine_mask`), its
colour is the generator colour nearest to the mask's median pixel, and its size and place
follow from its box. The words to keep
(or to regenerate) are read like a caption (``parse_caption``: "the red disk", "square and
triangle", "circle" for "disk"); "background" (or a background's name, "the grass") names
everything that is not an object. When several objects fit one name ("the disk" in a scene
with two disks) all of them are taken and the plan's ``note`` says so; to pick one, add its
colour, size or place ("the disk on the left").

:func:`edit_benchmark` measures the whole chain: scenes from a seed nobody trained on, an
instruction each, the judge (``models/attributes.py``) reading the edited scene against the
new sentence, and the largest change of a kept pixel (it must be 0).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from neuralens import diffusion
from neuralens.data.captioned_scenes import (
    BACKGROUNDS,
    CLASHES,
    COLOUR_RGB,
    COLOURS,
    LARGE_SIDE,
    OFFSET,
    POSITION_PHRASES,
    POSITIONS,
    SHAPE_WORDS,
    SHAPES,
    SIZE_WORDS,
    SMALL_SIDE,
    VOCABULARY,
    SceneAttributes,
    describe,
    make_captioned_scenes,
    parse_caption,
)
from neuralens.studies.words_as_prompts import (
    SceneFrame,
    edit_frames,
    prompt_match_rate,
    scene_frames,
)
from neuralens.tasks.vision import BOX_SCORE, float_images, predict, read_outputs

SEGMENTER = "unet-captioned-scenes"  # the shipped segmenter of captioned scenes
MARGIN = 1  # pixels a regenerated object's mask grows by: no fringe of its old colour stays
BACKGROUND_WORDS = ("background", *BACKGROUNDS)
# words that describe an object before its shape word (size, colour)
_BEFORE_SHAPE = {*COLOURS, *(word for words in SIZE_WORDS.values() for word in words)}
_SHAPE_WORDS = {word for words in SHAPE_WORDS.values() for word in words}


@dataclass(eq=False)  # objects are equal only to themselves (masks are arrays)
class SceneObject:
    """One object the segmenter found, named with the generator's words; mask bool (H, W)."""

    shape: str
    colour: str
    size: str
    position: str
    mask: np.ndarray

    def words(self) -> str:
        """E.g. ``"a small red disk on the left"``."""
        return f"a {self.size} {self.colour} {self.shape} {POSITION_PHRASES[self.position][0]}"

    def attributes(self) -> dict[str, str]:
        return {"shape": self.shape, "colour": self.colour, "size": self.size,
                "position": self.position}  # fmt: skip

    def fits(self, named: dict[str, str]) -> bool:
        """Whether the object has every attribute ``named`` gives (e.g. ``{"shape": "disk"}``)."""
        return named.items() <= self.attributes().items()


@dataclass
class EditPlan:
    """What an edit keeps: ``keep`` bool (H, W), the objects kept and regenerated, whether the
    background is kept, and a note (e.g. a name that fitted several objects)."""

    keep: np.ndarray
    kept: list[SceneObject]
    regenerated: list[SceneObject]
    background_kept: bool
    note: str

    def summary(self) -> tuple[str, str]:
        """(what is kept, what is repainted), in words."""
        background = ["the background"]
        kept = [o.words() for o in self.kept] + background * self.background_kept
        redrawn = [o.words() for o in self.regenerated] + background * (not self.background_kept)
        return ", ".join(kept) or "nothing", ", ".join(redrawn) or "nothing"


def load_segmenter(path=None) -> nn.Module:
    """The vision-tasks U-Net trained on captioned scenes (shipped when ``path`` is None)."""
    from neuralens.checkpoints import CheckpointError, load_model, shipped_path

    if path is None:
        path = shipped_path(SEGMENTER)
        if not path.exists():
            raise CheckpointError(f"shipped weights {path} are missing; run `make weights`")
    return load_model(path, expected="unet", task="vision-tasks")


def _check_image(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"a scene is a uint8 (H, W, 3) RGB picture, got {image.dtype} "
                         f"{image.shape}")  # fmt: skip
    return image


def prepare_scene(picture: np.ndarray, size: int = 32) -> np.ndarray:
    """Any square picture -> a uint8 (size, size, 3) RGB scene to edit.

    Gray (H, W) is repeated into three channels; an alpha channel is dropped; floats are
    read as [0, 1]. A square picture of another side is resized (box filter when shrinking,
    nearest pixel when growing, so a scene drawn at twice the size comes back exactly).
    A picture that is not square, or smaller than 8x8, is refused: resizing it would bend
    the shapes the segmenter has to find.

    >>> prepare_scene(np.zeros((64, 64), dtype=np.uint8)).shape
    (32, 32, 3)
    """
    from PIL import Image

    array = np.asarray(picture)
    if array.dtype.kind == "f":
        array = (np.clip(array, 0, 1) * 255).round()
    if array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=2)
    if array.ndim != 3 or array.shape[2] not in (3, 4) or array.dtype.kind not in "uif":
        raise ValueError(f"a scene is a gray (H, W) or colour (H, W, 3/4) picture, got "
                         f"{array.dtype} {tuple(array.shape)}")  # fmt: skip
    height, width = array.shape[:2]
    if height != width or height < 8:
        raise ValueError(f"a scene is a square picture of at least 8x8 pixels (resized to "
                         f"{size}x{size}); got {height}x{width}")  # fmt: skip
    rgb = np.clip(array[..., :3], 0, 255).astype(np.uint8)
    if height == size:
        return rgb
    resample = Image.Resampling.BOX if height > size else Image.Resampling.NEAREST
    return np.array(Image.fromarray(rgb).resize((size, size), resample))  # a writable copy


def _nearest(value: float, centres: dict[str, float]) -> str:
    return min(centres, key=lambda name: abs(centres[name] - value))


def name_object(image: np.ndarray, mask: np.ndarray, shape: str) -> SceneObject:
    """Name the object of ``mask`` (H, W) in ``image`` (H, W, 3) with the generator's words.

    Colour: the generator colour nearest (RGB distance) to the mask's median pixel; size: the
    box's longer side against the small and large sides; place: the box centre's nearest place.

    >>> from neuralens.data.captioned_scenes import make_captioned_scenes
    >>> data = make_captioned_scenes(1, seed=1, max_objects=1, paraphrase=False)
    >>> data.captions[0]
    'a large red square on the right on sand'
    >>> name_object(data.images[0], data.instances[0, 0], "square").words()
    'a large red square on the right'
    """
    size = image.shape[0]
    rows, cols = np.nonzero(mask)
    median = np.median(image[rows, cols].astype(np.float32), axis=0)  # (3,)
    colour = COLOURS[int(np.argmin(((COLOUR_RGB - median) ** 2).sum(axis=1)))]
    side = max(rows.max() - rows.min(), cols.max() - cols.min()) + 1
    sides = {"small": SMALL_SIDE * size, "large": LARGE_SIDE * size}
    centre = np.array([rows.min() + rows.max() + 1, cols.min() + cols.max() + 1]) / 2  # (row, col)
    step = OFFSET * size
    places = np.array([(0, -step), (0, step), (-step, 0), (step, 0), (0, 0)]) + size / 2
    position = POSITIONS[int(np.argmin(((places - centre) ** 2).sum(axis=1)))]
    return SceneObject(shape, colour, _nearest(side, sides), position, mask)


def refine_mask(image: np.ndarray, mask: np.ndarray, rounds: int = 2,
                avoid: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """``mask`` (H, W) grown pixel ring by pixel ring where the colour says "object".

    A segmenter trained briefly misses an object's thin parts (a triangle's apex, corners);
    each round, every pixel of the ring just outside the mask joins it when its colour is
    nearer to the object's median colour than to the median colour of the background around
    (a nearest-mean classifier, two classes). Pixels in ``avoid`` (other objects) never join.
    """
    image = image.astype(np.float32)
    avoid = np.zeros_like(mask) if avoid is None else avoid
    for _ in range(rounds):
        ring = _grown(mask, 1) & ~mask & ~avoid
        around = _grown(mask, 3) & ~_grown(mask, 1) & ~avoid
        if not ring.any() or not around.any():
            break
        inside, outside = np.median(image[mask], axis=0), np.median(image[around], axis=0)
        pixels = image[ring]  # (R, 3)
        joins = ((pixels - inside) ** 2).sum(1) < ((pixels - outside) ** 2).sum(1)
        if not joins.any():
            break
        mask = mask.copy()
        mask[ring] = joins
    return mask


def find_objects(segmenter: nn.Module, image: np.ndarray) -> list[SceneObject]:
    """The objects the segmenter finds in ``image`` uint8 (H, W, 3), named, left to right.

    The segmenter is a vision-tasks U-Net whose classes are the scenes' shapes; its instance
    masks (confident centres, score >= ``BOX_SCORE``) are the objects. The generator puts at
    most one object in a place, so instances that land in one place are one object (a
    centre found twice, as two shapes, splits it): their masks are joined and the most
    confident instance's shape names it. Each mask is then refined by colour
    (:func:`refine_mask`) before the object is named.
    """
    image = _check_image(image)
    reading = read_outputs(predict(segmenter, float_images(image[None])), BOX_SCORE)[0]
    order = torch.argsort(reading.instance_scores, descending=True).tolist()
    by_place: dict[str, SceneObject] = {}
    for i in order:
        mask = reading.instances[i].numpy()
        if not mask.any():
            continue
        found = name_object(image, mask, SHAPES[int(reading.instance_labels[i])])
        first = by_place.setdefault(found.position, found)
        if first is not found:  # the same place again: one object, its shape the first's
            first.mask = first.mask | mask
    objects = []
    for obj in by_place.values():
        others = np.any([o.mask for o in by_place.values() if o is not obj] or [obj.mask & False],
                        axis=0)  # fmt: skip
        objects.append(name_object(image, refine_mask(image, obj.mask, avoid=others), obj.shape))
    return sorted(objects, key=lambda obj: np.nonzero(obj.mask)[1].mean())


def scene_words(objects: list[SceneObject]) -> str:
    """What a scene shows, in words: "a small red disk on the left and a ..."."""
    if not objects:
        return "no object the segmenter recognises"
    words = [obj.words() for obj in objects]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def read_names(words: str) -> tuple[list[dict[str, str]], bool]:
    """The objects ``words`` names (partial attributes each) and whether it names the background.

    >>> read_names("the red circle and the background")
    ([{'colour': 'red', 'shape': 'disk'}], True)
    """
    tokens = re.findall(r"[a-z]+", words.lower())
    unknown = [t for t in tokens if t not in VOCABULARY and t not in BACKGROUND_WORDS]
    if unknown:
        raise ValueError(
            f"unknown word(s) {', '.join(map(repr, dict.fromkeys(unknown)))} in {words!r}; name "
            f"objects by shape ({', '.join(sorted(_SHAPE_WORDS))}), colour ({', '.join(COLOURS)}),"
            f" size and place, or say 'background'"
        )
    shapes = [i for i, t in enumerate(tokens) if t in _SHAPE_WORDS]
    dangling = [
        t for i, t in enumerate(tokens) if t in _BEFORE_SHAPE and i > max(shapes, default=-1)
    ]
    if dangling:
        raise ValueError(f"{dangling[0]!r} in {words!r} needs a shape after it "
                         f"(e.g. '{dangling[0]} disk')")  # fmt: skip
    objects, _ = parse_caption(words)
    background = any(t in BACKGROUND_WORDS for t in tokens)
    if not objects and not background:
        raise ValueError(f"name objects by their shape (e.g. 'the red disk') or say 'background'; "
                         f"got {words!r}")  # fmt: skip
    return objects, background


def _phrase(named: dict[str, str]) -> str:
    words = [named[key] for key in ("size", "colour", "shape") if key in named]
    if "position" in named:
        words.append(POSITION_PHRASES[named["position"]][0])
    return " ".join(words)


def select_objects(objects: list[SceneObject], words: str) -> tuple[list[SceneObject], bool, str]:
    """The objects ``words`` names, whether it names the background, and a note on ambiguity.

    A name that fits no object is a ValueError saying what the scene shows; a name that fits
    several takes them all (the note says so).
    """
    named, background = read_names(words)
    chosen: list[SceneObject] = []
    notes = []
    for wanted in named:
        hits = [obj for obj in objects if obj.fits(wanted)]
        if not hits:
            raise ValueError(f"no {_phrase(wanted)} here; this scene shows {scene_words(objects)}")
        if len(hits) > 1:
            notes.append(f"'{_phrase(wanted)}' fits {len(hits)} objects ({scene_words(hits)}): "
                         f"all are taken (add a colour, size or place to pick one)")  # fmt: skip
        chosen += [obj for obj in hits if obj not in chosen]
    return chosen, background, "; ".join(notes)


def _grown(mask: np.ndarray, pixels: int) -> np.ndarray:
    """``mask`` (H, W) grown by ``pixels`` in every direction (a square dilation)."""
    padded = np.pad(mask, pixels)
    size = mask.shape
    shifts = range(2 * pixels + 1)
    return np.any([padded[dy : dy + size[0], dx : dx + size[1]] for dy in shifts for dx in shifts],
                  axis=0)  # fmt: skip


def plan_edit(
    segmenter: nn.Module,
    image: np.ndarray,
    keep: str | None = None,
    regenerate: str | None = None,
    margin: int = MARGIN,
) -> EditPlan:
    """Which pixels an edit keeps: the objects ``keep`` names, or all but those ``regenerate``
    names (exactly one of the two).

    Kept objects keep exactly their (colour-refined) masks; regenerated objects take a rim of
    ``margin`` pixels along, so no fringe of their old colour is left behind; the background
    is kept or repainted with the words ("background" named or not).
    """
    if (keep is None) == (regenerate is None):
        raise ValueError("say what to keep (keep='the disk') or what to regenerate "
                         "(regenerate='the red disk'), one of the two")  # fmt: skip
    image = _check_image(image)
    objects = find_objects(segmenter, image)
    chosen, named_background, note = select_objects(
        objects, keep if keep is not None else regenerate
    )
    others = [obj for obj in objects if obj not in chosen]
    kept, redrawn = (chosen, others) if keep is not None else (others, chosen)
    background_kept = named_background == (keep is not None)
    mask = np.full(image.shape[:2], background_kept)
    for obj in redrawn:
        mask &= ~_grown(obj.mask, margin)
    for obj in kept:
        mask |= obj.mask
    return EditPlan(mask, kept, redrawn, background_kept, note)


def prompt_check(plan: EditPlan, prompt: str) -> str:
    """A note naming the kept objects that ``prompt`` does not describe ("" when it describes
    them all, or is empty): the new picture still holds them, so the prompt should say so.

    The model repaints the rest to fit the whole sentence; a sentence that leaves a kept
    object out (or gives it another colour) asks for a picture the edit cannot give.
    """
    wanted, _ = parse_caption(prompt)
    if not prompt.strip():
        return ""
    missing = [obj.words() for obj in plan.kept if not any(map(obj.fits, wanted))]
    return f"the prompt does not describe {' and '.join(missing)}, which is kept" if missing else ""


def keep_mask(segmenter: nn.Module, image: np.ndarray, keep: str) -> np.ndarray:
    """bool (H, W): the pixels of the objects ``keep`` names ("the red disk", "square and
    triangle", "background"), found by ``segmenter`` in ``image`` uint8 (H, W, 3)."""
    return plan_edit(segmenter, image, keep=keep).keep


def edit_by_words(
    model: nn.Module,
    schedule: diffusion.Schedule,
    segmenter: nn.Module,
    image: np.ndarray,
    keep: str | None,
    prompt: str,
    steps: int = 50,
    guidance: float = 3.0,
    seed: int = 0,
    resample: int = 1,
    regenerate: str | None = None,
) -> Iterator[SceneFrame]:
    """Edit ``image`` by words: keep what ``keep`` names (or all but what ``regenerate``
    names) exactly, repaint the rest under ``prompt``; yields every sampling step.

    "Keep the disk, make the background sand": ``keep="disk"``, ``prompt="... on sand"``.
    "Turn the red disk blue": ``keep=None, regenerate="red disk"``, ``prompt="a ... blue disk
    ..."``.
    """
    plan = plan_edit(segmenter, image, keep, regenerate)
    yield from edit_frames(model, schedule, image, plan.keep, prompt, steps, guidance, seed,
                           resample)  # fmt: skip


def edit_scenes(model, schedule, images: np.ndarray, keeps: np.ndarray, prompts: list[str],
                **options) -> np.ndarray:  # fmt: skip
    """A batch of edits at once: uint8 (N, H, W, 3) scenes, bool (N, H, W) kept pixels, one
    prompt each -> the edited scenes uint8 (N, H, W, 3) (``scene_frames``' options)."""
    original = torch.as_tensor(images).permute(0, 3, 1, 2).float() / 255  # (N, 3, H, W)
    mask = torch.as_tensor(keeps)[:, None].expand_as(original)
    inpaint = {"known": diffusion.to_model_range(original), "known_mask": mask,
               "resample": options.pop("resample", 1)}  # fmt: skip
    *_, last = scene_frames(model, schedule, prompts, inpaint=inpaint, **options)
    return last.x


def edit_instructions(attributes: SceneAttributes, seed: int) -> list[tuple[str, str, str]]:
    """One instruction per scene, alternating: (``"keep"`` or ``"regenerate"``, the object's
    name, the new prompt).

    Even scenes keep one object and move the scene onto another background; odd scenes give
    one object another colour. The new prompt is the scene's canonical caption with that
    change; new colours and backgrounds never clash (no green on grass, ...).

    >>> from neuralens.data.captioned_scenes import sample_attributes
    >>> [kind for kind, _, _ in edit_instructions(sample_attributes(2, seed=3)[0], seed=0)]
    ['keep', 'regenerate']
    """
    rng = np.random.default_rng(seed)
    changed = SceneAttributes(*(np.array(v, copy=True) for v in vars(attributes).values()))
    instructions = []
    for i in range(len(attributes)):
        k = int(rng.integers(attributes.counts[i]))
        name = f"{COLOURS[attributes.colours[i, k]]} {SHAPES[attributes.shapes[i, k]]}"
        colours = {COLOURS[c] for c in attributes.colours[i, : attributes.counts[i]]}
        if i % 2 == 0:
            options = [b for b, background in enumerate(BACKGROUNDS)
                       if b != attributes.backgrounds[i]
                       and not colours & set(CLASHES.get(background, ()))]  # fmt: skip
            changed.backgrounds[i] = rng.choice(options)
            instructions.append(("keep", name, describe(changed, i)))
        else:
            clash = CLASHES.get(attributes.background(i), ())
            options = [c for c, colour in enumerate(COLOURS)
                       if c != attributes.colours[i, k] and colour not in clash]  # fmt: skip
            changed.colours[i, k] = rng.choice(options)
            instructions.append(("regenerate", name, describe(changed, i)))
    return instructions


def edit_benchmark(
    model: nn.Module,
    schedule: diffusion.Schedule,
    segmenter: nn.Module,
    judge: nn.Module,
    n: int = 200,
    seed: int = 30_000,
    steps: int = 50,
    guidance: float = 3.0,
    resample: int = 1,
    batch_size: int = 50,
    max_objects: int = 1,
) -> dict:
    """Edit ``n`` fresh scenes of 1 to ``max_objects`` objects by words and judge them
    against their new prompts.

    Returns the share matched (all, keep-the-object edits, recolour edits; the bar, >= 0.85,
    is on single-object scenes, as the drawing bar; with more objects a keep-the-object edit
    redraws the others too), the same share for the *unedited* scenes (the judge is not
    fooled: about 0), how many names the segmenter could not find (counted as failures), and
    the largest change of a kept pixel over all scenes (must be 0), with the sampling time.
    """
    data = make_captioned_scenes(n, size=model.config.image_size, seed=seed,
                                 max_objects=max_objects)  # fmt: skip
    instructions = edit_instructions(data.attributes, seed)
    keeps = np.zeros(data.images.shape[:3], dtype=bool)
    found = np.ones(n, dtype=bool)
    for i, (kind, name, _) in enumerate(instructions):
        try:
            keeps[i] = plan_edit(segmenter, data.images[i], **{kind: name}).keep
        except ValueError:  # the segmenter missed the object: this edit fails
            found[i] = False
    prompts = [prompt for _, _, prompt in instructions]
    edited = data.images.copy()
    start = time.perf_counter()
    for part in range(0, n, batch_size):
        todo = np.flatnonzero(found[part : part + batch_size]) + part
        if len(todo):
            edited[todo] = edit_scenes(model, schedule, data.images[todo], keeps[todo],
                                       [prompts[i] for i in todo], steps=steps,
                                       guidance=guidance, seed=seed + part,
                                       resample=resample)  # fmt: skip
    seconds = time.perf_counter() - start
    _, matches = prompt_match_rate(judge, edited, prompts)
    matches &= found
    _, unedited = prompt_match_rate(judge, data.images, prompts)
    kept = np.abs(edited.astype(np.int16) - data.images.astype(np.int16))[keeps]
    recolour = np.arange(n) % 2 == 1
    return {
        "scenes": n, "max_objects": max_objects, "steps": steps, "guidance": guidance,
        "resample": resample,
        "match_rate": float(matches.mean()),
        "match_rate_keep_object": float(matches[~recolour].mean()),
        "match_rate_recolour": float(matches[recolour].mean()) if recolour.any() else None,
        "unedited_match_rate": float(unedited.mean()),
        "not_found": int((~found).sum()),
        "max_kept_difference": int(kept.max()) if kept.size else 0,
        "sampling_s": round(seconds, 2),
    }  # fmt: skip
