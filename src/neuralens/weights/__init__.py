"""The pretrained weights shipped in the package, found without importing torch.

Each model ``name`` has ``name.safetensors`` (weights + metadata in its header) and a
``name.json`` copy of that metadata, so pages and tools can read the shipped model's
config and accuracy at start-up; ``neuralens.checkpoints.load_shipped`` loads the model.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

# the shipped models are the weights files in this folder (mlp, cnn, attributes: the judge
# of words-as-the-prompt, ...): no list to keep in step with them
SHIPPED = tuple(sorted(path.name.removesuffix(".safetensors")
                       for path in resources.files(__name__).iterdir()
                       if path.name.endswith(".safetensors")))  # fmt: skip


def weights_path(name: str) -> Path:
    """Where the shipped weights of ``name`` (one of ``SHIPPED``) live.

    >>> weights_path("cnn").name
    'cnn.safetensors'
    """
    if name not in SHIPPED:
        raise ValueError(f"no shipped weights for {name!r}; shipped: {', '.join(SHIPPED)}")
    return Path(str(resources.files("neuralens.weights") / f"{name}.safetensors"))


@functools.lru_cache(maxsize=len(SHIPPED))
def shipped_metadata(name: str) -> dict:
    """The shipped model's metadata (config, metrics, data, seed), from its ``.json`` copy.

    >>> shipped_metadata("mlp")["config"]["hidden_sizes"][0] > 0
    True
    """
    return json.loads(weights_path(name).with_suffix(".json").read_text())
