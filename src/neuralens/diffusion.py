"""Denoising diffusion: noise an image step by step, learn to predict the noise, run it back.

The lecture's one modern architecture. Training (Ho et al. 2020, "DDPM"): take a clean
image x_0, pick a step t, mix in Gaussian noise eps in closed form,
x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps (eq. 4), and teach a network
eps_theta(x_t, t, y) to say which noise was added (eq. 14, "L_simple"). Sampling: start
from pure noise x_T and remove the predicted noise step by step, either with fresh noise
at each step (DDPM, Algorithm 2) or deterministically along the same path in far fewer
steps (DDIM, Song et al. 2021, eq. 12). A prompt steers it: the network is trained with
and without the class, and classifier-free guidance (Ho & Salimans 2022) pushes the
prediction further towards the class. Inpainting keeps the known pixels of an image and
regenerates the rest (re-imposed from the noised original at every step, as RePaint,
Lugmayr et al. 2022, with its resampling as an option).

This module knows no network: any ``eps_model(x_t, t, y) -> eps`` works, with ``x_t``
(N, C, H, W) in about [-1, 1], ``t`` (N,) int64 steps 0 .. T-1 and ``y`` (N,) int64
classes, ``NO_CLASS`` (-1) for "no prompt". Every random draw takes a seeded
``torch.Generator``. Images are in [-1, 1] here (``to_model_range``/``from_model_range``).

>>> schedule = make_schedule(ScheduleConfig(kind="linear", num_steps=10))
>>> def eps_model(x_t, t, y):  # a model that predicts no noise at all
...     return torch.zeros_like(x_t)
>>> steps = list(sample_steps(eps_model, schedule, torch.tensor([3]), num_steps=5,
...                           generator=torch.Generator().manual_seed(0), image_shape=(1, 4, 4)))
>>> len(steps), tuple(steps[-1].x.shape), steps[-1].t_prev
(5, (1, 1, 4, 4), -1)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F

NO_CLASS = -1  # the class label that means "no prompt" (the unconditional model)
SCHEDULE_KINDS = ("linear", "cosine")
PREDICTIONS = ("eps", "v")  # what the network outputs: the noise, or the velocity v
TIMESTEP_SAMPLINGS = ("uniform", "logit-normal")  # how training draws t (see ``training_steps``)
EpsModel = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass
class ScheduleConfig:
    """The noise schedule beta_1 .. beta_T; checkpoints store ``asdict`` of it."""

    kind: str = "cosine"  # linear (Ho et al. 2020) or cosine (Nichol & Dhariwal 2021)
    num_steps: int = 1000  # T, the number of noising steps
    beta_start: float = 1e-4  # linear: beta_1
    beta_end: float = 0.02  # linear: beta_T
    cosine_offset: float = 0.008  # cosine: s, keeps beta_1 from being vanishingly small
    max_beta: float = 0.999  # cosine: clip beta_t so the last steps stay finite
    prediction: str = "eps"  # the network predicts eps (Ho et al. 2020) or v (Salimans & Ho 2022)
    timestep_sampling: str = "uniform"  # training's t: uniform, or logit-normal (mid-noise)

    def __post_init__(self) -> None:
        if self.timestep_sampling not in TIMESTEP_SAMPLINGS:
            raise ValueError(f"unknown timestep_sampling {self.timestep_sampling!r}; choose "
                             f"{', '.join(TIMESTEP_SAMPLINGS)}")  # fmt: skip
        if self.kind not in SCHEDULE_KINDS:
            raise ValueError(f"unknown schedule {self.kind!r}; choose {', '.join(SCHEDULE_KINDS)}")
        if self.prediction not in PREDICTIONS:
            raise ValueError(
                f"unknown prediction {self.prediction!r}; choose {', '.join(PREDICTIONS)}"
            )
        if self.num_steps < 1:
            raise ValueError(f"num_steps (T) must be at least 1, got {self.num_steps}")
        if not 0 < self.beta_start <= self.beta_end < 1:
            raise ValueError(
                f"linear betas need 0 < beta_start <= beta_end < 1, "
                f"got {self.beta_start}, {self.beta_end}"
            )


@dataclass(frozen=True)
class Schedule:
    """beta_t, alpha_t = 1 - beta_t and alpha_bar_t = prod_{s<=t} alpha_s, as (T,) float64.

    Index t = 0 .. T-1 stands for the paper's step t + 1 (as in diffusers).
    """

    config: ScheduleConfig
    betas: torch.Tensor
    alphas: torch.Tensor
    alpha_bar: torch.Tensor

    @property
    def num_steps(self) -> int:
        return len(self.betas)

    def alpha_bar_at(self, t: torch.Tensor) -> torch.Tensor:
        """alpha_bar_t for steps ``t`` (any shape, int); step -1 (before step 0) gives 1."""
        padded = torch.cat([torch.ones(1, dtype=self.alpha_bar.dtype), self.alpha_bar])
        return padded.to(t.device)[t + 1]


def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    """beta_t rising linearly from beta_1 to beta_T (Ho et al. 2020, section 4).

    >>> linear_betas(3, 0.1, 0.3).tolist()
    [0.1, 0.2, 0.3]
    """
    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float64)


def cosine_alpha_bar(num_steps: int, offset: float = 0.008) -> torch.Tensor:
    """alpha_bar_t = f(t) / f(0), f(t) = cos^2(((t/T + s) / (1 + s)) pi/2), t = 1..T.

    Nichol & Dhariwal 2021, eq. 17: the signal fades slowly at both ends, so fewer steps
    are wasted on near-pure noise than with linear betas.

    >>> alpha_bar = cosine_alpha_bar(4)
    >>> bool((alpha_bar.diff() < 0).all()), round(float(alpha_bar[-1]), 6)
    (True, 0.0)
    """
    steps = torch.arange(num_steps + 1, dtype=torch.float64) / num_steps  # t/T, t = 0..T
    f = torch.cos((steps + offset) / (1 + offset) * math.pi / 2) ** 2
    return f[1:] / f[0]


def make_schedule(config: ScheduleConfig | None = None) -> Schedule:
    """Build the schedule ``config`` describes (linear betas, or cosine alpha_bar).

    >>> schedule = make_schedule(ScheduleConfig(kind="linear", num_steps=2,
    ...                                         beta_start=0.1, beta_end=0.5))
    >>> schedule.alpha_bar.tolist()  # (1 - 0.1) and (1 - 0.1)(1 - 0.5)
    [0.9, 0.45]
    """
    config = config or ScheduleConfig()
    if config.kind == "linear":
        betas = linear_betas(config.num_steps, config.beta_start, config.beta_end)
    else:
        alpha_bar = cosine_alpha_bar(config.num_steps, config.cosine_offset)
        previous = torch.cat([torch.ones(1, dtype=torch.float64), alpha_bar[:-1]])
        # beta_t = 1 - alpha_bar_t / alpha_bar_{t-1}, clipped (Nichol & Dhariwal 2021)
        betas = (1 - alpha_bar / previous).clamp(max=config.max_beta)
    alphas = 1 - betas
    return Schedule(config, betas, alphas, torch.cumprod(alphas, dim=0))


def to_model_range(images: torch.Tensor) -> torch.Tensor:
    """Images in [0, 1] -> [-1, 1], the range the noise is added in."""
    return images * 2 - 1


def from_model_range(x: torch.Tensor) -> torch.Tensor:
    """[-1, 1] -> images in [0, 1] (clipped)."""
    return ((x + 1) / 2).clamp(0, 1)


def _column(values: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """(N,) float64 -> (N, 1, 1, 1) in ``like``'s dtype, to broadcast over images."""
    return values.to(like.dtype).reshape(-1, *([1] * (like.ndim - 1)))


def q_sample(
    x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor, schedule: Schedule
) -> torch.Tensor:
    """x_t ~ q(x_t | x_0) in closed form: sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps.

    Ho et al. 2020, eq. 4: t noising steps in one go, no loop.

    Parameters
    ----------
    x0 : (N, C, H, W) clean images in [-1, 1]
    t : (N,) int steps, 0 .. T-1 (-1 leaves x0 unchanged)
    eps : (N, C, H, W) standard Gaussian noise
    schedule : the noise schedule

    Returns
    -------
    (N, C, H, W) noisy images x_t
    """
    alpha_bar = _column(schedule.alpha_bar_at(t), x0)  # (N, 1, 1, 1)
    return alpha_bar.sqrt() * x0 + (1 - alpha_bar).sqrt() * eps


def velocity(x0: torch.Tensor, eps: torch.Tensor, t: torch.Tensor, schedule: Schedule):
    """v = sqrt(alpha_bar_t) eps - sqrt(1 - alpha_bar_t) x_0 (Salimans & Ho 2022, section 4).

    The "velocity" of x_t along the circle x_t = cos(phi) x_0 + sin(phi) eps. A network that
    predicts v sees both parts: near t = 0 it is about eps, near t = T about -x_0, so the
    picture it must draw from pure noise is still its target (predicting eps there is
    ill-posed: x_t already *is* the noise, and x0_hat divides the error by sqrt(alpha_bar_T)).

    >>> schedule = make_schedule()
    >>> x0, eps = torch.ones(1, 1, 1, 1), torch.zeros(1, 1, 1, 1)
    >>> round(float(velocity(x0, eps, torch.tensor([999]), schedule)), 4)  # pure noise: -x_0
    -1.0
    """
    alpha_bar = _column(schedule.alpha_bar_at(t), x0)
    return alpha_bar.sqrt() * eps - (1 - alpha_bar).sqrt() * x0


def predictions(output: torch.Tensor, x_t: torch.Tensor, t: torch.Tensor, schedule: Schedule):
    """(eps_hat, x0_hat): the noise and the clean image a network's ``output`` stands for.

    Under the schedule's ``prediction``: from eps, x0_hat by eq. 4 (``predict_x0``); from v,
    eps_hat = sqrt(alpha_bar_t) v + sqrt(1 - alpha_bar_t) x_t and x0_hat = sqrt(alpha_bar_t) x_t
    - sqrt(1 - alpha_bar_t) v (the definition of v with x_t from eq. 4), both well defined
    even at alpha_bar_T ~ 0. Both maps are affine with the same x_t term for every prompt, so
    classifier-free guidance gives the same result whether it mixes v or eps.
    """
    if schedule.config.prediction == "eps":
        return output, predict_x0(x_t, t, output, schedule)
    alpha_bar = _column(schedule.alpha_bar_at(t), x_t)
    signal, noise = alpha_bar.sqrt(), (1 - alpha_bar).sqrt()
    return signal * output + noise * x_t, signal * x_t - noise * output


def training_steps(n: int, schedule: Schedule, device=None,
                   generator: torch.Generator | None = None) -> torch.Tensor:  # fmt: skip
    """The (n,) steps t a training batch is noised to, by ``schedule.config.timestep_sampling``.

    "uniform": every t in 0 .. T-1 equally often (Ho et al. 2020, Algorithm 1).
    "logit-normal": t / T = sigmoid(u), u ~ N(0, 1), so the middle of the noise range, where
    neither the noise nor the picture dominates and outlines are decided, is trained most and
    both ends least (Esser et al. 2024, eq. 19 with m = 0, s = 1).

    >>> config = ScheduleConfig(num_steps=1000, timestep_sampling="logit-normal")
    >>> seeded = torch.Generator().manual_seed(0)
    >>> t = training_steps(20_000, make_schedule(config), generator=seeded)
    >>> int(t.min()) >= 0 and int(t.max()) <= 999, bool(abs(t.float().median() - 500) < 15)
    (True, True)
    """
    T = schedule.num_steps
    if schedule.config.timestep_sampling == "uniform":
        return torch.randint(0, T, (n,), device=device, generator=generator)
    u = torch.randn(n, device=device, generator=generator)
    return (torch.sigmoid(u) * T).long().clamp_(0, T - 1)


def eps_loss(
    eps_model: EpsModel,
    x0: torch.Tensor,
    y: torch.Tensor,
    schedule: Schedule,
    label_dropout: float = 0.1,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """The training loss: || eps - eps_theta(x_t, t, y) ||^2 (Ho et al. 2020, eq. 14).

    t is uniform over the T steps (or as ``training_steps`` says), eps ~ N(0, I), x_t from
    ``q_sample``. A share
    ``label_dropout`` of the labels is replaced by ``NO_CLASS`` so the same network also
    learns the unconditional prediction that classifier-free guidance needs. With a
    schedule whose ``prediction`` is "v" the target is v instead (``velocity``): in eps
    terms the same error weighted by 1 / alpha_bar_t, so the noisiest steps, where the
    layout of the picture is decided, are no longer nearly free.

    Parameters
    ----------
    eps_model : eps_theta(x_t, t, y) (or v_theta under a v schedule)
    x0 : (N, C, H, W) clean images in [-1, 1]
    y : (N,) int64 classes, or (N, L) token ids (a dropped prompt becomes all ``NO_CLASS``)
    schedule : the noise schedule
    label_dropout : probability of dropping each label (Ho & Salimans 2022 use 0.1-0.2)
    generator : seeds t, eps and the label dropout (the global RNG when None)

    Returns
    -------
    the scalar mean squared error over pixels and images ("L_simple")
    """
    N, device = len(x0), x0.device
    t = training_steps(N, schedule, device, generator)
    eps = torch.randn(x0.shape, device=device, generator=generator, dtype=x0.dtype)
    dropped = torch.rand(N, device=device, generator=generator) < label_dropout
    dropped = dropped.view(N, *([1] * (y.ndim - 1)))  # one draw per prompt: (N,) or (N, L) ids
    y = torch.where(dropped, torch.full_like(y, NO_CLASS), y)
    target = eps if schedule.config.prediction == "eps" else velocity(x0, eps, t, schedule)
    return F.mse_loss(eps_model(q_sample(x0, t, eps, schedule), t, y), target)


def predict_x0(x_t: torch.Tensor, t: torch.Tensor, eps: torch.Tensor, schedule: Schedule):
    """x0_hat = (x_t - sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_bar_t): eq. 4 solved for x_0.

    The clean image the predicted noise implies (Song et al. 2021, eq. 9). Early in
    sampling it is a blurry average of every image the class could be; it sharpens as
    t falls.
    """
    alpha_bar = _column(schedule.alpha_bar_at(t), x_t)
    return (x_t - (1 - alpha_bar).sqrt() * eps) / alpha_bar.sqrt()


def guided_eps(
    eps_model: EpsModel, x_t: torch.Tensor, t: torch.Tensor, y: torch.Tensor, guidance: float
) -> torch.Tensor:
    """Classifier-free guidance: eps_uncond + s (eps_cond - eps_uncond).

    Ho & Salimans 2022, eq. 6 with s = 1 + w: s = 0 ignores the prompt, s = 1 is the
    plain conditional model, s > 1 pushes past it towards what makes the class the
    class (sharper, surer digits; less variety as s grows). Both predictions come from
    one forward pass on a doubled batch.
    """
    if guidance == 1:
        return eps_model(x_t, t, y)
    no_class = torch.full_like(y, NO_CLASS)
    if guidance == 0:
        return eps_model(x_t, t, no_class)
    both = eps_model(torch.cat([x_t, x_t]), torch.cat([t, t]), torch.cat([y, no_class]))
    eps_cond, eps_uncond = both.chunk(2)  # (2N, C, H, W) -> 2 x (N, C, H, W)
    return eps_uncond + guidance * (eps_cond - eps_uncond)


def ddpm_step(
    x_t: torch.Tensor,
    t: int,
    eps: torch.Tensor,
    schedule: Schedule,
    noise: torch.Tensor,
    clip: bool = False,
    x0_hat: torch.Tensor | None = None,
) -> torch.Tensor:
    """One ancestral step x_t -> x_{t-1} ~ p_theta(x_{t-1} | x_t) (Ho et al. 2020, Alg. 2).

    mean = 1/sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alpha_bar_t) eps)  (eq. 11), written
    through x0_hat as the posterior mean of eq. 7 (identical unless ``clip`` clamps
    x0_hat to [-1, 1]); variance sigma_t^2 = beta_tilde_t = (1 - alpha_bar_{t-1}) /
    (1 - alpha_bar_t) beta_t (eq. 7; diffusers' "fixed_small"). No noise at t = 0.

    Parameters
    ----------
    x_t : (N, C, H, W) current images
    t : the current step, 0 .. T-1
    eps : (N, C, H, W) the predicted noise eps_theta(x_t, t, y)
    schedule : the noise schedule
    noise : (N, C, H, W) standard Gaussian draw z
    clip : clamp x0_hat to [-1, 1] before forming the mean
    x0_hat : the predicted clean images when the network gave them directly (v-prediction);
        else computed from ``eps``

    Returns
    -------
    (N, C, H, W) x_{t-1}
    """
    step = torch.tensor([t])
    alpha_bar, alpha_bar_prev = schedule.alpha_bar_at(step), schedule.alpha_bar_at(step - 1)
    beta, alpha = schedule.betas[t], schedule.alphas[t]
    if x0_hat is None:
        x0_hat = predict_x0(x_t, step.expand(len(x_t)), eps, schedule)
    if clip:
        x0_hat = x0_hat.clamp(-1, 1)
    # eq. 7: mu_tilde = sqrt(alpha_bar_{t-1}) beta_t / (1 - alpha_bar_t) x_0
    #                 + sqrt(alpha_t) (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) x_t
    coef_x0 = float(alpha_bar_prev.sqrt() * beta / (1 - alpha_bar))
    coef_xt = float(alpha.sqrt() * (1 - alpha_bar_prev) / (1 - alpha_bar))
    mean = coef_x0 * x0_hat + coef_xt * x_t
    if t == 0:
        return mean
    variance = float((1 - alpha_bar_prev) / (1 - alpha_bar) * beta)  # beta_tilde_t
    return mean + variance**0.5 * noise


def ddim_step(
    x_t: torch.Tensor,
    t: int,
    t_prev: int,
    eps: torch.Tensor,
    schedule: Schedule,
    eta: float = 0.0,
    noise: torch.Tensor | None = None,
    clip: bool = False,
    x0_hat: torch.Tensor | None = None,
) -> torch.Tensor:
    """One DDIM step x_t -> x_{t_prev}, any jump t -> t_prev < t (Song et al. 2021, eq. 12).

    x_{t_prev} = sqrt(alpha_bar_prev) x0_hat                       ("predicted x_0")
                 + sqrt(1 - alpha_bar_prev - sigma^2) eps           ("direction to x_t")
                 + sigma z                                          (random noise)
    with sigma = eta sqrt((1 - alpha_bar_prev) / (1 - alpha_bar_t)) sqrt(1 - alpha_bar_t
    / alpha_bar_prev) (eq. 16). eta = 0 is deterministic (DDIM); eta = 1 with
    t_prev = t - 1 is exactly the DDPM step. t_prev = -1 lands on x0_hat (alpha_bar = 1).

    ``clip`` clamps x0_hat to [-1, 1] *and* recomputes eps from the clamped x0_hat (eq. 4
    solved for eps; diffusers' ``use_clipped_model_output``), so the step's two terms
    describe the same x_t. Clamping x0_hat alone pairs a clipped image with noise that
    implies the unclipped one: under guidance (s > 1) the surplus lands back in x_{t_prev}
    every step and the digits smear into ink blots (a 4,212-step model fell from 99.7 %
    to 35 % recognised at s = 3, 20 steps, that way).

    ``x0_hat``, when given, is the network's own clean image (v-prediction: see
    ``predictions``); otherwise it is computed from ``eps``.
    """
    step, previous = torch.tensor([t]), torch.tensor([t_prev])
    alpha_bar, alpha_bar_prev = schedule.alpha_bar_at(step), schedule.alpha_bar_at(previous)
    if x0_hat is None:
        x0_hat = predict_x0(x_t, step.expand(len(x_t)), eps, schedule)
    if clip:
        x0_hat = x0_hat.clamp(-1, 1)
        eps = (x_t - float(alpha_bar.sqrt()) * x0_hat) / float((1 - alpha_bar).sqrt())
    sigma = eta * ((1 - alpha_bar_prev) / (1 - alpha_bar) * (1 - alpha_bar / alpha_bar_prev)).sqrt()
    direction = float((1 - alpha_bar_prev - sigma**2).clamp(min=0).sqrt())
    x_prev = float(alpha_bar_prev.sqrt()) * x0_hat + direction * eps
    if eta > 0 and t_prev >= 0:
        if noise is None:
            raise ValueError("ddim_step with eta > 0 needs a noise draw")
        x_prev = x_prev + float(sigma) * noise
    return x_prev


def renoise(x_prev: torch.Tensor, t: int, t_prev: int, schedule: Schedule, noise: torch.Tensor):
    """Jump forward x_{t_prev} -> x_t ~ q(x_t | x_{t_prev}) (RePaint's resampling step).

    q(x_t | x_s) = N(sqrt(alpha_bar_t / alpha_bar_s) x_s, (1 - alpha_bar_t / alpha_bar_s) I),
    the forward process between any two steps s < t (from eq. 4).
    """
    ratio = schedule.alpha_bar_at(torch.tensor([t])) / schedule.alpha_bar_at(torch.tensor([t_prev]))
    return float(ratio.sqrt()) * x_prev + float((1 - ratio).sqrt()) * noise


def sampling_timesteps(num_steps: int, schedule: Schedule) -> list[int]:
    """The ``num_steps`` steps a sampler visits, from T-1 down ("trailing" spacing).

    Evenly spaced and always starting at the last step T-1, where x_T is pure noise
    (Lin et al. 2024 show that skipping it leaves signal in the "noise"). With
    num_steps = T every step is visited.

    >>> sampling_timesteps(4, make_schedule(ScheduleConfig(num_steps=1000)))
    [999, 749, 499, 249]
    """
    T = schedule.num_steps
    if not 1 <= num_steps <= T:
        raise ValueError(f"steps must be between 1 and the schedule's {T}, got {num_steps}")
    return [round(T - i * T / num_steps) - 1 for i in range(num_steps)]


@dataclass
class Step:
    """One sampling step: the images after it and the clean images the model predicted.

    ``index`` counts steps from 0; ``t`` is the schedule step it started from and
    ``t_prev`` the one it reached (-1: the end). ``x`` is x_{t_prev} (N, C, H, W),
    ``x0_hat`` the predicted clean images at step t, both in [-1, 1] (x may overshoot).
    """

    index: int
    num_steps: int
    t: int
    t_prev: int
    x: torch.Tensor
    x0_hat: torch.Tensor


def check_sampling(num_steps: int, guidance: float, schedule: Schedule, method: str) -> None:
    """One clear ValueError for a bad number of steps, guidance scale or method."""
    sampling_timesteps(num_steps, schedule)  # raises for steps out of range
    if not guidance >= 0:
        raise ValueError(f"guidance must be >= 0 (0: ignore the prompt), got {guidance}")
    if method not in ("ddim", "ddpm"):
        raise ValueError(f"method must be 'ddim' or 'ddpm', got {method!r}")
    if method == "ddpm" and num_steps != schedule.num_steps:
        raise ValueError(
            f"the DDPM sampler visits all {schedule.num_steps} steps; got steps={num_steps} "
            "(use method='ddim' for fewer)"
        )


@torch.no_grad()
def sample_steps(
    eps_model: EpsModel,
    schedule: Schedule,
    y: torch.Tensor,
    num_steps: int = 20,
    guidance: float = 3.0,
    generator: torch.Generator | None = None,
    image_shape: tuple[int, int, int] = (1, 28, 28),
    method: str = "ddim",
    known: torch.Tensor | None = None,
    known_mask: torch.Tensor | None = None,
    resample: int = 1,
    clip: bool = True,
) -> Iterator[Step]:
    """Sample one image per label of ``y``, yielding every step (so a page can stream it).

    Starts from x_T ~ N(0, I) and applies ``num_steps`` DDIM steps (eta = 0, deterministic
    given the start) or, with ``method="ddpm"``, all T ancestral steps (Algorithm 2).
    The noise prediction is guided (``guided_eps``) with scale ``guidance``.

    Inpainting: with ``known`` (N or 1, C, H, W) images in [-1, 1] and ``known_mask``
    (same shape, bool, True = keep), after every step the kept pixels are replaced by the
    original noised to the step reached (q_sample, eq. 4; the original itself at the end),
    so only the rest is generated and it is generated to fit (RePaint, Lugmayr et al.
    2022). ``resample`` > 1 repeats each step that many times, jumping back with fresh
    noise (``renoise``) in between, which harmonises the two regions further.

    Parameters
    ----------
    eps_model : eps_theta(x_t, t, y), or v_theta when the schedule's ``prediction`` is "v"
    schedule : the noise schedule the model was trained with
    y : (N,) int64 classes (``NO_CLASS`` for none)
    num_steps : steps, 1 .. T
    guidance : classifier-free guidance scale s >= 0
    generator : seeds x_T and every noise draw
    image_shape : (C, H, W) of one image
    method : "ddim" or "ddpm"
    known, known_mask : the inpainting original and which of its pixels to keep
    resample : RePaint's jumps per step (1: none)
    clip : clamp x0_hat to [-1, 1] at each step (images live there)

    Yields
    ------
    Step, ``num_steps`` times; the last one's ``x`` is the sample
    """
    check_sampling(num_steps, guidance, schedule, method)
    if resample < 1:
        raise ValueError(f"resample must be >= 1, got {resample}")
    N = len(y)
    shape = (N, *image_shape)
    x = torch.randn(shape, generator=generator)  # x_T
    if known is not None:
        known, known_mask = check_known(known, known_mask, shape)
    timesteps = sampling_timesteps(num_steps, schedule)
    for index, t in enumerate(timesteps):
        t_prev = timesteps[index + 1] if index + 1 < num_steps else -1
        for repeat in range(resample):
            steps = torch.full((N,), t)
            output = guided_eps(eps_model, x, steps, y, guidance)
            eps, x0_hat = predictions(output, x, steps, schedule)
            if method == "ddpm":
                noise = torch.randn(shape, generator=generator)
                x_prev = ddpm_step(x, t, eps, schedule, noise, clip=clip, x0_hat=x0_hat)
            else:
                x_prev = ddim_step(x, t, t_prev, eps, schedule, clip=clip, x0_hat=x0_hat)
            if known is not None:
                noise = torch.randn(shape, generator=generator)
                known_t = q_sample(known, torch.full((N,), t_prev), noise, schedule)
                x_prev = torch.where(known_mask, known_t, x_prev)
            if repeat + 1 < resample and t_prev >= 0:
                x = renoise(x_prev, t, t_prev, schedule, torch.randn(shape, generator=generator))
            else:
                break
        x = x_prev
        yield Step(index, num_steps, t, t_prev, x, x0_hat.clamp(-1, 1) if clip else x0_hat)


def check_known(
    known: torch.Tensor, known_mask: torch.Tensor | None, shape: tuple[int, ...]
) -> tuple[torch.Tensor, torch.Tensor]:
    """The inpainting original and mask broadcast to ``shape``; a ValueError if they do not fit."""
    if known_mask is None:
        raise ValueError("inpainting needs known_mask (True = keep the pixel) with known")
    if known.shape[1:] != shape[1:] or known_mask.shape[1:] != shape[1:]:
        raise ValueError(
            f"the image and its mask must both be (N, {', '.join(map(str, shape[1:]))}); "
            f"got image {tuple(known.shape)} and mask {tuple(known_mask.shape)}"
        )
    return known.expand(shape).float(), known_mask.expand(shape).bool()


def sample(eps_model: EpsModel, schedule: Schedule, y: torch.Tensor, **options) -> torch.Tensor:
    """The final images of ``sample_steps`` (same arguments), (N, C, H, W) in [-1, 1]."""
    *_, last = sample_steps(eps_model, schedule, y, **options)
    return last.x
