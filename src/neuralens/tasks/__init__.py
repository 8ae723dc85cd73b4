"""What a network is trained to do: one registry ``TASKS``, name -> :class:`Task`.

A task bundles its loss, its evaluation (the metrics it reports), its recipes (the
default training config, model name and model config) and what its checkpoint records.
The CLI's ``train``/``eval``, the explorer's "Train your own" and the shipped-weights
list all read it. Adding a task = one module in ``tasks/`` that defines ``TASK`` + one
line in :data:`TASKS` below.

>>> get_task("classify").recipe.model
'cnn'
>>> resolve("mlp")[0].name, resolve("mlp")[1].train.num_epochs
('classify', 6)
"""

from __future__ import annotations

from neuralens.tasks import attributes, classify, denoise, reconstruct, text_to_image, vision
from neuralens.tasks.task import Recipe, Task

TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        classify.TASK,
        reconstruct.TASK,
        attributes.TASK,
        vision.TASK,
        denoise.TASK,
        text_to_image.TASK,
    )
}  # fmt: skip


def get_task(name: str) -> Task:
    """The registered task ``name``; an unknown name is a ValueError listing the choices."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {', '.join(TASKS)}")
    return TASKS[name]


def trainable_models() -> dict[str, str]:
    """Every model a task has a recipe for -> that task's name (the one list of them)."""
    return {recipe.model: task.name for task in TASKS.values() for recipe in task.recipes}


def resolve(name: str) -> tuple[Task, Recipe]:
    """A task name (its default recipe) or a model name (its task's recipe for it)."""
    if name in TASKS:
        return TASKS[name], TASKS[name].recipe
    models = trainable_models()
    if name not in models:
        raise ValueError(f"unknown task or model {name!r}; choose a task "
                         f"({', '.join(TASKS)}) or a model ({', '.join(models)})")  # fmt: skip
    task = TASKS[models[name]]
    return task, task.recipe_for(name)


__all__ = ["TASKS", "Recipe", "Task", "get_task", "resolve", "trainable_models"]
