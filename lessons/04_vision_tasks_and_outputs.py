# ---
# jupyter:
#   jupytext:
#     formats: lessons//py:percent,notebooks//ipynb
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 4. The four vision tasks, and what a model outputs
#
# The lecture opens with four tasks done by networks: **classification** (what is in the
# image?), **object detection** (a box and a class per object), **semantic segmentation**
# (a class per pixel) and **instance segmentation** (a mask per object). Later it says:
# *the output of a model is always numbers* -- one number, a series of numbers (box
# corners), a 2-D image (a mask), an RGB image. Here one small U-Net, shipped with the
# package and trained on a laptop CPU, gives all of them for one scene.

# %%
import torch

from neuralens.data.shapes import SHAPE_CLASSES, make_shapes
from neuralens.detection import box_iou, nms
from neuralens.models.unet import count_multiply_adds
from neuralens.plots.vision import plot_model_outputs, plot_vision_tasks
from neuralens.studies import vision_tasks
from neuralens.tasks.vision import evaluate_scenes, scene_targets, vision_loss
from neuralens.training import Batches, TrainConfig, fit

torch.manual_seed(0)

# %% [markdown]
# ## Scenes where every answer is known
# Shapes touch and overlap: a later shape hides part of an earlier one, so each instance
# mask is the *visible* part and each box its visible extent.

# %%
scene = vision_tasks.new_scene("shapes", seed=3)
model = vision_tasks.shipped_model("shapes")
print(
    f"{sum(p.numel() for p in model.parameters()):,} parameters, "
    f"{count_multiply_adds(model, 64) / 1e6:.0f} million multiply-adds per 64x64 image"
)

# %% [markdown]
# ## One scene, four tasks
# The U-Net's encoder is the CNN of chapter 3; its decoder climbs back to full size,
# with skip connections bringing the encoder's detail across the U.

# %%
reading = vision_tasks.read_scene("shapes", scene, score_threshold=0.3, iou_threshold=0.5)
plot_vision_tasks(scene, reading, SHAPE_CLASSES)

# %% [markdown]
# ## The output is always numbers
# One number (a probability through a sigmoid), a series of numbers (4 per box), a 2-D
# image (one channel per class, then argmax: a mask of 0s and 1s), an RGB image (3 channels).

# %%
raw = vision_tasks.head_outputs("shapes", scene)
shapes = vision_tasks.output_shapes(raw, reading)
plot_model_outputs(scene, reading, SHAPE_CLASSES, shapes, question=2)

# %%
vision_tasks.last_layers(model)

# %% [markdown]
# ## Non-maximum suppression
# A detector proposes overlapping boxes; NMS keeps the best and drops the others of its
# class that overlap it by IoU > 0.5.

# %%
boxes = torch.tensor([[10.0, 10, 30, 30], [12, 10, 31, 30], [30, 10, 50, 30]])
scores = torch.tensor([0.9, 0.8, 0.7])
print("IoU matrix:\n", box_iou(boxes, boxes).round(decimals=2))
print("kept:", nms(boxes, scores, iou_threshold=0.5).tolist())

# %% [markdown]
# ## Honest scores on held-out scenes
# COCO average precision (pycocotools) for boxes and instance masks, IoU per class for
# the semantic mask, beside the connected-components baseline. 100 scenes here; the
# benchmark (`neuralens bench tasks --json`) uses 1,000.

# %%
test = make_shapes(100, seed=10_000, max_objects=4, overlap=True)
metrics = evaluate_scenes(model, test)
{
    name: metrics[name]
    for name in (
        "question_accuracy_from_boxes",
        "box_map_50",
        "box_map",
        "mean_iou",
        "instance_map_50",
        "baseline_instance_map_50",
    )
}

# %% [markdown]
# ## Train it yourself (a short fine-tune through the one `fit`)

# %%
train = make_shapes(64, seed=1, max_objects=4, overlap=True)
data = Batches.from_arrays(train.images, scene_targets(train), layout="NHWC")
history = fit(
    model,
    vision_loss,
    data,
    TrainConfig(num_epochs=1, batch_size=16, lr=1e-4, progress=False, log_every=1),
)
history.last("loss")
