"""Look inside a trained classifier: probabilities, every stage's output, filters, hidden units.

Arrays in, arrays out: these functions take NumPy images, run the torch model
without gradients and hand back NumPy arrays for ``neuralens.plots`` to draw.
Images are ``uint8`` (0 .. 255) or floats in [0, 1], shaped (H, W), (N, H, W) or
(N, C, H, W); models see floats in [0, 1], as they were trained.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from neuralens.engine.filters import PRESETS
from neuralens.models.cnn import CNN
from neuralens.models.mlp import MLP
from neuralens.training.batches import to_float_images

# kernels a person designs (lecture: convolutions), to set beside the ones a CNN learns;
# their one home is the engine's presets
DESIGNED_FILTERS = {name: PRESETS[name] for name in ("vertical edges", "horizontal edges",
                    "emboss", "box blur", "gaussian", "sharpen")}  # fmt: skip


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def as_batch(images: np.ndarray, model: nn.Module) -> torch.Tensor:
    """NumPy image(s) -> float tensor (N, C, H, W) in [0, 1] on the model's device.

    >>> as_batch(np.full((28, 28), 255, np.uint8), MLP()).shape
    torch.Size([1, 1, 28, 28])
    """
    x = np.asarray(images)
    x = {2: x[None, None], 3: x[:, None], 4: x}.get(x.ndim)
    if x is None:
        raise ValueError(
            f"images must be (H, W), (N, H, W) or (N, C, H, W), got {np.shape(images)}"
        )
    pixels = to_float_images(torch.as_tensor(x, device=_device(model)))  # as in training
    return pixels.to(torch.float32)


@torch.no_grad()
def predict_proba(model: nn.Module, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """softmax(logits): the (N, num_classes) probabilities the model gives each image."""
    model.eval()
    x = as_batch(images, model)
    chunks = [
        torch.softmax(model(x[i : i + batch_size]), dim=1) for i in range(0, len(x), batch_size)
    ]
    return torch.cat(chunks).float().cpu().numpy()


@torch.no_grad()
def stage_outputs(model: nn.Module, image: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """What the model computes for ONE image, stage by stage, batch axis dropped.

    CNN: conv1 (C1, 28, 28), relu1, pool1 (C1, 14, 14), ..., flatten (F,), logits (K,);
    MLP: flatten (784,), hidden1, activation1, ..., logits.
    """
    model.eval()
    x = as_batch(image, model)
    if len(x) != 1:
        raise ValueError(f"stage_outputs takes one image, got {len(x)}")
    return [(name, value[0].float().cpu().numpy()) for name, value in model.stages(x)]


def feature_maps(model: CNN, image: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The (C, H, W) feature maps of every conv block (after conv, ReLU and pooling)."""
    return [(name, value) for name, value in stage_outputs(model, image) if value.ndim == 3]


def first_layer_filters(model: CNN) -> np.ndarray:
    """The first conv layer's learned filters, (C_out, k, k) (summed over input channels)."""
    if not isinstance(model, CNN):
        raise ValueError(f"first_layer_filters needs a CNN, got {type(model).__name__}")
    return model.blocks[0].conv.weight.detach().float().cpu().sum(dim=1).numpy()


def hidden_unit(model: MLP, unit: int) -> tuple[np.ndarray, float]:
    """Unit ``unit`` of the first hidden layer: its pixel weights as (H, W), and its bias.

    Its value before the non-linearity is z = sum_i w_i x_i + b over the 784 pixels.
    """
    if not isinstance(model, MLP):
        raise ValueError(f"hidden_unit needs an MLP, got {type(model).__name__}")
    layer = model.hidden[0] if len(model.hidden) else model.output
    if not 0 <= unit < layer.out_features:
        raise ValueError(f"unit must be in 0 .. {layer.out_features - 1}, got {unit}")
    config = model.config
    shape = (config.num_channels * config.image_size, config.image_size)
    weights = layer.weight[unit].detach().float().cpu().numpy().reshape(shape)
    return weights, float(layer.bias[unit].detach())


def confident_mistakes(
    probabilities: np.ndarray, labels: np.ndarray, count: int = 16
) -> np.ndarray:
    """Indices of the ``count`` wrong predictions made with the highest confidence, surest first.

    >>> confident_mistakes(np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]), np.array([1, 1, 1]))
    array([0, 2])
    """
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probabilities[wrong, predicted[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")[:count]]
