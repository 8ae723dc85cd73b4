"""The four vision tasks with one network: a number, boxes, a mask, instances (+ an image).

One U-Net (``models/unet.py``) is trained on all heads at once; the loss is the sum
of each head's standard loss:

- presence (multi-label "which classes are there?"): binary cross-entropy per class;
- boxes (CenterNet, Zhou et al. 2019): the penalty-reduced focal loss on the class
  heatmaps (their eq. 1, alpha = 2, beta = 4) + L1 on size and offset at centres;
- mask: per-pixel cross-entropy over background + classes;
- instances (Panoptic-DeepLab): L1 on each foreground pixel's offset to its box centre;
- image: half the batch gets Gaussian noise; the image head must return the clean
  scene (L1), the lecture's "RGB image out" as denoising.

A batch holds ``images``, ``mask`` (N, H, W) semantic classes, ``instance`` (N, H, W)
(0 = background, k + 1 = object slot k), ``boxes`` (N, K, 4) and ``box_labels`` (N, K).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from neuralens.data.captioned_scenes import SHAPES as CAPTIONED_SHAPES
from neuralens.data.captioned_scenes import make_captioned_scenes
from neuralens.data.coco import load_coco_folder
from neuralens.data.digit_scenes import DIGIT_SCENE_CLASSES, make_digit_scenes
from neuralens.data.mnist import available_size
from neuralens.data.shapes import SHAPE_CLASSES, Shapes, make_shapes
from neuralens.detection.centernet import Detections, decode_heatmaps, encode_boxes
from neuralens.detection.instances import connected_components, group_instances
from neuralens.metrics_vision import CocoRecords, coco_average_precision, iou_per_class
from neuralens.models.unet import UNetConfig
from neuralens.tasks.task import Recipe, Task
from neuralens.training.batches import Batches
from neuralens.training.config import TrainConfig

BOX_SCORE = 0.3  # default score threshold of a box (the explorer's slider starts here)
OFFSET_SCALE = 16.0  # the centre-offset head predicts pixels / OFFSET_SCALE (values near 1)
NOISE_SIGMA = (0.05, 0.25)  # range of the noise std the image head learns to remove
LOSS_WEIGHTS = {"presence": 1.0, "heatmap": 1.0, "size": 0.5, "offset": 1.0, "mask": 1.0,
                "center_offset": 1.0, "image": 1.0}  # fmt: skip


def scene_targets(scenes: Shapes) -> dict:
    """The named per-image targets of a ``Shapes``-like batch of scenes (NumPy arrays)."""
    instance = (scenes.instances.argmax(axis=1) + 1) * scenes.instances.any(axis=1)
    boxes = scenes.boxes.copy()
    boxes[scenes.labels < 0] = -1  # padding rows
    return {"mask": scenes.semantic, "instance": instance.astype("uint8"), "boxes": boxes,
            "box_labels": scenes.labels}  # fmt: skip


def focal_heatmap_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """CenterNet's penalty-reduced focal loss, summed and divided by the number of centres.

    Where the target is 1 (a centre): -(1 - p)^2 log p; elsewhere
    -(1 - y)^4 p^2 log(1 - p): cells near a centre (y close to 1) are barely penalised.

    >>> target = torch.tensor([[[[1.0, 0.0]]]])
    >>> good = focal_heatmap_loss(torch.tensor([[[[5.0, -5.0]]]]), target)
    >>> bad = focal_heatmap_loss(torch.tensor([[[[-5.0, 5.0]]]]), target)
    >>> bool(good < 0.01 < bad)
    True
    """
    log_p, log_not_p = F.logsigmoid(logits), F.logsigmoid(-logits)
    p = log_p.exp()
    positive = target >= 1.0 - 1e-6
    loss_pos = -((1 - p) ** 2) * log_p
    loss_neg = -((1 - target) ** 4) * p**2 * log_not_p
    loss = torch.where(positive, loss_pos, loss_neg).sum()
    return loss / positive.sum().clamp(min=1)


def center_offset_target(instance: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
    """(dx, dy) from every pixel's centre to its object's box centre: (N, H, W) -> (N, 2, H, W).

    Background pixels get 0 (they are not scored).
    """
    n, height, width = instance.shape
    centers = (boxes[..., :2] + boxes[..., 2:]) / 2  # (N, K, 2)
    centers = torch.cat([centers.new_zeros(n, 1, 2), centers], dim=1)  # slot 0 = background
    chosen = torch.gather(
        centers, 1, instance.long().view(n, -1, 1).expand(-1, -1, 2)
    )  # (N, HW, 2)
    ys, xs = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    pixel = torch.stack([xs, ys], dim=-1).view(1, -1, 2).to(chosen) + 0.5
    offset = (chosen - pixel) * (instance.view(n, -1, 1) > 0)
    return offset.view(n, height, width, 2).permute(0, 3, 1, 2)


def masked_l1(y_hat: torch.Tensor, y: torch.Tensor, where: torch.Tensor) -> torch.Tensor:
    """Mean |y_hat - y| over the ``where`` entries; 0 (keeping the graph) when there are none."""
    if not where.any():
        return y_hat.sum() * 0
    return F.l1_loss(y_hat[where], y[where])


def vision_loss(model: nn.Module, batch: dict) -> tuple[torch.Tensor, dict]:
    """Sum of the heads' losses on one batch, with each term as a metric."""
    clean = batch["images"]
    noisy = torch.rand(len(clean), device=clean.device) < 0.5
    sigma = torch.empty(len(clean), device=clean.device).uniform_(*NOISE_SIGMA) * noisy
    images = (clean + sigma.view(-1, 1, 1, 1) * torch.randn_like(clean)).clamp(0, 1)
    out = model(images)
    labels = batch["box_labels"]
    num_classes = out["presence"].shape[1]
    stride = clean.shape[-1] // out["heatmap"].shape[-1]
    targets = encode_boxes(batch["boxes"], labels, num_classes,
                           tuple(out["heatmap"].shape[-2:]), stride)  # fmt: skip
    present = F.one_hot(labels.clamp(min=0), num_classes) * (labels >= 0)[..., None]  # (N, K, C)
    centers = targets.centers[:, None].expand(-1, 2, -1, -1)
    foreground = (batch["instance"] > 0)[:, None].expand(-1, 2, -1, -1)
    offset_target = center_offset_target(batch["instance"], batch["boxes"]) / OFFSET_SCALE
    terms = {
        "presence": F.binary_cross_entropy_with_logits(out["presence"], present.amax(1).float()),
        "heatmap": focal_heatmap_loss(out["heatmap"], targets.heatmap),
        "size": masked_l1(out["size"], targets.size, centers),
        "offset": masked_l1(out["offset"], targets.offset, centers),
        "mask": F.cross_entropy(out["mask"], batch["mask"].long()),
        "center_offset": masked_l1(out["center_offset"], offset_target, foreground),
        "image": F.l1_loss(out["image"], clean),
    }  # fmt: skip
    loss = sum(LOSS_WEIGHTS[name] * value for name, value in terms.items())
    return loss, {name: value.detach() for name, value in terms.items()}


@dataclass(frozen=True)
class SceneReading:
    """What the heads say about one image, decoded: every output kind of the lecture.

    presence (K,) probabilities; detections (boxes, scores, labels); semantic (H, W) int
    (0 background); instances: bool masks (M, H, W) with their ``instance_labels`` and
    ``instance_scores``; image (3, H, W) in [0, 1].
    """

    presence: torch.Tensor
    detections: Detections
    semantic: torch.Tensor
    instances: torch.Tensor
    instance_labels: torch.Tensor
    instance_scores: torch.Tensor
    image: torch.Tensor
    instance_index: torch.Tensor | None = None  # (M,) the detection each mask belongs to
    mask_head: torch.Tensor | None = None  # (H, W) the mask head's own argmax, before fusion


def predict(model: nn.Module, images: torch.Tensor) -> dict[str, torch.Tensor]:
    """The raw head outputs for float images (N, C, H, W) in [0, 1], without gradients."""
    model.eval()
    with torch.no_grad():
        return model(images)


def read_outputs(
    outputs: dict[str, torch.Tensor], score_threshold: float = 0.3, iou_threshold: float = 0.5
) -> list[SceneReading]:
    """Decode a batch of head outputs: boxes (CenterNet + NMS), mask (argmax), instances.

    Each foreground pixel of the mask head joins the confident detected centre (score
    >= ``BOX_SCORE``) nearest to where its centre offset points (class-agnostic
    ``group_instances``) and takes that centre's class: the semantic mask is the fusion
    of the mask head (what is object) and the box head (which class); an instance's
    score is its box's score. Pixels no centre claims keep the mask head's class.
    """
    stride = outputs["mask"].shape[-1] // outputs["heatmap"].shape[-1]
    found = decode_heatmaps(outputs["heatmap"], outputs["size"], outputs["offset"], stride,
                            score_threshold, iou_threshold)  # fmt: skip
    mask_head = outputs["mask"].argmax(dim=1)  # (N, H, W)
    readings = []
    for i, detections in enumerate(found):
        centers = (detections.boxes[:, :2] + detections.boxes[:, 2:]) / 2
        offset = outputs["center_offset"][i] * OFFSET_SCALE
        confident = detections.scores >= max(score_threshold, BOX_SCORE)
        # class-agnostic grouping of the foreground around confident centres ...
        ids = group_instances(mask_head[i], offset, centers[confident],
                              detections.labels[confident], same_class=False)  # fmt: skip
        chosen = torch.nonzero(confident).flatten()  # group index -> detection index
        ids = torch.where(ids >= 0, chosen[ids.clamp(min=0)], -1) if len(chosen) else ids
        # ... and each grouped pixel takes its centre's class (panoptic fusion)
        semantic = (torch.where(ids >= 0, detections.labels[ids.clamp(min=0)] + 1, mask_head[i])
                    if len(chosen) else mask_head[i])  # fmt: skip
        masks = ids[None] == torch.arange(len(detections))[:, None, None]  # (M, H, W)
        kept = masks.flatten(1).any(dim=1)
        readings.append(SceneReading(
            torch.sigmoid(outputs["presence"][i]), detections, semantic, masks[kept],
            detections.labels[kept], detections.scores[kept], outputs["image"][i].clamp(0, 1),
            torch.nonzero(kept).flatten(), mask_head[i],
        ))  # fmt: skip
    return readings


def float_images(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, H, W, C) scenes -> float (N, C, H, W) in [0, 1]."""
    return torch.from_numpy(np.array(images, dtype=np.uint8)).permute(0, 3, 1, 2).float() / 255


def evaluate_scenes(
    model: nn.Module, scenes: Shapes, question_class: int = 2, batch_size: int = 200,
    score_threshold: float = 0.05, noise_sigma: float = 0.1,
) -> dict[str, float]:  # fmt: skip
    """Every metric of the four tasks (+ denoising) on held-out scenes.

    ``question_class``'s presence answers "is there a triangle?" (accuracy at p > 0.5; the
    ``_from_boxes`` twin answers yes when a box of that class scores > ``BOX_SCORE``);
    boxes and instance masks are scored by COCO AP (pycocotools), beside the
    connected-components baseline on the same predicted semantic masks (the fused one,
    and ``_mask_head``: the mask head's own); the semantic
    mask by IoU per class; the image head by PSNR on scenes with noise ``noise_sigma``.
    """
    num_classes = model.config.num_classes
    boxes = CocoRecords(num_classes)
    grouped = CocoRecords(num_classes)
    baselines = {"": CocoRecords(num_classes), "_mask_head": CocoRecords(num_classes)}
    predicted_masks, head_masks, answers, peaks, psnr_in, psnr_out = [], [], [], [], [], []
    generator = torch.Generator().manual_seed(0)
    for start in range(0, len(scenes), batch_size):
        part = slice(start, start + batch_size)
        images = float_images(scenes.images[part])
        outputs = predict(model, images)
        probabilities = outputs["mask"].softmax(dim=1)
        peaks.append(torch.sigmoid(outputs["heatmap"]).amax(dim=(2, 3)).numpy())  # (N, K)
        for j, reading in enumerate(read_outputs(outputs, score_threshold)):
            i = start + j
            count = scenes.counts[i]
            truth = (scenes.boxes[i, :count], scenes.labels[i, :count], scenes.instances[i, :count])
            found = reading.detections
            image_id = boxes.add_image(*truth[:2])
            boxes.add_predictions(image_id, found.boxes, found.scores, found.labels)
            image_id = grouped.add_image(*truth)
            masks = reading.instances
            grouped.add_predictions(image_id, _mask_boxes(masks), reading.instance_scores,
                                    reading.instance_labels, masks.numpy())  # fmt: skip
            foreground = 1 - probabilities[j, 0]  # (H, W): the mask head's "object" probability
            for kind, semantic in (("", reading.semantic), ("_mask_head", reading.mask_head)):
                image_id = baselines[kind].add_image(*truth)
                _add_blobs(baselines[kind], image_id, semantic, foreground)
            predicted_masks.append(reading.semantic.numpy())
            head_masks.append(reading.mask_head.numpy())
            answers.append(reading.presence.numpy())
        noisy = (images + noise_sigma * torch.randn(images.shape, generator=generator)).clamp(0, 1)
        denoised = predict(model, noisy)["image"].clamp(0, 1)
        psnr_in.append(_psnr(noisy, images))
        psnr_out.append(_psnr(denoised, images))
    answers = {"": np.array(answers), "_from_boxes": np.concatenate(peaks) > BOX_SCORE}
    predicted = {"": np.array(predicted_masks), "_mask_head": np.array(head_masks)}
    return _summary(scenes, answers, predicted, question_class,
                    boxes, grouped, baselines, psnr_in, psnr_out)  # fmt: skip


def _add_blobs(records: CocoRecords, image_id: int, semantic: torch.Tensor,
               foreground: torch.Tensor) -> None:  # fmt: skip
    """The connected-components baseline: each blob of one class is an instance, scored by
    its mean foreground probability."""
    blobs = connected_components(semantic.numpy())
    masks = np.array([mask for _, mask in blobs], dtype=bool).reshape(-1, *semantic.shape)
    scores = [float(foreground[torch.from_numpy(mask)].mean()) for mask in masks]
    records.add_predictions(image_id, _mask_boxes(torch.from_numpy(masks)), scores,
                            [c for c, _ in blobs], masks)  # fmt: skip


def _mask_boxes(masks: torch.Tensor) -> torch.Tensor:
    """xyxy boxes (M, 4) around bool masks (M, H, W)."""
    if len(masks) == 0:
        return torch.zeros(0, 4)
    rows, cols = masks.any(dim=2), masks.any(dim=1)  # (M, H), (M, W)
    first = lambda hits: hits.float().argmax(dim=1)  # noqa: E731
    last = lambda hits: hits.shape[1] - hits.flip(1).float().argmax(dim=1)  # noqa: E731
    return torch.stack([first(cols), first(rows), last(cols), last(rows)], dim=1).float()


def _psnr(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Peak signal-to-noise ratio per image, 10 log10(1 / MSE), in dB."""
    return 10 * torch.log10(1 / (x - y).square().mean(dim=(1, 2, 3)).clamp(min=1e-10))


def _summary(scenes, answers, predicted, question_class, boxes, grouped, baselines,
             psnr_in, psnr_out) -> dict[str, float]:  # fmt: skip
    yes = {kind: values > 0.5 for kind, values in answers.items()}  # booleans stay booleans
    num_classes = yes[""].shape[1]
    present = np.zeros_like(yes[""])
    for i, k in zip(*np.nonzero(scenes.labels >= 0), strict=True):
        present[i, scenes.labels[i, k]] = True
    truth = scenes.semantic.astype(np.int64)
    ious = {kind: iou_per_class(truth, mask.astype(np.int64), num_classes + 1)
            for kind, mask in predicted.items()}  # fmt: skip
    box_ap, mask_ap = coco_average_precision(boxes, "bbox"), coco_average_precision(grouped, "segm")
    cc_ap = {kind: coco_average_precision(records, "segm") for kind, records in baselines.items()}
    metrics = {}
    for kind, said in yes.items():
        question = said[:, question_class] == present[:, question_class]
        metrics[f"question_accuracy{kind}"] = float(question.mean())
        metrics[f"presence_exact_match{kind}"] = float((said == present).all(axis=1).mean())
    metrics |= {
        "box_map_50": box_ap["map_50"], "box_map": box_ap["map"],
        **{f"mean_iou{kind}": float(np.nanmean(values)) for kind, values in ious.items()},
        **{f"iou_class_{c}{kind}": float(value) for kind, values in ious.items()
           for c, value in enumerate(values)},
        "instance_map_50": mask_ap["map_50"], "instance_map": mask_ap["map"],
        **{f"baseline_instance_map_50{kind}": ap["map_50"] for kind, ap in cc_ap.items()},
        **{f"baseline_instance_map{kind}": ap["map"] for kind, ap in cc_ap.items()},
        "psnr_noisy": float(torch.cat(psnr_in).mean()),
        "psnr_denoised": float(torch.cat(psnr_out).mean()),
    }  # fmt: skip
    return {name: round(value, 4) for name, value in metrics.items()}


def captioned_shapes(n: int, split: str, seed: int) -> Shapes:
    """``n`` captioned scenes (32x32, 1-3 objects) in the ``Shapes`` layout (labels: shape ids)."""
    scenes = make_captioned_scenes(n, 32, seed)
    return Shapes(scenes.images, scenes.labels, scenes.boxes, scenes.semantic, scenes.instances,
                  scenes.attributes.counts)  # fmt: skip


# dataset -> (scene maker, class names, training scenes, test scenes, "is there a ...?" class)
SCENE_SETS = {
    "shapes": (lambda n, split, seed: make_shapes(n, seed=seed, max_objects=4, overlap=True),
               SHAPE_CLASSES, 19_200, 1_000, SHAPE_CLASSES.index("triangle")),
    "digit-scenes": (lambda n, split, seed: make_digit_scenes(n, split, seed=seed,
                                                              size=available_size("mnist")),
                     DIGIT_SCENE_CLASSES, 8_000, 1_000, 7),
    # words as the prompt's scenes (32x32 RGB on textured backgrounds): the segmenter that
    # finds the object an edit keeps; 9,600 scenes, 300 steps an epoch (200 steps named
    # 77 % of held-out scenes exactly, confusing small disks and squares: it needs more)
    "captioned-scenes": (captioned_shapes, CAPTIONED_SHAPES, 9_600, 1_000,
                         CAPTIONED_SHAPES.index("triangle")),
}  # fmt: skip
TRAIN_SEED, TEST_SEED = 1, 10_000  # different seeds: test scenes are never training scenes


def load_scenes(dataset: str, split: str, limit: int | None = None) -> tuple[Shapes, tuple, int]:
    """(scenes, class names, question class) of a named scene set or a folder (see data.coco)."""
    if dataset not in SCENE_SETS:
        scenes, classes = load_coco_folder(dataset)
        cut = int(len(scenes) * 0.8)
        part = slice(0, cut) if split == "train" else slice(cut, None)
        return scenes.take(part), classes, 0
    make, classes, n_train, n_test, question = SCENE_SETS[dataset]
    n = n_train if split == "train" else n_test
    n = min(n, limit) if limit else n
    return make(n, split, TRAIN_SEED if split == "train" else TEST_SEED), classes, question


def make_data(dataset: str, device, train_limit: int | None, recipe: Recipe):
    """The task's data hook: training scenes of ``dataset`` (a name or a folder) as Batches."""
    scenes, classes, _ = load_scenes(dataset, "train", train_limit)
    flip = recipe.hflip and dataset in ("shapes", "captioned-scenes")  # mirrored: still a scene
    data = Batches.from_arrays(scenes.images, scene_targets(scenes), device=device,
                               layout="NHWC", hflip=flip,
                               name=dataset)  # fmt: skip
    return data, tuple(classes)


def report(model: nn.Module, dataset: str) -> dict:
    """Every metric on ``dataset``'s held-out test scenes (1,000 for the named sets)."""
    scenes, classes, question = load_scenes(dataset, "test")
    if model.config.num_classes != len(classes):
        raise ValueError(f"{dataset} has {len(classes)} classes; the model predicts "
                         f"{model.config.num_classes}")  # fmt: skip
    metrics = evaluate_scenes(model, scenes, question)
    return {"data": dataset, "split": "test", "scenes": len(scenes), "classes": list(classes),
            "question": f"is there a {classes[question]}?", **metrics}  # fmt: skip


def recorded_metrics(report: dict) -> dict:
    """Every number of the report goes into the checkpoint."""
    return {k: v for k, v in report.items() if isinstance(v, float | int)}


TASK = Task(
    name="vision-tasks",
    summary="one U-Net, four outputs: a number, boxes, a mask, instances (+ a denoised image)",
    loss_fn=vision_loss,
    recipes=(
        Recipe(
            "unet",
            UNetConfig(presence_pool="max"),
            # the shipped weights: two passes over 19,200 shapes scenes (1,200 steps, 7.6 min
            # on one thread) or over 8,000 digit scenes (500 steps)
            TrainConfig(
                num_epochs=2,
                batch_size=32,
                lr=3e-3,
                optimizer="adamw",
                weight_decay=1e-4,
                grad_clip=5.0,
            ),
            hflip=True,
        ),
    ),  # fmt: skip
    targets=("mask", "instance", "boxes", "box_labels"),
    records=("classes",),
    metrics=("box_map_50", "box_map", "mean_iou", "instance_map_50", "question_accuracy"),
    datasets=tuple(SCENE_SETS),
    make_data=make_data,
    report=report,
    scores=recorded_metrics,
)
