(chart) => {
  // Chapter 2's picture, drawn in the learner's browser on every slider move: the points
  // (x_i, y_i), the line y = w1 x + w0, each error e_i = y_i - (w1 x_i + w0) as a vertical
  // segment, and the chosen loss in the title. ``line_chart.chart_value`` sends the data once
  // per dataset; a move changes only w1, w0 (and the loss's name), so no server call draws.
  if (!chart || !chart.x) return "";
  const W = 640, H = 460, LEFT = 74, RIGHT = 18, TOP = 40, BOTTOM = 52;
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const g = (t, digits) => {  // Python's format(t, ".{digits}g")
    if (!Number.isFinite(t)) return t > 0 ? "inf" : t < 0 ? "-inf" : "nan";
    if (t === 0) return "0";
    const exponent = Number(t.toExponential(digits - 1).split("e")[1]);
    if (exponent < -4 || exponent >= digits) {
      const [mantissa, power] = t.toExponential(digits - 1).split("e");
      const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
      const p = Number(power);
      return trimmed + "e" + (p < 0 ? "-" : "+") + String(Math.abs(p)).padStart(2, "0");
    }
    const fixed = t.toFixed(Math.max(0, digits - 1 - exponent));
    return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
  };
  const ticks = (low, high) => {  // 1-2-5 steps, about 8 of them
    const raw = (high - low) / 8, base = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * base).find((s) => s >= raw);
    const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    const out = [];
    for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) {
      out.push([t, t.toFixed(decimals)]);
    }
    return out;
  };
  const { x, y, w1, w0, colors } = chart;
  const n = x.length;
  const sampled = chart.rows > n;  // a big table: ``chart_value`` sent an even sample of it
  // the y-axis covers the data; a line beyond it widens the axis by whole doublings of the
  // data's span, so a drag rarely rescales the picture (as ``plots.LineFitFrames`` does)
  const ends = [w1 * chart.x_range[0] + w0, w1 * chart.x_range[1] + w0];
  const span = chart.y_span;
  const widen = (beyond) => (beyond > 0 ? span * 2 ** Math.ceil(Math.log2(beyond / span)) : 0);
  const yLow = chart.y_limits[0] - widen(chart.y_limits[0] - Math.min(...ends));
  const yHigh = chart.y_limits[1] + widen(Math.max(...ends) - chart.y_limits[1]);
  const [xLow, xHigh] = chart.x_limits;
  const px = (t) => LEFT + ((t - xLow) / (xHigh - xLow)) * (W - LEFT - RIGHT);
  const py = (t) => H - BOTTOM - ((t - yLow) / (yHigh - yLow)) * (H - TOP - BOTTOM);
  let errors = "", points = "", signed = 0, absolute = 0, squared = 0;
  for (let i = 0; i < n; i++) {
    const fitted = w1 * x[i] + w0, e = y[i] - fitted;
    signed += e; absolute += Math.abs(e); squared += e * e;
    const column = px(x[i]).toFixed(1), row = py(y[i]).toFixed(1);
    errors += "M" + column + " " + row + "V" + py(fitted).toFixed(1);
    points += "M" + column + " " + row + "h0";
  }
  const losses = { signed: signed / n, absolute: absolute / n, squared: squared / n };
  const title = chart.loss + " loss" + (sampled ? " of the " + n + " drawn" : "") + " = " +
    g(losses[chart.loss], 4);
  const plotBox = "x=\"" + LEFT + "\" y=\"" + TOP + "\" width=\"" + (W - LEFT - RIGHT) +
    "\" height=\"" + (H - TOP - BOTTOM) + "\"";
  const axisText = "font-size=\"11\" fill=\"#30343f\"";
  let axes = "";
  for (const [t, label] of ticks(xLow, xHigh)) {
    const column = px(t).toFixed(1);
    axes += "<line x1=\"" + column + "\" x2=\"" + column + "\" y1=\"" + TOP + "\" y2=\"" +
      (H - BOTTOM) + "\" stroke=\"#30343f\" stroke-opacity=\"0.12\"/>" +
      "<text x=\"" + column + "\" y=\"" + (H - BOTTOM + 16) + "\" text-anchor=\"middle\" " +
      axisText + ">" + label + "</text>";
  }
  for (const [t, label] of ticks(yLow, yHigh)) {
    const row = py(t).toFixed(1);
    axes += "<line x1=\"" + LEFT + "\" x2=\"" + (W - RIGHT) + "\" y1=\"" + row + "\" y2=\"" +
      row + "\" stroke=\"#30343f\" stroke-opacity=\"0.12\"/>" +
      "<text x=\"" + (LEFT - 6) + "\" y=\"" + row + "\" dy=\"0.35em\" text-anchor=\"end\" " +
      axisText + ">" + label + "</text>";
  }
  const legend = [
    ["<circle cx=\"14\" cy=\"0\" r=\"3\" fill=\"" + colors.data + "\" fill-opacity=\"0.6\"/>",
     chart.points + (sampled ? " (" + n + " of " + chart.rows + " drawn)" : "")],
    ["<line x1=\"6\" x2=\"22\" y1=\"0\" y2=\"0\" stroke=\"" + colors.error + "\"/>", "errors e_i"],
    ["<line x1=\"6\" x2=\"22\" y1=\"0\" y2=\"0\" stroke=\"" + colors.model +
     "\" stroke-width=\"2\"/>", "y = w1 x + w0"],
  ].map(([mark, label], k) => "<g transform=\"translate(" + (LEFT + 8) + "," + (TOP + 16 + 18 * k) +
    ")\">" + mark + "<text x=\"28\" dy=\"0.35em\" font-size=\"11\">" + esc(label) + "</text></g>");
  return "<svg viewBox=\"0 0 " + W + " " + H + "\" width=\"100%\" role=\"img\" " +
    "aria-label=\"" + esc(title) + "\" data-w1=\"" + w1 + "\" data-w0=\"" + w0 +
    "\" data-loss=\"" + losses[chart.loss] + "\" style=\"background:#fff;font-family:sans-serif\">" +
    "<defs><clipPath id=\"line-chart-box\"><rect " + plotBox + "/></clipPath></defs>" + axes +
    "<rect " + plotBox + " fill=\"none\" stroke=\"#30343f\" stroke-width=\"0.8\"/>" +
    "<g clip-path=\"url(#line-chart-box)\">" +
    "<path class=\"errors\" d=\"" + errors + "\" stroke=\"" + colors.error +
    "\" stroke-opacity=\"0.6\" stroke-width=\"0.8\" fill=\"none\"/>" +
    "<path class=\"points\" d=\"" + points + "\" stroke=\"" + colors.data +
    "\" stroke-opacity=\"0.6\" stroke-width=\"3.2\" stroke-linecap=\"round\"/>" +
    "<line class=\"fit\" x1=\"" + px(chart.x_range[0]) + "\" y1=\"" + py(ends[0]) + "\" x2=\"" +
    px(chart.x_range[1]) + "\" y2=\"" + py(ends[1]) + "\" stroke=\"" + colors.model +
    "\" stroke-width=\"2\"/></g>" +
    "<rect x=\"" + (LEFT + 4) + "\" y=\"" + (TOP + 4) + "\" width=\"" + (sampled ? 250 : 150) + "\" height=\"60\" " +
    "fill=\"#fff\" fill-opacity=\"0.85\" stroke=\"#ccc\" rx=\"3\"/>" + legend.join("") +
    "<text class=\"title\" x=\"" + ((LEFT + W - RIGHT) / 2) + "\" y=\"24\" text-anchor=\"middle\" " +
    "font-size=\"14\">" + esc(title) + "</text>" +
    "<text x=\"" + ((LEFT + W - RIGHT) / 2) + "\" y=\"" + (H - 12) + "\" text-anchor=\"middle\" " +
    "font-size=\"12\">" + esc(chart.names[0]) + "</text>" +
    "<text transform=\"translate(16," + ((TOP + H - BOTTOM) / 2) + ") rotate(-90)\" " +
    "text-anchor=\"middle\" font-size=\"12\">" + esc(chart.names[1]) + "</text></svg>";
}
