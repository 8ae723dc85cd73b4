"""Checkpoints: safetensors weights with their JSON metadata, written atomically.

One file holds everything: the tensors, and in the safetensors header (key
``"neuralens"``) the metadata as JSON: the architecture's name and ``asdict(config)``,
the task (``classify``, ``segment``, ...), the class names (or None), the input spec
(channels, height, width, value range), metrics under the task's own names, optional
extra ``components`` (e.g. a diffusion model's noise schedule), the data, the seed,
the neuralens version and the SHA-256 of the tensors (checked on load). A readable ``.json`` copy of
the metadata is written beside it. Writes go to a temporary file that replaces the
target only when complete, so a checkpoint is never half-written. Pickle files
(``torch.save``) are refused, never unpickled.

>>> import tempfile, torch
>>> from neuralens.models import MLP, MLPConfig
>>> folder = tempfile.mkdtemp()
>>> path = save_model(f"{folder}/tiny.safetensors", MLP(MLPConfig(image_size=4)), seed=0)
>>> load_model(path, expected="mlp").config.image_size
4
>>> load(path).metadata["task"], load(path).metadata["input"]["height"]
('classify', 4)
>>> load_model(path, expected="cnn")
Traceback (most recent call last):
...
neuralens.checkpoints.CheckpointError: ...safetensors holds weights for a 'mlp' model, not 'cnn'
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors
from torch import nn

from neuralens import __version__, weights
from neuralens.models import MODELS, build_model, model_name

FORMAT = "neuralens-checkpoint"
HEADER_KEY = "neuralens"
PICKLE_MAGIC = (b"\x80", b"PK\x03\x04")  # pickle protocol >= 2; torch.save's zip archive
LEGACY_TASK = "classify"  # what a checkpoint without a "task" holds (all the first half's were)
INPUT_KEYS = ("channels", "height", "width", "value_range")


class CheckpointError(ValueError):
    """A checkpoint is missing, corrupt, truncated, a pickle, or for another architecture.

    The message names the file and what to do; the CLI prints it as one line, exit code 2.
    """


@dataclass
class Checkpoint:
    """What a checkpoint file holds: named tensors (on the CPU) and the metadata dict."""

    tensors: dict[str, torch.Tensor]
    metadata: dict


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's live process
    return True


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Delete the temporaries of ``path`` left by writers that died mid-write; return them."""
    stale = []
    for temporary in path.parent.glob(f".{path.name}.*.tmp"):
        pid = temporary.name.removeprefix(f".{path.name}.").split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            temporary.unlink(missing_ok=True)
            stale.append(temporary)
    return stale


def write_atomic(path: str | Path, content: bytes) -> Path:
    """Write ``content`` to ``path`` through a temporary file in the same folder + rename.

    Temporaries a dead writer left behind (``.name.<pid>.<id>.tmp``) are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    # a unique name beside the target (same file system, so the rename is atomic); "x" mode
    # honours the umask, unlike mkstemp's private 0600
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "xb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)  # atomic on POSIX and Windows: old or new, never half
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def tensors_digest(tensors: dict[str, torch.Tensor]) -> str:
    """SHA-256 over every tensor's name, dtype, shape and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(tensors):
        tensor = tensors[name].detach().to("cpu").contiguous()
        digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        raw = tensor.view(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b""
        digest.update(raw)
    return digest.hexdigest()


def save(path: str | Path, tensors: dict[str, torch.Tensor], metadata: dict) -> Path:
    """Save ``tensors`` + ``metadata`` atomically, and a readable ``.json`` copy beside it."""
    cpu = {name: tensor.detach().to("cpu").contiguous() for name, tensor in tensors.items()}
    metadata = {"format": FORMAT, "version": __version__, **metadata,
                "sha256": tensors_digest(cpu)}  # fmt: skip
    content = save_safetensors(cpu, metadata={HEADER_KEY: json.dumps(metadata)})
    path = write_atomic(path, content)
    write_atomic(path.with_suffix(".json"), json.dumps(metadata, indent=2).encode())
    return path


def _check_header(path: Path, content: bytes) -> None:
    size = int.from_bytes(content[:8], "little") if len(content) >= 8 else -1
    if 0 < size <= len(content) - 8 and content[8:9] == b"{":
        return  # a whole safetensors header (its size may well start with byte 0x80)
    if content.startswith(PICKLE_MAGIC):
        raise CheckpointError(
            f"{path} is a pickle file (torch.save); neuralens never unpickles files, because "
            "unpickling can run code. Save weights with neuralens (safetensors)"
        )
    if len(content) < 8:
        raise CheckpointError(f"{path} is empty or truncated ({len(content)} bytes)")
    header_size = int.from_bytes(content[:8], "little")
    if header_size > len(content) - 8 or content[8:9] != b"{":
        raise CheckpointError(
            f"{path} is not a complete safetensors file (truncated or corrupt header); "
            "retrain or copy it again"
        )


def load(path: str | Path) -> Checkpoint:
    """Read a neuralens checkpoint; raise ``CheckpointError`` for anything else."""
    path = Path(path)
    if path.is_dir():
        raise CheckpointError(f"{path} is a folder, not a checkpoint file (.safetensors)")
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    content = path.read_bytes()
    _check_header(path, content)
    try:
        tensors = load_safetensors(content)
        with_header = json.loads(content[8 : 8 + int.from_bytes(content[:8], "little")])
        metadata = json.loads(with_header.get("__metadata__", {}).get(HEADER_KEY, "null"))
    except (SafetensorError, ValueError) as error:
        raise CheckpointError(
            f"{path} is corrupt or truncated ({error}); retrain or copy it again"
        ) from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise CheckpointError(f"{path} is a safetensors file but not a neuralens checkpoint")
    stated = metadata.get("sha256")
    if stated is not None and stated != tensors_digest(tensors):
        raise CheckpointError(
            f"{path}: its tensors do not match the SHA-256 in its metadata "
            "(the file was altered or damaged); retrain or copy it again"
        )
    copy = path.with_suffix(".json")
    if path.suffix == ".safetensors" and not copy.exists():  # the readable copy went missing
        try:
            write_atomic(copy, json.dumps(metadata, indent=2).encode())
        except OSError:
            pass  # a read-only folder: the header still holds the metadata
    return Checkpoint(tensors, metadata)


def model_metadata(model: nn.Module) -> dict:
    """The architecture's registry name and ``asdict(config)``: enough to rebuild it."""
    inner = getattr(model, "module", model)
    config = getattr(inner, "config", None)
    return {"model": model_name(inner), "config": asdict(config) if is_dataclass(config) else {}}


def default_input_spec(config: object) -> dict | None:
    """The input spec an image model's config implies (square images in [0, 1]), else None."""
    size = getattr(config, "image_size", None)
    if size is None:
        return None
    channels = getattr(config, "num_channels", getattr(config, "in_channels", 1))
    return {"channels": channels, "height": size, "width": size, "value_range": [0, 1]}


def _check_input_spec(spec: dict) -> dict:
    if not isinstance(spec, dict) or not set(INPUT_KEYS) <= set(spec) and "features" not in spec:
        raise ValueError(f"input_spec must hold {', '.join(INPUT_KEYS)} (or 'features' for a "
                         f"table), got {spec!r}")  # fmt: skip
    return dict(spec)


def save_model(
    path: str | Path,
    model: nn.Module,
    *,
    task: str = LEGACY_TASK,
    classes: list[str] | tuple[str, ...] | None = None,
    input_spec: dict | None = None,
    metrics: dict | None = None,
    components: dict | None = None,
    data: str = "",
    seed: int | None = None,
    **extra: object,
) -> Path:
    """Save ``model``'s weights with the metadata needed to rebuild, feed and judge it.

    ``task``: the registry name of what it does; ``classes``: the names of its outputs
    (None when it has none); ``input_spec``: ``{"channels", "height", "width",
    "value_range"}`` (default: from the model's config); ``metrics``: scores under the
    task's own names; ``components``: extra JSON parts (e.g. a noise schedule's parameters).
    """
    inner = getattr(model, "module", model)
    meta = model_metadata(inner)
    config = getattr(inner, "config", None)
    spec = input_spec if input_spec is not None else default_input_spec(config)
    metadata = {**meta, "task": task, "classes": None if classes is None else list(classes),
                "input": None if spec is None else _check_input_spec(spec),
                "metrics": metrics or {}, "components": components or {}, "data": data,
                "seed": seed}  # fmt: skip
    return save(path, inner.state_dict(), {**metadata, **extra})


def task_of(metadata: dict) -> str:
    """The task a checkpoint's model was trained for (older files: ``classify``)."""
    return metadata.get("task") or LEGACY_TASK


def model_tensors(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The model's weights among ``tensors`` (a training checkpoint prefixes them ``model.``)."""
    if any(key.startswith("model.") for key in tensors):
        return {key.removeprefix("model."): value for key, value in tensors.items()
                if key.startswith("model.")}  # fmt: skip
    return dict(tensors)


def _check_shapes(checkpoint: Checkpoint, path: Path, name: str, config: dict) -> None:
    """Compare the shapes the config implies (built on torch's "meta" device: no memory)
    with the stored tensors, before anything is allocated."""
    try:
        with torch.device("meta"):
            skeleton = build_model(name, config)
    except (RuntimeError, ValueError, TypeError, NotImplementedError) as error:
        first_line = str(error).strip().splitlines()[0]
        raise CheckpointError(
            f"{path} has a config a {name!r} model refuses: {first_line}"
        ) from None
    wanted = {k: tuple(v.shape) for k, v in skeleton.state_dict().items()}
    stored = {k: tuple(v.shape) for k, v in model_tensors(checkpoint.tensors).items()}
    for key in sorted(wanted.keys() | stored.keys()):
        if wanted.get(key) != stored.get(key):
            raise CheckpointError(f"{path} does not fit a {name!r} model: its config implies "
                                  f"{key} of shape {wanted.get(key)}, the file holds "
                                  f"{stored.get(key)}")  # fmt: skip


def build_from(checkpoint: Checkpoint, path: Path, expected: str | None = None,
               task: str | None = None) -> nn.Module:  # fmt: skip
    """The model ``checkpoint`` describes, with its weights loaded (CPU, eval mode)."""
    name = checkpoint.metadata.get("model")
    if name not in MODELS:
        raise CheckpointError(f"{path} is for model {name!r}, which this neuralens does not know")
    if expected is not None and name != expected:
        raise CheckpointError(f"{path} holds weights for a {name!r} model, not {expected!r}")
    held = task_of(checkpoint.metadata)
    if task is not None and held != task:
        raise CheckpointError(f"{path} holds a model for the task {held!r}, not {task!r}")
    config = checkpoint.metadata.get("config") or {}
    _check_shapes(checkpoint, path, name, config)
    try:
        model = build_model(name, config)
        model.load_state_dict(model_tensors(checkpoint.tensors))
    except (RuntimeError, ValueError, TypeError) as error:
        first_line = str(error).strip().splitlines()[0]
        raise CheckpointError(f"{path} does not fit a {name!r} model: {first_line}") from None
    return model.eval()


def load_model(path: str | Path, expected: str | None = None, task: str | None = None
               ) -> nn.Module:  # fmt: skip
    """Load a model saved by :func:`save_model` (or a training checkpoint), in eval mode.

    ``expected`` (e.g. ``"cnn"``) turns weights of another architecture, ``task`` (e.g.
    ``"segment"``) a model trained for another task, into a clear error.
    """
    return build_from(load(path), Path(path), expected, task)


def shipped_path(name: str) -> Path:
    """Where the pretrained weights of ``name`` ("mlp" or "cnn") live in the package."""
    try:
        return weights.weights_path(name)
    except ValueError as error:
        raise CheckpointError(str(error)) from None


def load_shipped(name: str) -> nn.Module:
    """The pretrained MLP or CNN (trained on full MNIST by ``make weights``), in eval mode.

    Its metadata (test accuracy, config, seed) is in ``shipped_path(name)``'s ``.json`` copy.
    """
    path = shipped_path(name)
    if not path.exists():
        raise CheckpointError(f"shipped weights {path} are missing; run `make weights`")
    return load_model(path, expected=name)


def shipped_metadata(name: str) -> dict:
    """The metadata stored with the shipped weights of ``name`` (metrics, config, data, seed)."""
    shipped_path(name)  # an unknown name is a CheckpointError here too
    return weights.shipped_metadata(name)
