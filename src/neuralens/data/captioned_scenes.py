"""Captioned scenes: small pictures of coloured shapes, each with a sentence that describes it.

The data behind *words as the prompt*: every scene shows one to three shapes (disk, square,
triangle), each of a colour, a size and a place (left, right, top, bottom, centre), on a
background (plain, grass, sand, water, sky), and comes with its caption in plain words, e.g.
``"a small red disk on the left and a large blue square at the top on grass"``. Captions are
paraphrased (word order, synonyms such as "circle" for "disk" or "big" for "large"), and every
paraphrase names every attribute of every object, so a caption can be read back into the scene's
attributes (:func:`parse_caption`). The per-object masks, a semantic mask and the boxes come with
each scene, so the same scenes train a segmenter and an attribute classifier (the judge).

Scenes are drawn in two steps: :func:`sample_attributes` picks what is in each scene, then
:func:`render_scenes` paints it (all scenes at once, NumPy only). :func:`make_captioned_scenes`
does both and writes the captions. The same ``seed`` always gives the same scenes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

SHAPES = ("disk", "square", "triangle")
COLOURS = ("red", "green", "blue", "yellow", "purple", "white")
SIZES = ("small", "large")
POSITIONS = ("left", "right", "top", "bottom", "centre")
BACKGROUNDS = ("plain", "grass", "sand", "water", "sky")

# RGB of each colour and background; an object is never drawn in its background's colour
COLOUR_RGB = np.array(
    [(215, 40, 40), (40, 170, 60), (40, 70, 215), (240, 210, 40), (140, 60, 185), (240, 240, 240)],
    dtype=np.float32,
)
BACKGROUND_RGB = np.array(
    [(130, 130, 130), (70, 120, 45), (212, 182, 122), (40, 95, 165), (95, 150, 225)],
    dtype=np.float32,
)
CLASHES = {"grass": ("green",), "sand": ("yellow",), "water": ("blue",)}

# the words each attribute may be said with; the first is the canonical one
SHAPE_WORDS = {"disk": ("disk", "circle"), "square": ("square",), "triangle": ("triangle",)}
SIZE_WORDS = {"small": ("small", "little"), "large": ("large", "big")}
POSITION_PHRASES = {
    "left": ("on the left", "at the left"),
    "right": ("on the right", "at the right"),
    "top": ("at the top", "near the top"),
    "bottom": ("at the bottom", "near the bottom"),
    "centre": ("in the centre", "in the middle", "in the center"),
}
BACKGROUND_PHRASES = {
    "plain": ("on a plain background", "on a plain grey background"),
    "grass": ("on grass", "on the grass"),
    "sand": ("on sand", "on the sand"),
    "water": ("on water", "on the water"),
    "sky": ("in the sky", "against the sky"),
}
# how a scene's sentence is built: objects (joined by "and") and the background phrase
TEMPLATES = ("{objects} {background}", "{background}, {objects}",
             "there is {objects} {background}", "a picture of {objects} {background}")  # fmt: skip

# sizes in fractions of the image side: object sides, the centre-to-place offset, the jitter
SMALL_SIDE, LARGE_SIDE, OFFSET, JITTER = 0.25, 0.375, 0.28, 1 / 24


def _words(*phrases) -> set[str]:
    """The words of ``phrases``, leaving out templates' {placeholders}."""
    return {
        word for phrase in phrases for word in re.findall(r"[a-z]+", re.sub("{.*?}", "", phrase))
    }


VOCABULARY: tuple[str, ...] = tuple(sorted(_words(
    *COLOURS, *(w for ws in SHAPE_WORDS.values() for w in ws),
    *(w for ws in SIZE_WORDS.values() for w in ws),
    *(p for ps in POSITION_PHRASES.values() for p in ps),
    *(p for ps in BACKGROUND_PHRASES.values() for p in ps), *TEMPLATES, "and",
)))  # fmt: skip
"""Every word a caption can use, sorted: the text encoder's vocabulary."""


@dataclass
class SceneAttributes:
    """What is in each scene, as class ids into the tuples above; slots beyond ``counts`` are -1.

    shapes, colours, sizes, positions: int64 (N, K); backgrounds: int64 (N,); counts: int64 (N,)
    objects per scene. Within a scene every object has its own position.
    """

    shapes: np.ndarray
    colours: np.ndarray
    sizes: np.ndarray
    positions: np.ndarray
    backgrounds: np.ndarray
    counts: np.ndarray

    def __len__(self) -> int:
        return len(self.backgrounds)

    def objects(self, i: int) -> list[dict[str, str]]:
        """Scene ``i``'s objects by name, e.g. ``[{"shape": "disk", "colour": "red", ...}]``."""
        return [
            {"shape": SHAPES[self.shapes[i, k]], "colour": COLOURS[self.colours[i, k]],
             "size": SIZES[self.sizes[i, k]], "position": POSITIONS[self.positions[i, k]]}
            for k in range(int(self.counts[i]))
        ]  # fmt: skip

    def background(self, i: int) -> str:
        return BACKGROUNDS[self.backgrounds[i]]


@dataclass
class CaptionedScenes:
    """Scenes, their captions, attributes and masks.

    images: uint8 (N, H, W, 3); captions: one sentence per scene; attributes: what is drawn;
    instances: bool (N, K, H, W), one mask per object slot; semantic: uint8 (N, H, W),
    0 background, 1 + shape id; boxes: float32 (N, K, 4) as (x0, y0, x1, y1) pixel edges
    (zeros for empty slots).
    """

    images: np.ndarray
    captions: list[str]
    attributes: SceneAttributes
    instances: np.ndarray
    semantic: np.ndarray
    boxes: np.ndarray

    def __len__(self) -> int:
        return len(self.images)

    @property
    def labels(self) -> np.ndarray:
        """Each object slot's shape id, int64 (N, K), -1 = empty: the ``Shapes`` layout, so a
        segmenter or detector trained on shapes takes these scenes as they are."""
        return self.attributes.shapes


def _allowed_colours() -> np.ndarray:
    """(backgrounds, colours) bool: which colours may be drawn on which background."""
    allowed = np.ones((len(BACKGROUNDS), len(COLOURS)), dtype=bool)
    for background, colours in CLASHES.items():
        for colour in colours:
            allowed[BACKGROUNDS.index(background), COLOURS.index(colour)] = False
    return allowed


def _centres_and_halves(attributes: SceneAttributes, size: int, jitter: np.ndarray):
    """Each object's centre (row, col) and half side in pixels: (N, K, 2) and (N, K)."""
    offset = round(OFFSET * size)
    # (row, col) steps from the image centre for left, right, top, bottom, centre
    steps = np.array([(0, -1), (0, 1), (-1, 0), (1, 0), (0, 0)], dtype=np.float32) * offset
    centres = size / 2 + steps[np.maximum(attributes.positions, 0)] + jitter  # (N, K, 2)
    # even sides and whole-pixel centres: a shape covers whole pixels, symmetric about its centre
    halves = np.array([round(SMALL_SIDE * size / 2), round(LARGE_SIDE * size / 2)], np.float32)
    return centres, halves[np.maximum(attributes.sizes, 0)]


def _overlapping(centres: np.ndarray, halves: np.ndarray, present: np.ndarray) -> np.ndarray:
    """(N,) bool: two present objects' squares come closer than one pixel."""
    bad = np.zeros(len(centres), dtype=bool)
    K = centres.shape[1]
    for a in range(K):
        for b in range(a + 1, K):
            reach = halves[:, a] + halves[:, b] + 1  # (N,)
            apart = np.abs(centres[:, a] - centres[:, b]).max(axis=1) >= reach
            bad |= present[:, a] & present[:, b] & ~apart
    return bad


def sample_attributes(
    n: int,
    seed: int = 0,
    min_objects: int = 1,
    max_objects: int = 3,
    size: int = 32,
) -> tuple[SceneAttributes, np.ndarray]:
    """Draw what ``n`` scenes hold, and each object's jitter (N, K, 2) in pixels.

    Positions are distinct within a scene; colours never match their background
    (``CLASHES``); sizes and jitter are redrawn until no two objects touch (large objects side
    by side do), so crowded scenes hold fewer large objects.
    """
    if n < 0:
        raise ValueError(f"the number of scenes must be >= 0, got {n}")
    if not 1 <= min_objects <= max_objects <= len(POSITIONS):
        raise ValueError(
            f"need 1 <= min_objects <= max_objects <= {len(POSITIONS)}, "
            f"got {min_objects}, {max_objects}"
        )
    rng = np.random.default_rng(seed)
    K = max_objects
    counts = rng.integers(min_objects, max_objects + 1, size=n)
    present = np.arange(K)[None, :] < counts[:, None]  # (N, K)
    backgrounds = rng.integers(len(BACKGROUNDS), size=n)
    # distinct positions: the first K of a random permutation of the five places
    positions = np.argsort(rng.random((n, len(POSITIONS))), axis=1)[:, :K]
    shapes = rng.integers(len(SHAPES), size=(n, K))
    # a random allowed colour: the best of random scores where the background allows it
    scores = rng.random((n, K, len(COLOURS))) * _allowed_colours()[backgrounds][:, None, :]
    colours = scores.argmax(axis=2)
    sizes = rng.integers(len(SIZES), size=(n, K))
    attributes = SceneAttributes(shapes, colours, sizes, positions, backgrounds, counts)
    reach = max(1, round(JITTER * size))
    jitter = rng.integers(-reach, reach + 1, size=(n, K, 2)).astype(np.float32)
    for _ in range(50):
        bad = _overlapping(*_centres_and_halves(attributes, size, jitter), present)
        if not bad.any():
            break
        sizes[bad] = rng.integers(len(SIZES), size=(int(bad.sum()), K))
        jitter[bad] = rng.integers(-reach, reach + 1, size=(int(bad.sum()), K, 2))
    else:  # small objects in their places never touch
        bad = _overlapping(*_centres_and_halves(attributes, size, jitter), present)
        sizes[bad], jitter[bad] = 0, 0
    for name in ("shapes", "colours", "sizes", "positions"):
        getattr(attributes, name)[~present] = -1
    jitter[~present] = 0
    return attributes, jitter


def _backgrounds(rng: np.random.Generator, backgrounds: np.ndarray, size: int) -> np.ndarray:
    """Paint each scene's background with its texture, float32 (N, H, W, 3)."""
    n = len(backgrounds)
    images = np.broadcast_to(BACKGROUND_RGB[backgrounds][:, None, None, :], (n, size, size, 3))
    images = images + rng.integers(-4, 5, size=(n, size, size, 3), dtype=np.int8)
    rows = np.arange(size, dtype=np.float32)[:, None]  # (H, 1)
    cols = np.arange(size, dtype=np.float32)[None, :]  # (1, W)
    for name in BACKGROUNDS:
        chosen = backgrounds == BACKGROUNDS.index(name)
        m = int(chosen.sum())
        if name == "plain":  # a flat grey, a little lighter or darker per scene
            shade = rng.uniform(-20, 20, size=(m, 1, 1, 1))
        elif name == "grass":  # vertical blades: each column its own shade, speckled
            shade = rng.uniform(-22, 22, size=(m, 1, size, 1))
            shade = shade + rng.uniform(-12, 12, size=(m, size, size, 1))
        elif name == "sand":  # fine grains and a few darker ones
            shade = rng.uniform(-10, 10, size=(m, size, size, 1))
            shade = shade - 30 * (rng.random((m, size, size, 1)) < 0.08)
        elif name == "water":  # horizontal waves with a wobble, brighter crests
            phase = rng.uniform(0, 2 * np.pi, size=(m, 2, 1, 1))
            waves = np.sin(
                2 * np.pi * rows / 5 + phase[:, 0] + 0.8 * np.sin(cols / 2 + phase[:, 1])
            )
            shade = 18 * waves[..., None]
        else:  # sky: darker blue at the top, paler at the horizon
            shade = np.broadcast_to((rows / size * 60 - 30)[None, :, :, None], (m, size, 1, 1))
            shade = shade * np.array([1.1, 0.9, 0.4], dtype=np.float32)
        images[chosen] += shade.astype(np.float32)
    return images


def _object_masks(attributes: SceneAttributes, size: int, jitter: np.ndarray) -> np.ndarray:
    """Each object's pixels, bool (N, K, H, W); a pixel is in when its centre is."""
    centres, halves = _centres_and_halves(attributes, size, jitter)
    grid = np.arange(size, dtype=np.float32) + 0.5  # pixel centres
    dy = grid[None, None, :, None] - centres[:, :, 0, None, None]  # (N, K, H, 1)
    dx = grid[None, None, None, :] - centres[:, :, 1, None, None]  # (N, K, 1, W)
    r = halves[:, :, None, None]  # (N, K, 1, 1)
    shape = attributes.shapes[:, :, None, None]
    disk = dy**2 + dx**2 <= r**2
    square = (np.abs(dy) <= r) & (np.abs(dx) <= r)
    # apex up: the half width grows from 0 at the top (dy = -r) to r at the base (dy = r)
    triangle = (np.abs(dy) <= r) & (np.abs(dx) <= (dy + r) / 2)
    return np.where(shape == 0, disk, np.where(shape == 1, square, triangle)) & (shape >= 0)


def render_scenes(attributes: SceneAttributes, size: int = 32, seed: int = 0, jitter=None):
    """Paint the scenes ``attributes`` describe: (images, instances, semantic, boxes).

    images uint8 (N, H, W, 3); instances bool (N, K, H, W); semantic uint8 (N, H, W);
    boxes float32 (N, K, 4). ``jitter`` (N, K, 2) nudges objects (pixels); None: none.

    >>> attributes, _ = sample_attributes(2, seed=0)
    >>> images, instances, semantic, boxes = render_scenes(attributes)
    >>> images.shape, instances.shape, semantic.dtype.name
    ((2, 32, 32, 3), (2, 3, 32, 32), 'uint8')
    """
    if size < 24:
        raise ValueError(f"captioned scenes need size >= 24 pixels, got {size}")
    rng = np.random.default_rng(seed)
    n, K = attributes.shapes.shape
    jitter = np.zeros((n, K, 2), dtype=np.float32) if jitter is None else jitter
    images = _backgrounds(rng, attributes.backgrounds, size)
    instances = _object_masks(attributes, size, jitter)
    # objects never overlap: one map of which object (slot) covers each pixel
    scene, slot, rows, cols = np.nonzero(instances)  # every object pixel, (P,) each
    # each object's colour, a little lighter or darker, with a faint pixel noise
    tint = rng.uniform(-20, 20, size=(n, K, 3)).astype(np.float32)
    colours = COLOUR_RGB[np.maximum(attributes.colours, 0)] + tint  # (N, K, 3)
    noise = rng.integers(-6, 7, size=(len(scene), 3), dtype=np.int8)
    images[scene, rows, cols] = colours[scene, slot] + noise  # (P, 3)
    semantic = np.zeros((n, size, size), dtype=np.uint8)
    semantic[scene, rows, cols] = attributes.shapes[scene, slot] + 1
    images = np.clip(images, 0, 255, out=images).astype(np.uint8)
    return images, instances, semantic, _boxes(instances)


def _boxes(instances: np.ndarray) -> np.ndarray:
    """(N, K, H, W) masks -> (N, K, 4) float32 (x0, y0, x1, y1) pixel edges, 0 when empty."""
    rows, cols = instances.any(axis=3), instances.any(axis=2)  # (N, K, H), (N, K, W)
    size = instances.shape[-1]

    def span(hit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        first = hit.argmax(axis=2)
        last = size - hit[:, :, ::-1].argmax(axis=2)
        return first, last

    (y0, y1), (x0, x1) = span(rows), span(cols)
    boxes = np.stack([x0, y0, x1, y1], axis=2).astype(np.float32)
    boxes[~instances.any(axis=(2, 3))] = 0
    return boxes


def describe(attributes: SceneAttributes, i: int, rng: np.random.Generator | None = None) -> str:
    """Scene ``i`` in words: canonical when ``rng`` is None, else a random paraphrase.

    Every paraphrase names each object's size, colour, shape and position, and the background.

    >>> attributes = SceneAttributes(*(np.array([[v, -1]]) for v in (0, 0, 0, 0)),
    ...                              np.array([2]), np.array([1]))
    >>> describe(attributes, 0)
    'a small red disk on the left on sand'
    """

    def pick(options: tuple[str, ...]) -> str:
        return options[0] if rng is None else options[int(rng.integers(len(options)))]

    phrases = [
        f"a {pick(SIZE_WORDS[obj['size']])} {obj['colour']} {pick(SHAPE_WORDS[obj['shape']])} "
        f"{pick(POSITION_PHRASES[obj['position']])}"
        for obj in attributes.objects(i)
    ]
    objects = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    background = pick(BACKGROUND_PHRASES[attributes.background(i)])
    return pick(TEMPLATES).format(objects=objects, background=background)


def paraphrases(attributes: SceneAttributes, i: int, count: int = 4, seed: int = 0) -> list[str]:
    """The canonical caption of scene ``i`` and up to ``count - 1`` distinct paraphrases."""
    rng = np.random.default_rng(seed)
    found = [describe(attributes, i)]
    for _ in range(20 * count):
        if len(found) >= count:
            break
        sentence = describe(attributes, i, rng)
        if sentence not in found:
            found.append(sentence)
    return found


def make_captioned_scenes(
    n: int,
    size: int = 32,
    seed: int = 0,
    min_objects: int = 1,
    max_objects: int = 3,
    paraphrase: bool = True,
) -> CaptionedScenes:
    """``n`` captioned scenes of ``size`` x ``size`` pixels; the same seed gives the same data.

    ``paraphrase``: a random paraphrase per scene (True) or the canonical caption (False).

    >>> data = make_captioned_scenes(3, seed=1, max_objects=1, paraphrase=False)
    >>> data.images.shape, data.captions[0]
    ((3, 32, 32, 3), 'a small white triangle on the left on sand')
    """
    attributes, jitter = sample_attributes(n, seed, min_objects, max_objects, size)
    images, instances, semantic, boxes = render_scenes(attributes, size, seed + 1, jitter)
    rng = np.random.default_rng(seed + 2) if paraphrase else None
    captions = [describe(attributes, i, rng) for i in range(n)]
    return CaptionedScenes(images, captions, attributes, instances, semantic, boxes)


_ATTRIBUTE_WORDS = {
    **{word: ("shape", shape) for shape, words in SHAPE_WORDS.items() for word in words},
    **{word: ("size", size) for size, words in SIZE_WORDS.items() for word in words},
    **{colour: ("colour", colour) for colour in COLOURS},
    **{"left": ("position", "left"), "right": ("position", "right"), "top": ("position", "top"),
       "bottom": ("position", "bottom"), "centre": ("position", "centre"),
       "center": ("position", "centre"), "middle": ("position", "centre")},
    **{background: ("background", background) for background in BACKGROUNDS},
}  # fmt: skip


def parse_caption(caption: str) -> tuple[list[dict[str, str]], str | None]:
    """Read a caption back into its objects' attributes and its background.

    Size and colour words belong to the shape word that follows them, a position word to the
    shape before it. Returns ``(objects, background)``; attributes a caption leaves out are
    missing from an object's dict (the background: None).

    >>> parse_caption("on sand, a big blue square in the middle")
    ([{'size': 'large', 'colour': 'blue', 'shape': 'square', 'position': 'centre'}], 'sand')
    """
    objects: list[dict[str, str]] = []
    pending: dict[str, str] = {}
    background = None
    for word in re.findall(r"[a-z]+", caption.lower()):
        kind, value = _ATTRIBUTE_WORDS.get(word, (None, None))
        if kind == "background":
            background = value
        elif kind in ("size", "colour"):
            pending[kind] = value
        elif kind == "shape":
            objects.append({**pending, "shape": value})
            pending = {}
        elif kind == "position" and objects:
            objects[-1]["position"] = value
    return objects, background


def prompt_attributes(prompts: list[str], max_objects: int = 3) -> SceneAttributes:
    """The scenes that prompts describe in full, to render them (:func:`render_scenes`).

    Every object must have its size, colour, shape and place and the prompt its background;
    otherwise a ValueError names what is missing. Places must differ within a prompt.

    >>> prompt_attributes(["a big blue square at the top on sand"]).objects(0)
    [{'shape': 'square', 'colour': 'blue', 'size': 'large', 'position': 'top'}]
    """
    n = len(prompts)
    columns = {name: np.full((n, max_objects), -1, dtype=np.int64) for name in
               ("shape", "colour", "size", "position")}  # fmt: skip
    names = {"shape": SHAPES, "colour": COLOURS, "size": SIZES, "position": POSITIONS}
    backgrounds, counts = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    for i, prompt in enumerate(prompts):
        objects, background = parse_caption(prompt)
        missing = [f"object {k + 1}'s {name}" for k, obj in enumerate(objects)
                   for name in names if name not in obj]  # fmt: skip
        if background is None:
            missing.append("the background")
        if not 1 <= len(objects) <= max_objects or missing:
            raise ValueError(
                f"{prompt!r} must name 1-{max_objects} objects, each with size, colour, shape "
                f"and place, and a background; missing: {', '.join(missing) or 'objects'}"
            )
        if len({obj["position"] for obj in objects}) < len(objects):
            raise ValueError(f"{prompt!r} puts two objects in one place")
        for k, obj in enumerate(objects):
            for name, values in names.items():
                columns[name][i, k] = values.index(obj[name])
        backgrounds[i], counts[i] = BACKGROUNDS.index(background), len(objects)
    return SceneAttributes(columns["shape"], columns["colour"], columns["size"],
                           columns["position"], backgrounds, counts)  # fmt: skip


def find_object(objects: list[dict[str, str]], description: str) -> int:
    """The index of the one object in ``objects`` that ``description`` names ("the red disk").

    A ValueError when none or several fit, naming what the scene holds (an edit must say
    which object it keeps or changes).

    >>> scene = [{"shape": "disk", "colour": "red", "size": "small", "position": "left"},
    ...          {"shape": "square", "colour": "blue", "size": "large", "position": "top"}]
    >>> find_object(scene, "the square")
    1
    """
    named, _ = parse_caption(description)
    if len(named) != 1:
        raise ValueError(f"name one object with its shape (e.g. 'the red disk'), got "
                         f"{description!r}")  # fmt: skip
    hits = [k for k, obj in enumerate(objects)
            if all(obj.get(key) == value for key, value in named[0].items())]  # fmt: skip
    if len(hits) == 1:
        return hits[0]
    holds = "; ".join(" ".join(obj[key] for key in ("size", "colour", "shape", "position"))
                      for obj in objects) or "no objects"  # fmt: skip
    problem = "no object fits" if not hits else f"{len(hits)} objects fit"
    raise ValueError(f"{problem} {description!r}; the scene holds: {holds}")
