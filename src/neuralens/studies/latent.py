"""The latent-space study: encode, decode, move the numbers, compare with PCA and a U-Net.

What the explorer's chapter 9, the CLI, the benchmark and lesson 05 call. An auto-encoder
summarises a 28x28 digit in ``k`` numbers; here those numbers are encoded and decoded,
interpolated between two digits, sampled anew (a VAE from its prior; a plain
auto-encoder from a Gaussian fitted to its training latents, which shows why naive
sampling gives broken digits), bounded for sliders, and compared with the linear
summary of the same size, PCA (``k`` principal components of the same training images).

Images in: uint8 in 0..255 or floats in [0, 1]; shapes (28, 28), (N, 28, 28) or
(N, 1, 28, 28); anything else is a ValueError naming the expected shape (drawings and
photos go through ``neuralens.data.to_mnist`` first: MNIST's own resizing recipe).
Images out: float arrays (N, 28, 28) in [0, 1].

>>> import torch
>>> from neuralens.models.autoencoder import AutoEncoder, AutoEncoderConfig
>>> _ = torch.manual_seed(0)
>>> model = AutoEncoder(AutoEncoderConfig(latent_dim=4)).eval()
>>> decode(model, [0.0, 1.0, -1.0, 0.5]).shape
(1, 28, 28)
>>> decode(model, [0.0, 1.0])
Traceback (most recent call last):
...
ValueError: the decoder expects latent vectors (N, 4), got (1, 2)
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.decomposition import PCA
from torch import nn

from neuralens import checkpoints, weights
from neuralens.models.autoencoder import VAE, AutoEncoder

IMAGE_SIZE = 28
TASK = "reconstruct"
QUANTILES = (0.01, 0.99)  # slider bounds: where 98 % of the training latents lie


def as_images(images: np.ndarray | torch.Tensor, size: int = IMAGE_SIZE) -> torch.Tensor:
    """Gray images as a float tensor (N, 1, size, size) in [0, 1].

    >>> as_images(np.full((28, 28), 255, dtype=np.uint8)).shape
    torch.Size([1, 1, 28, 28])
    >>> as_images(np.zeros((2, 32, 32)))
    Traceback (most recent call last):
    ...
    ValueError: expected gray 28x28 images: (28, 28), (N, 28, 28) or (N, 1, 28, 28), got shape (2, 32, 32); resize drawings and photos with neuralens.data.to_mnist
    """  # noqa: E501
    x = torch.as_tensor(np.asarray(images) if not torch.is_tensor(images) else images)
    shape = tuple(x.shape)
    if x.ndim == 2:
        x = x[None, None]  # (H, W) -> (1, 1, H, W)
    elif x.ndim == 3:
        x = x[:, None]  # (N, H, W) -> (N, 1, H, W)
    if x.ndim != 4 or tuple(x.shape[1:]) != (1, size, size):
        raise ValueError(
            f"expected gray {size}x{size} images: ({size}, {size}), (N, {size}, {size}) or "
            f"(N, 1, {size}, {size}), got shape {shape}; resize drawings and photos with "
            "neuralens.data.to_mnist"
        )
    if x.dtype == torch.uint8:
        return x.float() / 255
    x = x.float()
    if not torch.isfinite(x).all() or x.min() < 0 or x.max() > 1:
        raise ValueError("float images must be finite and in [0, 1] (uint8 images: 0..255)")
    return x


def as_latents(z: np.ndarray | torch.Tensor | list, latent_dim: int) -> torch.Tensor:
    """Latent vectors as a float tensor (N, latent_dim); one vector (k,) becomes (1, k)."""
    z = torch.as_tensor(np.asarray(z, dtype=np.float32))
    z = z[None] if z.ndim == 1 else z
    if z.ndim != 2 or z.shape[1] != latent_dim:
        raise ValueError(
            f"the decoder expects latent vectors (N, {latent_dim}), got {tuple(z.shape)}"
        )
    if not torch.isfinite(z).all():
        raise ValueError("latent numbers must be finite, got NaN or infinity")
    return z


@torch.inference_mode()
def encode(model: AutoEncoder, images) -> np.ndarray:
    """Images -> their latent numbers (N, k) (a VAE: the mean of q(z|x))."""
    return model.eval().encode(as_images(images)).numpy()


@torch.inference_mode()
def decode(model: AutoEncoder, z) -> np.ndarray:
    """Latent numbers (k,) or (N, k) -> decoded images (N, 28, 28) in [0, 1]."""
    z = as_latents(z, model.config.latent_dim)
    return torch.sigmoid(model.eval().decode(z))[:, 0].numpy()


@torch.inference_mode()
def reconstruct(model: AutoEncoder, images) -> np.ndarray:
    """Images through the whole encoder-decoder (a U-Net: with its skips): (N, 28, 28)."""
    logits = model.eval()(as_images(images))[0]
    return torch.sigmoid(logits)[:, 0].numpy()


@torch.inference_mode()
def bottleneck_only(model: AutoEncoder, images) -> np.ndarray:
    """Images decoded from their latent numbers alone (a U-Net's skips set to zero)."""
    model.eval()
    return torch.sigmoid(model.decode(model.encode(as_images(images))))[:, 0].numpy()


def mse_per_image(images, reconstructions: np.ndarray) -> np.ndarray:
    """Mean squared error per pixel of each reconstruction, (N,), pixels in [0, 1].

    >>> mse_per_image(np.zeros((1, 28, 28), np.uint8), np.full((1, 28, 28), 0.5)).tolist()
    [0.25]
    """
    x = as_images(images)[:, 0].numpy()
    return ((x - reconstructions) ** 2).reshape(len(x), -1).mean(axis=1)


def interpolate_latents(z_a, z_b, steps: int) -> np.ndarray:
    """``steps`` points on the straight line from ``z_a`` to ``z_b``, both included: (steps, k).

    >>> interpolate_latents([0.0, 0.0], [1.0, 2.0], 3).tolist()
    [[0.0, 0.0], [0.5, 1.0], [1.0, 2.0]]
    """
    if steps < 2:
        raise ValueError(f"an interpolation needs at least 2 steps (both ends), got {steps}")
    z_a, z_b = np.asarray(z_a, dtype=np.float64), np.asarray(z_b, dtype=np.float64)
    t = np.linspace(0.0, 1.0, steps)[:, None]  # (steps, 1)
    return (1 - t) * z_a + t * z_b


def interpolate(model: AutoEncoder, a, b, steps: int = 8) -> np.ndarray:
    """Decoded images along the latent line from image ``a`` to image ``b``: (steps, 28, 28).

    The ends are the two images' own reconstructions; between them the decoder draws
    what lies on the way in latent space (pixels are never blended).
    """
    z = encode(model, np.stack([as_images(a)[0, 0], as_images(b)[0, 0]]))
    return decode(model, interpolate_latents(z[0], z[1], steps))


@dataclass
class LatentStats:
    """Where the training latents lie: their mean, covariance and per-number quantiles."""

    mean: np.ndarray  # (k,)
    cov: np.ndarray  # (k, k)
    low: np.ndarray  # (k,) QUANTILES[0] of each latent number: a slider's minimum
    high: np.ndarray  # (k,) QUANTILES[1]: a slider's maximum

    def to_dict(self) -> dict:
        """JSON-ready lists (a checkpoint's ``components``)."""
        return {name: value.tolist() for name, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, values: dict) -> LatentStats:
        return cls(**{name: np.asarray(values[name], dtype=np.float64)
                      for name in ("mean", "cov", "low", "high")})  # fmt: skip


def latent_stats(latents: np.ndarray, quantiles: tuple[float, float] = QUANTILES) -> LatentStats:
    """Mean, covariance and quantile bounds of (N, k) training latents.

    >>> stats = latent_stats(np.arange(202.0).reshape(101, 2))
    >>> stats.mean.tolist(), stats.low.tolist(), stats.high.tolist()
    ([100.0, 101.0], [2.0, 3.0], [198.0, 199.0])
    """
    latents = np.asarray(latents, dtype=np.float64)
    low, high = np.quantile(latents, quantiles, axis=0)
    return LatentStats(latents.mean(axis=0), np.atleast_2d(np.cov(latents.T)), low, high)


def latent_ranges(stats: LatentStats) -> list[tuple[float, float]]:
    """Slider bounds (low, high) per latent number: where the training latents lie."""
    return [(float(low), float(high)) for low, high in zip(stats.low, stats.high, strict=True)]


def sample_latents(model: AutoEncoder, n: int, stats: LatentStats | None = None,
                   seed: int = 0, temperature: float = 1.0) -> np.ndarray:  # fmt: skip
    """``n`` new latent vectors (n, k): a VAE's from its prior p(z) (N(0, I), or the mixture
    it learned); an auto-encoder's from a Gaussian N(mean, cov) fitted to its training
    latents (``stats``).

    ``temperature`` < 1 shrinks the spread around the mean (std x temperature): more
    typical, less varied samples. 1 is the model's own distribution.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 0 < temperature <= 10:
        raise ValueError(f"temperature must be in (0, 10], got {temperature}")
    if isinstance(model, VAE):
        generator = torch.Generator().manual_seed(seed)
        return model.sample_prior(n, generator, temperature).numpy()
    rng = np.random.default_rng(seed)
    if stats is None:
        raise ValueError("an auto-encoder has no prior: pass the LatentStats of its training "
                         "latents to sample from the Gaussian fitted to them")  # fmt: skip
    return rng.multivariate_normal(stats.mean, temperature**2 * stats.cov, size=n)


def sample(model: AutoEncoder, n: int, stats: LatentStats | None = None,
           seed: int = 0, temperature: float = 1.0) -> np.ndarray:  # fmt: skip
    """``n`` new images (n, 28, 28): decoded :func:`sample_latents`."""
    return decode(model, sample_latents(model, n, stats, seed, temperature))


def normal_grid(size: int, low: float = 0.05, high: float = 0.95) -> np.ndarray:
    """``size`` points spaced by the inverse Gaussian CDF of evenly spaced probabilities.

    Each grid cell then holds the same share of N(0, 1)'s mass, so a VAE's map is
    covered where its data lies (Kingma & Welling 2014, fig. 4).

    >>> normal_grid(3).round(3).tolist()
    [-1.645, 0.0, 1.645]
    """
    probabilities = torch.linspace(low, high, size, dtype=torch.float64)
    return torch.special.ndtri(probabilities).numpy()


def manifold(model: AutoEncoder, size: int = 15) -> np.ndarray:
    """A 2-number VAE's decoded grid: (size, size, 28, 28), row i = second number, top high."""
    if model.config.latent_dim != 2:
        raise ValueError(
            f"a manifold grid needs a 2-number latent space, got {model.config.latent_dim}"
        )
    values = normal_grid(size)
    z1, z2 = np.meshgrid(values, values[::-1])  # the top row holds the highest second number
    images = decode(model, np.stack([z1.ravel(), z2.ravel()], axis=1))
    return images.reshape(size, size, IMAGE_SIZE, IMAGE_SIZE)


@dataclass
class MapProjection:
    """A plane through the latent space: the 2-D map's coordinates and back.

    2 latent numbers: the plane is the latent space itself. More: the plane through the
    latents' mean spanned by their first two principal axes.
    """

    mean: np.ndarray  # (k,)
    axes: np.ndarray  # (2, k) orthonormal rows

    def to_map(self, z: np.ndarray) -> np.ndarray:
        """(N, k) latents -> (N, 2) map coordinates."""
        return (np.asarray(z) - self.mean) @ self.axes.T

    def to_latent(self, points: np.ndarray) -> np.ndarray:
        """(N, 2) map coordinates -> (N, k) latents on the plane."""
        return self.mean + np.atleast_2d(points) @ self.axes


def map_projection(latents: np.ndarray) -> MapProjection:
    """The identity for 2 numbers, else the first two principal axes of ``latents`` (N, k)."""
    latents = np.asarray(latents, dtype=np.float64)
    k = latents.shape[1]
    if k == 2:
        return MapProjection(np.zeros(2), np.eye(2))
    mean = latents.mean(axis=0)
    _, _, vt = np.linalg.svd(latents - mean, full_matrices=False)  # rows: principal axes
    return MapProjection(mean, vt[:2])


def fit_pca(images, k: int, seed: int = 0) -> PCA:
    """scikit-learn's PCA with ``k`` components fitted to the (N, 784) pixel rows of ``images``
    (float64: the eigenvectors of the 784 x 784 covariance, exact to rounding)."""
    pixels = as_images(images).reshape(-1, IMAGE_SIZE * IMAGE_SIZE).double().numpy()
    return PCA(n_components=k, svd_solver="covariance_eigh", random_state=seed).fit(pixels)


def pca_reconstruct(pca: PCA, images) -> np.ndarray:
    """The linear summary of the same size: project on the ``k`` principal axes and back.

    Returned unclipped (pixels may leave [0, 1] slightly): the error is PCA's own.
    """
    pixels = as_images(images).reshape(-1, IMAGE_SIZE * IMAGE_SIZE).double().numpy()
    return pca.inverse_transform(pca.transform(pixels)).reshape(-1, IMAGE_SIZE, IMAGE_SIZE)


def confident_share(probabilities: np.ndarray, threshold: float = 0.9) -> float:
    """Share of rows whose most likely class has probability >= ``threshold``.

    >>> confident_share(np.array([[0.95, 0.05], [0.6, 0.4]]))
    0.5
    """
    return float((np.asarray(probabilities).max(axis=1) >= threshold).mean())


def load_latent_model(source: str | Path, latent_dim: int | None = None) -> nn.Module:
    """A trained auto-encoder or VAE: a shipped name (see ``SHIPPED``) or a checkpoint path.

    ``latent_dim``: refuse weights with another latent size. Weights trained for another
    task (a classifier's, say) are a clear error too.
    """
    path = weights.weights_path(source) if source in SHIPPED else Path(source)
    model = checkpoints.load_model(path, task=TASK)
    if latent_dim is not None and model.config.latent_dim != latent_dim:
        raise ValueError(f"{path} holds a model with {model.config.latent_dim} latent numbers, "
                         f"not {latent_dim}")  # fmt: skip
    return model


def shipped_stats(source: str | Path) -> LatentStats:
    """The training-latent statistics stored with a trained model (its ``components``)."""
    path = weights.weights_path(source) if source in SHIPPED else Path(source)
    components = checkpoints.load(path).metadata.get("components") or {}
    if "latent_stats" not in components:
        raise ValueError(f"{path} stores no training-latent statistics; compute them with "
                         "latent_stats(encode(model, training_images))")  # fmt: skip
    return LatentStats.from_dict(components["latent_stats"])


# shipped name -> (model, dataset, latent numbers, epochs, extra config): `make weights` trains
# them with ship_latent_models; the epochs are those the shipped files were trained with. The
# two main models take the recipe's dense path, three 512-wide layers each side (5.5 MB each
# as float16: one such layer bought test MSE 0.0244 -> 0.0236 and surer samples, three 0.0231
# in a 3-epoch run); the three contrasts keep 64 wide (0.5 MB each). The
# 2-number VAE keeps the N(0, I) prior: its map and manifold grid are read on that scale.
SMALL = {"hidden_size": 64}
SHIPPED = {
    "autoencoder": ("autoencoder", "mnist", 4, 8, {}),
    "vae": ("vae", "mnist", 4, 7, {}),
    "vae-2d": ("vae", "mnist", 2, 1, {**SMALL, "prior_components": 0}),
    "autoencoder-fashion": ("autoencoder", "fashion-mnist", 4, 1, SMALL),
    "autoencoder-skips": ("autoencoder", "mnist", 4, 1, {**SMALL, "skips": True}),  # the U-Net
}


@dataclass
class Study:
    """Everything a page or lesson shows for one dataset: trained models, their training
    latents' statistics, the PCA of the same size, and test images to try them on.

    ``models`` maps a shipped role ("autoencoder", "vae", "vae-2d", "autoencoder-skips")
    to its model; Fashion-MNIST has only the auto-encoder.
    """

    dataset: str
    models: dict[str, AutoEncoder]
    stats: dict[str, LatentStats]
    pca: PCA
    images: np.ndarray  # (N, 28, 28) uint8 test images (the bundled mini split)
    labels: np.ndarray  # (N,)
    classes: tuple[str, ...]


# dataset -> role -> shipped weights' name
STUDY_WEIGHTS = {
    "mnist": {"autoencoder": "autoencoder", "vae": "vae", "vae-2d": "vae-2d",
              "autoencoder-skips": "autoencoder-skips"},
    "fashion-mnist": {"autoencoder": "autoencoder-fashion"},
}  # fmt: skip


def load_study(dataset: str = "mnist") -> Study:
    """The shipped models of ``dataset`` with PCA(4) fitted on its bundled training images."""
    from neuralens.data.mnist import DATASETS

    if dataset not in STUDY_WEIGHTS:
        raise ValueError(
            f"no shipped latent models for {dataset!r}; choose {', '.join(STUDY_WEIGHTS)}"
        )
    loader, _, classes = DATASETS[dataset]
    train, _ = loader("train", "mini")
    images, labels = loader("test", "mini")
    models = {role: load_latent_model(name) for role, name in STUDY_WEIGHTS[dataset].items()}
    stats = {role: shipped_stats(name) for role, name in STUDY_WEIGHTS[dataset].items()}
    pca = fit_pca(train, models["autoencoder"].config.latent_dim)
    return Study(dataset, models, stats, pca, images, labels, tuple(classes))


def compare_reconstructions(study: Study, digits) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each method's reconstructions of ``digits`` and their MSE per pixel, by method name.

    The U-Net row shows the skips at work; "U-Net, bottleneck alone" decodes its 4
    numbers with the skips set to zero.
    """
    rows: dict[str, np.ndarray] = {}
    models = study.models
    k = models["autoencoder"].config.latent_dim
    rows[f"auto-encoder ({k})"] = reconstruct(models["autoencoder"], digits)
    if "vae" in models:
        rows[f"VAE ({k})"] = reconstruct(models["vae"], digits)
    rows[f"PCA ({k})"] = pca_reconstruct(study.pca, digits)
    if "autoencoder-skips" in models:
        rows[f"U-Net ({k} + skips)"] = reconstruct(models["autoencoder-skips"], digits)
        rows["U-Net, bottleneck alone"] = bottleneck_only(models["autoencoder-skips"], digits)
    return {name: (images, mse_per_image(digits, images)) for name, images in rows.items()}


def float16_weights(model: nn.Module) -> nn.Module:
    """A copy of ``model`` with its weights rounded to float16 (half the file); its buffers
    (batch norm's running statistics) stay float32: a variance can pass float16's largest
    number, 65504, and would be stored as infinity.

    >>> from neuralens.models.autoencoder import AutoEncoderConfig
    >>> model = AutoEncoder(AutoEncoderConfig(image_size=8, channels=(4, 8)))
    >>> model.stem.norm.running_var.fill_(1e6)  # doctest: +ELLIPSIS
    tensor(...)
    >>> half = float16_weights(model)
    >>> half.stem.conv.weight.dtype, half.stem.norm.running_var.dtype
    (torch.float16, torch.float32)
    """
    copy = deepcopy(model)
    for name, parameter in copy.named_parameters():
        parameter.data = parameter.data.half()
        if not torch.isfinite(parameter).all():
            raise ValueError(f"weight {name} does not fit in float16 (|w| > 65504); save it "
                             "as float32")  # fmt: skip
    return copy


def train_latent_model(model_name: str, dataset: str, out_path: str | Path | None = None,
                       latent_dim: int = 4, num_epochs: int | None = None, seed: int = 0,
                       train_limit: int | None = None, half: bool = False,
                       on_step=None, **model_options) -> tuple[AutoEncoder, dict]:  # fmt: skip
    """Train ``model_name`` ("autoencoder" or "vae") by the ``reconstruct`` recipe on ``dataset``;
    save it (with its training latents' statistics, for sliders and sampling) to ``out_path``.

    ``half``: store the weights as float16 (half the file; they load back as float32).
    Returns the model and a summary (test MSE per pixel, steps, training seconds).
    """
    from dataclasses import replace

    from neuralens.tasks.reconstruct import TASK, image_data, reconstruction_errors
    from neuralens.tasks.run import train_model

    recipe = TASK.recipe_for(model_name)
    train = replace(recipe.train, seed=seed, progress=False,
                    num_epochs=num_epochs or recipe.train.num_epochs)  # fmt: skip
    config = replace(recipe.model_config, latent_dim=latent_dim, **model_options)
    data = image_data(dataset, "cpu", train_limit)
    model, history = train_model(TASK, recipe, data, train, model_config=config, on_step=on_step)
    model = model.cpu().eval()
    shipped = float16_weights(model) if half else model
    model.load_state_dict(shipped.state_dict())  # scored and described as the file holds it
    test_mse = float(reconstruction_errors(model, data.eval_images).mean())
    stats = latent_stats(encode(model, data.images))
    summary = {"model": model_name, "data": dataset, "latent_dim": latent_dim,
               "test_mse": test_mse, "steps": int(history.last("step")),
               "train_time": float(history.last("train_time"))}  # fmt: skip
    if out_path is not None:
        checkpoints.save_model(out_path, shipped, task=TASK.name, input_spec=data.input_spec(),
                               metrics={"test_mse": test_mse,
                                        "test_examples": len(data.eval_images)},
                               components={"latent_stats": stats.to_dict()}, data=dataset,
                               seed=seed, train_config=asdict(train),
                               history=history.to_dict())  # fmt: skip
        summary["weights"] = str(out_path)
    return model, summary


def ship_latent_models(out_dir: str | Path, names: tuple[str, ...] = tuple(SHIPPED)) -> list[dict]:
    """Train the shipped latent models (``SHIPPED``) into ``out_dir``, weights as float16."""
    summaries = []
    for name in names:
        model_name, dataset, latent_dim, num_epochs, options = SHIPPED[name]
        path = Path(out_dir) / f"{name}.safetensors"
        _, summary = train_latent_model(model_name, dataset, path, latent_dim, num_epochs,
                                        half=True, **options)  # fmt: skip
        summaries.append(summary)
    return summaries
