"""Chapter 11, train your own: pick a model and data, watch it learn live, then keep it."""

from __future__ import annotations

import uuid

import gradio as gr
import numpy as np

from neuralens import plots
from neuralens.data import DIGIT_CLASSES, load_mnist
from neuralens.explorer import trained
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import Slider, chapter_header, figure_image, show
from neuralens.explorer.streaming import StopFlag, stream_run
from neuralens.history import History
from neuralens.studies import own_model

LEAD = (
    "Everything so far, in one loop: pick a network and data, press Train, and watch the "
    "loss fall and the accuracy rise while it learns. Your own images work too: a .zip "
    "with one folder per category. The trained PyTorch model is then yours to use in "
    "chapters 5 and 7 (in this browser) and to download."
)
MODELS = {
    "MLP (PyTorch)": "mlp",
    "CNN (PyTorch)": "cnn",
    "MLP (NumPy engine, from scratch)": "engine-mlp",
    "CNN (NumPy engine, from scratch)": "engine-cnn",
}
BATCH_SIZE = 128
ENGINE_BATCH_SIZE = 64  # the NumPy engine's good default
CURVE_UPDATES = 30  # the curves redraw about this often per run...
MAX_LOG_EVERY = 10  # ...but at least every 10 steps, so Stop acts quickly


def torch_work(name: str, source: str, upload, epochs: int, lr: float, limit: int | None):
    """What the training thread runs for a PyTorch model; the hook streams live numbers."""
    from neuralens.tasks.classify import train_classifier  # torch loads on first use
    from neuralens.training import TrainConfig

    def work(hook):
        data = own_model.training_data(source, upload, limit)
        total_steps = len(data.data) // BATCH_SIZE * epochs
        config = TrainConfig(
            num_epochs=epochs,
            batch_size=BATCH_SIZE,
            lr=lr,
            progress=False,
            log_every=max(1, min(MAX_LOG_EVERY, total_steps // CURVE_UPDATES)),
        )
        model, history = train_classifier(name, data.data, config, on_step=hook,
                                          classes=data.classes)  # fmt: skip
        return model, history, data

    return work


def engine_work(name: str, source: str, epochs: int, lr: float, limit: int | None, stop):
    """The NumPy engine's run (mini MNIST only): per-step and per-epoch numbers to the hook."""
    from neuralens.engine.mnist import train_engine

    if source != "mnist-mini":
        raise ValueError("the NumPy engine trains on the bundled mnist-mini only (NumPy is slow)")

    def work(hook):
        def on_epoch(row: dict[str, float]) -> bool:  # the step rows already carry the loss
            return hook({key: row[key] for key in ("step", "epoch", "eval_accuracy") if key in row})

        # the hook returns True once Stop is pressed: the engine stops as torch's fit does
        return train_engine(name, epochs, lr, ENGINE_BATCH_SIZE, 0, limit, on_epoch=on_epoch,
                            on_step=hook)  # fmt: skip

    return work


def status_line(live: dict[str, float], updates: int) -> str:
    shown = [
        f"{key} {live[key]:.4g}"
        for key in ("epoch", "step", "loss", "accuracy", "eval_accuracy")
        if key in live
    ]
    return f"training... update {updates}: " + " · ".join(shown)


def finish_torch(result) -> tuple:
    """Save the model for the other chapters and for download; report on the test images."""
    from neuralens import checkpoints  # torch loads on first use, not at start-up

    model, history, data = result
    report = own_model.torch_report(model, data.data)
    trained.prune_runs()
    run = uuid.uuid4().hex
    folder = trained.run_checkpoint(run).parent
    archive = own_model.save_for_reuse(folder, model, data, history, report.accuracy)
    info = {"run": run, "model": checkpoints.model_metadata(model)["model"]}
    code = own_model.USAGE.format(weights="model.safetensors", num_classes=len(data.classes))
    images = data.data.eval_images[:, 0].cpu().numpy()  # (N, H, W) gray test images
    return report, images, data.classes, archive, info, code


def finish_engine(run) -> tuple:
    """Report on the mini test split; engine models have no checkpoint format to download."""
    images, _ = load_mnist("test", "mini")
    report = own_model.engine_report(run.model)
    code = "# NumPy-engine models live in this page only; train a PyTorch model to keep one."
    return report, images, DIGIT_CLASSES, None, gr.skip(), code


def report_figures(report: own_model.HeldOutReport, images: np.ndarray, classes) -> tuple:
    """The confusion matrix, and the test images the model got wrong most confidently."""
    confusion = show(plots.plot_confusion(report.confusion, classes).figure)
    wrong = report.mistakes
    if len(wrong) == 0:
        return confusion, None
    mistakes = plots.plot_mistakes(
        images[wrong],
        report.labels[wrong],
        report.predicted[wrong],
        report.confidence[wrong],
        classes,
    )
    return confusion, show(mistakes)


def train(label, source, upload, epochs, lr, limit):
    """Generator: stream curves while training; finally the report, download and session model."""
    name, epochs, limit = MODELS[label], int(epochs), int(limit or 0) or None
    stop = StopFlag()
    is_engine = name.startswith("engine")
    unchanged = [gr.skip()] * 6
    # the previous run's curves, matrix, mistakes, download and code go: none is this run's
    cleared = [None, None, None, gr.update(value=None, visible=False), gr.skip(), ""]
    yield stop, "loading the data...", *cleared
    history, updates = History(), 0
    try:
        if source == own_model.FOLDER and not upload:
            raise ValueError("upload a .zip with one folder of images per class first")
        work = (
            engine_work(name, source, epochs, lr, limit, stop)
            if is_engine
            else torch_work(name, source, upload, epochs, lr, limit)
        )
        for kind, value in stream_run(work, stop):
            if kind == "live":
                for row in value:
                    history.log(**row)
                updates += 1
                figure = show(plots.plot_training(history, label))
                yield gr.skip(), status_line(value[-1], updates), figure, *unchanged[1:]
            else:
                finished = finish_engine(value) if is_engine else finish_torch(value)
    except ValueError as error:  # bad data (a broken zip, one class...): say so on the page
        yield gr.skip(), f"**error:** {error}", *unchanged
        return
    report, images, classes, archive, info, code = finished
    status = (
        f"{'stopped' if stop.requested else 'done'} after {updates} updates: "
        f"test accuracy {report.accuracy:.2%} on {len(report.labels)} test images of "
        f"{', '.join(classes)}"
    )
    if archive is None:
        status += " (NumPy-engine models stay in this chapter; train a PyTorch one to keep it)"
    download = gr.update(value=str(archive) if archive else None, visible=archive is not None)
    yield (
        gr.skip(),
        status,
        show(plots.plot_training(history, label)),
        *report_figures(report, images, classes),
        download,
        info,
        code,
    )


def press_stop(stop: StopFlag | None):
    """Ask the running training to stop after its current step (nothing when none runs)."""
    if stop is None or stop.abandoned:  # never started, or already over
        return gr.skip()
    stop.requested = True
    return "stopping after this step..."


def build() -> None:
    chapter_header(11, "Train your own", LEAD)
    info = trained.trained_state()
    stop = gr.State(None)
    with gr.Row():
        with gr.Column():
            model = gr.Radio(list(MODELS), value="CNN (PyTorch)", label="model")
            datasets = [*own_model.available_datasets(), own_model.FOLDER]
            source = gr.Dropdown(datasets, value="mnist-mini", label="data", elem_id="train-data")
            upload = gr.File(
                label=f"{own_model.FOLDER}: a .zip with one folder per class",
                file_types=[".zip"],
                type="filepath",
                elem_id="train-upload",
            )
        with gr.Column():
            epochs = Slider(1, 20, value=2, step=1, label="epochs")
            lr = gr.Dropdown(
                [0.0003, 0.001, 0.003, 0.01, 0.03], value=0.003, label="learning rate (peak)"
            )
            limit = gr.Number(
                0,
                precision=0,
                minimum=0,
                label="use at most this many training images (0: all)",
                elem_id="train-limit",
            )
            with gr.Row():
                start = gr.Button("Train", variant="primary", elem_id="train-start")
                halt = gr.Button("Stop", variant="stop", elem_id="train-stop")
    status = gr.Markdown("Press Train.", elem_id="train-status")
    curves = figure_image("loss and accuracy, live", elem_id="train-curves")
    with gr.Row():
        confusion = figure_image("confusion matrix on the test images", elem_id="train-confusion")
        mistakes = figure_image("the most confidently wrong test images", elem_id="train-mistakes")
    download = gr.File(
        label="your model: weights + metadata + use_model.py",
        visible=False,
        elem_id="train-download",
    )
    code = gr.Code(language="python", label="load and use it in Python", elem_id="train-code")

    start.click(
        train,
        [model, source, upload, epochs, lr, limit],
        [stop, status, curves, confusion, mistakes, download, info, code],
    )
    halt.click(press_stop, stop, status)


SUMMARY = (
    "Train an MLP or CNN (PyTorch or the NumPy engine) on MNIST or your own images; "
    "watch it learn; keep it."
)
CHAPTER = Chapter(11, "Train your own", "train", SUMMARY, build)
