"""PyTorch architectures, one per file, each with its config dataclass beside it.

``build_model(name, config)`` builds any registered architecture from its name and
a config (a dataclass, or the plain dict a checkpoint stores); later chapters add
theirs to ``MODELS``.

>>> build_model("mlp", {"hidden_sizes": [32]}).config.hidden_sizes
(32,)
"""

from __future__ import annotations

from dataclasses import fields

from torch import nn

from neuralens.models.attributes import AttributeClassifier, AttributeClassifierConfig
from neuralens.models.autoencoder import VAE, AutoEncoder, AutoEncoderConfig, VAEConfig
from neuralens.models.cnn import CNN, CNNConfig
from neuralens.models.eps_unet import EpsUNet, EpsUNetConfig
from neuralens.models.mlp import MLP, MLPConfig
from neuralens.models.tabular import TabularConfig, TabularNet
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig
from neuralens.models.unet import UNet, UNetConfig

# name -> (module class, config class); checkpoints store the name and asdict(config)
MODELS: dict[str, tuple[type[nn.Module], type]] = {
    "mlp": (MLP, MLPConfig),
    "cnn": (CNN, CNNConfig),
    "attributes": (AttributeClassifier, AttributeClassifierConfig),
    "tabular": (TabularNet, TabularConfig),
    "autoencoder": (AutoEncoder, AutoEncoderConfig),
    "vae": (VAE, VAEConfig),
    "unet": (UNet, UNetConfig),
    "eps_unet": (EpsUNet, EpsUNetConfig),
    "text_eps_unet": (TextEpsUNet, TextEpsUNetConfig),
}


def config_class(name: str) -> type:
    """The config dataclass of architecture ``name``."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name][1]


def make_config(name: str, config: object = None) -> object:
    """A config for ``name`` from a dataclass instance, a dict of its fields, or None (defaults)."""
    config_type = config_class(name)
    if config is None:
        return config_type()
    if isinstance(config, config_type):
        return config
    if not isinstance(config, dict):
        raise ValueError(f"config for {name!r} must be a {config_type.__name__} or a dict")
    known = {field.name for field in fields(config_type)}
    unknown = sorted(set(config) - known)
    if unknown:
        raise ValueError(
            f"{config_type.__name__} has no field(s) {unknown}; it has {sorted(known)}"
        )
    return config_type(**config)


def build_model(name: str, config: object = None) -> nn.Module:
    """Build architecture ``name`` (see ``MODELS``) with ``config`` (defaults when None)."""
    config = make_config(name, config)  # raises for an unknown name
    return MODELS[name][0](config)


def model_name(model: nn.Module) -> str:
    """The registry name of ``model``'s architecture (unwrapping DDP), e.g. ``"cnn"``."""
    model = getattr(model, "module", model)
    for name, (model_type, _) in MODELS.items():
        if type(model) is model_type:
            return name
    raise ValueError(f"{type(model).__name__} is not a registered model; add it to MODELS")


__all__ = [
    "CNN",
    "MLP",
    "MODELS",
    "CNNConfig",
    "EpsUNet",
    "EpsUNetConfig",
    "MLPConfig",
    "TabularConfig",
    "TabularNet",
    "build_model",
    "config_class",
    "make_config",
    "model_name",
]
