"""The filter walking across the lecture's grid, drawn in the browser (chapter 6).

The whole step-through runs client-side: the page receives every position's numbers
once (the library's :func:`neuralens.engine.examples.conv_steps`), and the slider,
Previous, Next and Play only change which position the template draws. No server
round trip per frame, so Play is steady, the slider stays where it is put, and the
grid and the written sum always show the same position (one template draws both).
"""

from __future__ import annotations

import gradio as gr

from neuralens import plots
from neuralens.engine import examples

CELL_COLORS = ("#ffffff", "#c6dbef", "#9ecae1", "#6baed6", "#2171b5")  # values 0 .. 4, Blues
# ``value`` is the position (0-based); ``image``, ``kernel``, ``output`` and ``steps`` are
# props. The grids are HTML tables; the kernel's window is outlined on the input.
TEMPLATE = """
<div class="walk">
  <div class="walk-controls">
    <button data-action="previous" class="walk-previous">Previous</button>
    <button data-action="next" class="walk-next">Next</button>
    <button data-action="play" class="walk-play">Play</button>
    <label>position <input class="walk-position" type="range" min="1" max="${steps.length}"
      step="1" value="${value + 1}"></label>
    <span class="walk-count">${value + 1} / ${steps.length}</span>
  </div>
  <div class="walk-grids">
    ${[["input", image, steps[value].row, steps[value].col, kernel.length, kernel[0].length],
       ["filter", kernel, -1, -1, 0, 0],
       ["output", output, steps[value].row, steps[value].col, 1, 1]].map(
      ([name, grid, r0, c0, h, w]) => `<figure><figcaption>${name}
        ${grid.length}x${grid[0].length}</figcaption><table class="walk-${name}">${
        grid.map((row, r) => `<tr>${row.map((v, c) => {
          const index = r * grid[0].length + c;
          const hidden = name === "output" && index > value;
          const inside = r >= r0 && r < r0 + h && c >= c0 && c < c0 + w;
          return `<td class="${inside ? "inside" : ""} ${hidden ? "empty" : "v" + Math.min(v, 4)}"
            >${hidden ? "" : v}</td>`;
        }).join("")}</tr>`).join("")}</table></figure>`).join("")}
  </div>
  <div class="walk-equation"><b>position ${value + 1} of ${steps.length}</b>
    (row ${steps[value].row}, column ${steps[value].col}):
    <code>${steps[value].equation}</code>
    ${value === steps.length - 1 ? `<p>The output is complete, ${output.length}x${
      output[0].length}:</p><pre>${output.map(row => row.join(" ")).join("\\n")}</pre>` : ""}
  </div>
</div>
"""
CSS = """
.walk-controls {display: flex; gap: 0.6em; align-items: center; flex-wrap: wrap}
.walk-controls button {padding: 0.3em 1em; border-radius: 6px;
  border: 1px solid var(--border-color-primary);
  background: var(--button-secondary-background-fill)}
.walk-controls .walk-play {background: var(--button-primary-background-fill);
  color: var(--button-primary-text-color)}
.walk-position {width: 18em}
.walk-grids {display: flex; gap: 1.5em; align-items: flex-start; margin: 0.6em 0}
.walk-grids figure {margin: 0}
.walk-grids table {border-collapse: collapse}
.walk-grids td {width: 1.8em; height: 1.8em; text-align: center; border: 1px solid #bbb;
  font-size: 0.9em; padding: 0; color: #111}
.walk-grids td.empty {background: #f4f4f4}
.walk-grids td.inside {outline: 3px solid #d62728; outline-offset: -3px}
.walk-filter td {background: #fdd0a2 !important}
""" + "\n".join(  # a cell holding v gets CELL_COLORS[v], its number readable on it
    f".walk-grids td.v{v} {{background: {color}; color: {plots.text_color_on(color)}}}"
    for v, color in enumerate(CELL_COLORS)
)
# event delegation on the component's element survives every re-render of the template
SCRIPT = """
let timer = null;
const last = () => props.steps.length - 1;
const stop = () => { clearInterval(timer); timer = null; };
element.addEventListener("click", (event) => {
  const action = event.target.dataset?.action;
  if (!action) return;
  if (action === "play") {
    if (timer) { stop(); return; }
    let position = props.value >= last() ? 0 : props.value;
    props.value = position;
    timer = setInterval(() => {
      position += 1;
      if (position >= last()) { props.value = last(); stop(); return; }
      props.value = position;
    }, props.interval_ms);
    return;
  }
  stop();
  props.value = Math.min(Math.max(props.value + (action === "next" ? 1 : -1), 0), last());
});
element.addEventListener("input", (event) => {
  if (!event.target.classList.contains("walk-position")) return;
  stop();
  props.value = Number(event.target.value) - 1;
});
"""
INTERVAL_MS = 40  # Play: 90 positions in under 4 s, slow enough to follow the window


def filter_walk(elem_id: str) -> gr.HTML:
    """The lecture's 10x11 grid, 2x2 filter of ones and output, with their controls."""
    steps = [{"row": s.row, "col": s.col, "equation": s.equation()} for s in examples.conv_steps()]
    return gr.HTML(
        0, html_template=TEMPLATE, css_template=CSS, js_on_load=SCRIPT, elem_id=elem_id,
        image=examples.CONV_INPUT.astype(int).tolist(),
        kernel=examples.CONV_KERNEL.astype(int).tolist(),
        output=examples.conv_example().astype(int).tolist(), steps=steps,
        interval_ms=INTERVAL_MS,
    )  # fmt: skip
