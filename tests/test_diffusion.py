"""The diffusion algorithm on its own: schedules, noising, samplers, guidance, inpainting."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch

from neuralens import diffusion
from neuralens.diffusion import ScheduleConfig, make_schedule

LINEAR = ScheduleConfig(kind="linear", num_steps=50, beta_start=1e-3, beta_end=0.2)
COSINE = ScheduleConfig(kind="cosine", num_steps=40)


def point_mass_eps(center: torch.Tensor, schedule):
    """The exact noise predictor when every training image is ``center``."""

    def eps_model(x_t, t, y):
        alpha_bar = schedule.alpha_bar_at(t).float().reshape(-1, 1, 1, 1)
        return (x_t - alpha_bar.sqrt() * center) / (1 - alpha_bar).sqrt()

    return eps_model


def toy_eps(x_t, t, y):
    """A smooth stand-in network whose answer depends on x_t, t and the class."""
    shift = 0.1 * torch.where(y < 0, torch.zeros_like(y), y + 1).float()
    return 0.3 * x_t + torch.sin(t.float() / 7).reshape(-1, 1, 1, 1) + shift.reshape(-1, 1, 1, 1)


def test_linear_alpha_bar_is_the_product_of_alphas():
    schedule = make_schedule(LINEAR)
    betas = torch.linspace(1e-3, 0.2, 50, dtype=torch.float64)
    expected = torch.tensor([math.prod(1 - b for b in betas[: t + 1].tolist()) for t in range(50)])
    torch.testing.assert_close(schedule.alpha_bar, expected.double())
    assert schedule.alpha_bar_at(torch.tensor([-1])).item() == 1.0


def test_cosine_schedule_follows_nichol_dhariwal():
    schedule = make_schedule(COSINE)
    T, s = 40, 0.008
    f = [math.cos((t / T + s) / (1 + s) * math.pi / 2) ** 2 for t in range(T + 1)]
    # alpha_bar_t = f(t)/f(0) (eq. 17) until the beta clip bites at the very last step
    torch.testing.assert_close(schedule.alpha_bar[:-1], torch.tensor(f[1:T]).double() / f[0])
    assert 0 < schedule.betas.min() and schedule.betas.max() <= 0.999
    assert bool((schedule.alpha_bar.diff() < 0).all()) and schedule.alpha_bar[-1] < 1e-4


def test_closed_form_noising_matches_iterated_noising_in_moments():
    schedule = make_schedule(LINEAR)
    generator = torch.Generator().manual_seed(0)
    x0 = torch.tensor([-1.0, 0.2, 0.9]).repeat(20_000, 1)  # (n, 3): three pixel values
    x = x0.clone().double()
    for t in range(30):  # q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I) (eq. 2)
        noise = torch.randn(x.shape, generator=generator, dtype=torch.float64)
        x = (1 - schedule.betas[t]).sqrt() * x + schedule.betas[t].sqrt() * noise
    t = torch.full((len(x0),), 29)
    eps = torch.randn(x0.shape, generator=generator)
    closed = diffusion.q_sample(x0[:, :, None, None], t, eps[:, :, None, None], schedule)[..., 0, 0]
    alpha_bar = schedule.alpha_bar[29].item()
    for sample in (x.float(), closed):
        # mean sqrt(alpha_bar) x0, variance 1 - alpha_bar (eq. 4), to sampling error
        torch.testing.assert_close(sample.mean(0), alpha_bar**0.5 * x0[0], atol=0.03, rtol=0)
        torch.testing.assert_close(
            sample.var(0), torch.full((3,), 1 - alpha_bar), atol=0.03, rtol=0
        )
    torch.testing.assert_close(x.float().mean(0), closed.mean(0), atol=0.04, rtol=0)


def test_eps_loss_is_zero_for_the_exact_noise_predictor():
    schedule = make_schedule(LINEAR)
    center = torch.rand(1, 1, 4, 4) * 2 - 1
    x0 = center.expand(16, 1, 4, 4)
    labels = torch.zeros(16, dtype=torch.int64)
    generator = torch.Generator().manual_seed(0)
    exact = diffusion.eps_loss(point_mass_eps(center, schedule), x0, labels, schedule,
                               generator=generator)  # fmt: skip
    zero = diffusion.eps_loss(lambda x, t, y: torch.zeros_like(x), x0, labels, schedule,
                              generator=generator)  # fmt: skip
    assert exact.item() < 1e-8 and 0.5 < zero.item() < 1.5  # E||eps||^2 / d = 1


def point_mass_v(center: torch.Tensor, schedule):
    """The exact v predictor when every training image is ``center``."""
    eps_model = point_mass_eps(center, schedule)

    def v_model(x_t, t, y):
        return diffusion.velocity(center.expand_as(x_t), eps_model(x_t, t, y), t, schedule)

    return v_model


def test_v_loss_is_zero_for_the_exact_v_predictor_and_not_for_the_eps_one():
    schedule = make_schedule(replace(LINEAR, prediction="v"))
    center = torch.rand(1, 1, 4, 4) * 2 - 1
    x0, labels = center.expand(16, 1, 4, 4), torch.zeros(16, dtype=torch.int64)

    def loss(model):
        generator = torch.Generator().manual_seed(0)
        return diffusion.eps_loss(model, x0, labels, schedule, generator=generator).item()

    assert loss(point_mass_v(center, schedule)) < 1e-8
    assert loss(point_mass_eps(center, schedule)) > 0.1  # eps is not the target any more


def test_v_is_eps_at_no_noise_and_minus_x0_at_pure_noise():
    schedule = make_schedule(ScheduleConfig(prediction="v"))  # cosine, T = 1000
    x0, eps = torch.full((1, 1, 2, 2), 0.5), torch.full((1, 1, 2, 2), -2.0)
    first, last = torch.tensor([0]), torch.tensor([999])
    assert diffusion.velocity(x0, eps, first, schedule).sub(eps).abs().max() < 0.02
    assert diffusion.velocity(x0, eps, last, schedule).add(x0).abs().max() < 1e-3
    x_t = diffusion.q_sample(x0, last, eps, schedule)
    v = diffusion.velocity(x0, eps, last, schedule)
    eps_hat, x0_hat = diffusion.predictions(v, x_t, last, schedule)
    torch.testing.assert_close(eps_hat, eps)
    torch.testing.assert_close(x0_hat, x0)  # exact even where alpha_bar_T = 2.4e-9


@pytest.mark.parametrize("num_steps", [1, 7, 40])
def test_ddim_lands_on_the_only_training_image_with_the_exact_v_model(num_steps):
    schedule = make_schedule(replace(COSINE, prediction="v"))
    center = torch.rand(1, 1, 5, 5, generator=torch.Generator().manual_seed(1)) * 2 - 1
    images = diffusion.sample(
        point_mass_v(center, schedule), schedule, torch.tensor([0, 1]), num_steps=num_steps,
        guidance=1.0, generator=torch.Generator().manual_seed(0), image_shape=(1, 5, 5),
        clip=False,
    )  # fmt: skip
    torch.testing.assert_close(images, center.expand(2, 1, 5, 5), atol=1e-4, rtol=0)


def test_label_dropout_sends_no_class_to_the_model():
    seen = []

    def eps_model(x, t, y):
        seen.append(y)
        return torch.zeros_like(x)

    schedule = make_schedule(LINEAR)
    x0, y = torch.zeros(2000, 1, 2, 2), torch.full((2000,), 4)
    diffusion.eps_loss(eps_model, x0, y, schedule, label_dropout=0.1,
                       generator=torch.Generator().manual_seed(0))  # fmt: skip
    dropped = (seen[0] == diffusion.NO_CLASS).float().mean().item()
    assert 0.07 < dropped < 0.13 and set(seen[0].tolist()) == {4, diffusion.NO_CLASS}


@pytest.mark.parametrize("num_steps", [1, 7, 40])
def test_ddim_lands_on_the_only_training_image_with_the_exact_model(num_steps):
    schedule = make_schedule(COSINE)
    center = torch.rand(1, 1, 5, 5, generator=torch.Generator().manual_seed(1)) * 2 - 1
    images = diffusion.sample(
        point_mass_eps(center, schedule), schedule, torch.tensor([0, 1, 2]),
        num_steps=num_steps, guidance=1.0, generator=torch.Generator().manual_seed(0),
        image_shape=(1, 5, 5), clip=False,
    )  # fmt: skip
    torch.testing.assert_close(images, center.expand(3, 1, 5, 5), atol=1e-4, rtol=0)


@pytest.mark.parametrize("clip", [False, True], ids=["raw", "clipped"])
def test_ddim_with_eta_one_and_every_step_is_the_ddpm_step(clip):
    # clipped too: DDPM's posterior mean uses the clamped x0_hat, so DDIM must pair the
    # clamped x0_hat with the eps it implies (toy_eps sends x0_hat far outside [-1, 1])
    schedule = make_schedule(LINEAR)
    generator = torch.Generator().manual_seed(0)
    x_t = torch.randn(2, 1, 3, 3, generator=generator)
    for t in (49, 20, 1, 0):
        eps = toy_eps(x_t, torch.full((2,), t), torch.tensor([1, 2]))
        noise = torch.randn(x_t.shape, generator=generator)
        ddpm = diffusion.ddpm_step(x_t, t, eps, schedule, noise, clip=clip)
        ddim = diffusion.ddim_step(x_t, t, t - 1, eps, schedule, eta=1.0, noise=noise, clip=clip)
        torch.testing.assert_close(ddim, ddpm, atol=1e-5, rtol=1e-5)


def test_ddpm_step_mean_is_algorithm_2():
    schedule = make_schedule(LINEAR)
    x_t = torch.randn(2, 1, 3, 3, generator=torch.Generator().manual_seed(0))
    t = 30
    eps = toy_eps(x_t, torch.full((2,), t), torch.tensor([0, 5]))
    mean = diffusion.ddpm_step(x_t, t, eps, schedule, torch.zeros_like(x_t))
    beta, alpha, alpha_bar = (float(v[t]) for v in (schedule.betas, schedule.alphas,
                                                    schedule.alpha_bar))  # fmt: skip
    expected = (x_t - beta / math.sqrt(1 - alpha_bar) * eps) / math.sqrt(alpha)  # eq. 11
    torch.testing.assert_close(mean, expected, atol=1e-5, rtol=1e-5)


def test_sampling_is_seeded_and_yields_every_step():
    schedule = make_schedule(COSINE)
    y = torch.tensor([0, 3, 9, diffusion.NO_CLASS])

    def run(seed):
        return list(diffusion.sample_steps(
            toy_eps, schedule, y, num_steps=6, guidance=2.0, image_shape=(1, 8, 8),
            generator=torch.Generator().manual_seed(seed),
        ))  # fmt: skip

    first, again, other = run(0), run(0), run(1)
    assert [step.index for step in first] == list(range(6))
    assert [step.t for step in first] == diffusion.sampling_timesteps(6, schedule)
    assert first[-1].t_prev == -1
    for step in first:
        assert step.x.shape == step.x0_hat.shape == (4, 1, 8, 8)
    torch.testing.assert_close(first[-1].x, again[-1].x, atol=0, rtol=0)
    assert not torch.allclose(first[-1].x, other[-1].x)


def test_ddpm_sampler_visits_every_step():
    schedule = make_schedule(LINEAR)
    steps = list(diffusion.sample_steps(
        toy_eps, schedule, torch.tensor([2]), num_steps=50, method="ddpm", image_shape=(1, 2, 2),
        generator=torch.Generator().manual_seed(0),
    ))  # fmt: skip
    assert [step.t for step in steps] == list(range(49, -1, -1))
    assert torch.isfinite(steps[-1].x).all()


def test_guidance_extrapolates_from_the_unconditional_prediction():
    x_t, t, y = torch.zeros(2, 1, 2, 2), torch.tensor([3, 3]), torch.tensor([1, 4])
    cond, uncond = toy_eps(x_t, t, y), toy_eps(x_t, t, torch.full_like(y, diffusion.NO_CLASS))
    for scale in (0.0, 1.0, 3.0):
        guided = diffusion.guided_eps(toy_eps, x_t, t, y, scale)
        torch.testing.assert_close(guided, uncond + scale * (cond - uncond))


def test_inpainting_keeps_the_known_pixels_exactly():
    schedule = make_schedule(COSINE)
    known = torch.rand(1, 1, 6, 6, generator=torch.Generator().manual_seed(2)) * 2 - 1
    keep = torch.zeros(1, 1, 6, 6, dtype=torch.bool)
    keep[..., :3, :] = True  # keep the top half, repaint the bottom
    for resample in (1, 3):
        images = diffusion.sample(
            toy_eps, schedule, torch.tensor([1, 7]), num_steps=5, image_shape=(1, 6, 6),
            generator=torch.Generator().manual_seed(0), known=known, known_mask=keep,
            resample=resample,
        )  # fmt: skip
        torch.testing.assert_close(images[..., :3, :], known[..., :3, :].expand(2, 1, 3, 6),
                                   atol=0, rtol=0)  # fmt: skip
        assert not torch.allclose(images[0, ..., 3:, :], known[0, ..., 3:, :])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"num_steps": 0}, "steps must be between 1 and the schedule's 40"),
        ({"num_steps": 41}, "steps must be between 1 and the schedule's 40"),
        ({"guidance": -0.5}, "guidance must be >= 0"),
        ({"method": "ddpm", "num_steps": 5}, "DDPM sampler visits all 40 steps"),
        ({"known": torch.zeros(1, 1, 4, 4), "known_mask": torch.ones(1, 1, 5, 4)},
         "image and its mask must both be"),
    ],
)  # fmt: skip
def test_bad_sampling_arguments_raise_one_clear_error(options, message):
    schedule = make_schedule(COSINE)
    with pytest.raises(ValueError, match=message):
        diffusion.sample(toy_eps, schedule, torch.tensor([1]), image_shape=(1, 4, 4),
                         **{"num_steps": 4, **options})  # fmt: skip


def test_bad_schedules_raise():
    with pytest.raises(ValueError, match="unknown schedule 'quadratic'"):
        ScheduleConfig(kind="quadratic")
    with pytest.raises(ValueError, match="num_steps"):
        ScheduleConfig(num_steps=0)
    with pytest.raises(ValueError, match="unknown prediction 'x0'; choose eps, v"):
        ScheduleConfig(prediction="x0")


# --- diffusers as an independent reference (dev-only; skipped when it is not installed) ---


def _diffusers_kwargs(config: ScheduleConfig) -> dict:
    if config.kind == "linear":
        return {"beta_schedule": "linear", "beta_start": config.beta_start,
                "beta_end": config.beta_end}  # fmt: skip
    return {"beta_schedule": "squaredcos_cap_v2"}


@pytest.mark.parametrize("config", [LINEAR, COSINE], ids=["linear", "cosine"])
@pytest.mark.parametrize("num_steps", [5, 10, None], ids=["5", "10", "all"])
def test_ddim_trajectory_matches_diffusers(config, num_steps):
    # step counts that divide T: diffusers then jumps to the next visited step, as we do
    schedulers = pytest.importorskip("diffusers.schedulers")
    num_steps = num_steps or config.num_steps
    reference = schedulers.DDIMScheduler(
        num_train_timesteps=config.num_steps, clip_sample=False, set_alpha_to_one=True,
        timestep_spacing="trailing", **_diffusers_kwargs(config),
    )  # fmt: skip
    reference.set_timesteps(num_steps)
    schedule = make_schedule(config)
    y = torch.tensor([2, diffusion.NO_CLASS])
    ours = diffusion.sample_steps(
        toy_eps, schedule, y, num_steps=num_steps, guidance=1.0, image_shape=(1, 3, 3),
        generator=torch.Generator().manual_seed(0), clip=False,
    )  # fmt: skip
    x = torch.randn(2, 1, 3, 3, generator=torch.Generator().manual_seed(0))
    for t, step in zip(reference.timesteps.tolist(), ours, strict=True):
        assert step.t == t
        x = reference.step(toy_eps(x, torch.full((2,), t), y), t, x).prev_sample
        torch.testing.assert_close(step.x, x, atol=2e-5, rtol=2e-5)


@pytest.mark.parametrize("config", [LINEAR, COSINE], ids=["linear", "cosine"])
@pytest.mark.parametrize("prediction", ["eps", "v"])
@pytest.mark.parametrize("clip", [False, True], ids=["raw", "clipped"])
def test_ddim_trajectory_matches_diffusers_for_eps_and_v_raw_and_clipped(config, prediction, clip):
    # clipped: diffusers' use_clipped_model_output, the eps implied by the clipped x0_hat
    schedulers = pytest.importorskip("diffusers.schedulers")
    prediction_type = {"eps": "epsilon", "v": "v_prediction"}[prediction]
    reference = schedulers.DDIMScheduler(
        num_train_timesteps=config.num_steps, clip_sample=clip, set_alpha_to_one=True,
        timestep_spacing="trailing", prediction_type=prediction_type, **_diffusers_kwargs(config),
    )  # fmt: skip
    reference.set_timesteps(10)
    schedule = make_schedule(replace(config, prediction=prediction))
    y = torch.tensor([2, diffusion.NO_CLASS])
    ours = diffusion.sample_steps(
        toy_eps, schedule, y, num_steps=10, guidance=1.0, image_shape=(1, 3, 3),
        generator=torch.Generator().manual_seed(0), clip=clip,
    )  # fmt: skip
    x = torch.randn(2, 1, 3, 3, generator=torch.Generator().manual_seed(0))
    for t, step in zip(reference.timesteps.tolist(), ours, strict=True):
        output = toy_eps(x, torch.full((2,), t), y)  # the stand-in network's eps or v
        x = reference.step(output, t, x, use_clipped_model_output=clip).prev_sample
        torch.testing.assert_close(step.x, x, atol=2e-5, rtol=2e-5)


@pytest.mark.parametrize("config", [LINEAR, COSINE], ids=["linear", "cosine"])
def test_ddpm_step_matches_diffusers(config):
    schedulers = pytest.importorskip("diffusers.schedulers")
    reference = schedulers.DDPMScheduler(
        num_train_timesteps=config.num_steps, clip_sample=False, variance_type="fixed_small",
        **_diffusers_kwargs(config),
    )  # fmt: skip
    schedule = make_schedule(config)
    x_t = torch.randn(2, 1, 3, 3, generator=torch.Generator().manual_seed(0))
    for t in (config.num_steps - 1, 17, 1, 0):
        eps = toy_eps(x_t, torch.full((2,), t), torch.tensor([0, 3]))
        expected = reference.step(eps, t, x_t, generator=torch.Generator().manual_seed(t))
        noise = torch.randn(x_t.shape, generator=torch.Generator().manual_seed(t))
        ours = diffusion.ddpm_step(x_t, t, eps, schedule, noise)
        torch.testing.assert_close(ours, expected.prev_sample, atol=2e-5, rtol=2e-5)
        torch.testing.assert_close(
            diffusion.predict_x0(x_t, torch.full((2,), t), eps, schedule),
            expected.pred_original_sample, atol=2e-5, rtol=2e-5,
        )  # fmt: skip


def test_logit_normal_steps_favour_the_middle_and_uniform_ones_do_not():
    """Training's t: logit-normal puts 51 % of draws in the middle third of 0 .. T-1
    (sigmoid(u) in [1/3, 2/3] when |u| < log 2, P = 0.513 for u ~ N(0, 1)), uniform a third."""
    generator = torch.Generator().manual_seed(0)
    shares = {}
    for sampling in diffusion.TIMESTEP_SAMPLINGS:
        schedule = diffusion.make_schedule(diffusion.ScheduleConfig(timestep_sampling=sampling))
        t = diffusion.training_steps(50_000, schedule, generator=generator)
        assert t.dtype == torch.int64 and 0 <= int(t.min()) and int(t.max()) <= 999
        shares[sampling] = ((t >= 333) & (t < 667)).float().mean().item()
    assert abs(shares["uniform"] - 1 / 3) < 0.01
    assert abs(shares["logit-normal"] - 0.51) < 0.01
    with pytest.raises(ValueError, match="timestep_sampling"):
        diffusion.ScheduleConfig(timestep_sampling="cosine")
