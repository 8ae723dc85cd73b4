(chart) => {
  // Chapter 5's pictures of a digit, drawn in the learner's browser from the numbers the
  // server sends (``digit_charts.py``): the pixel values, the flattened features, the
  // probabilities, one hidden unit. Cell images arrive as tiny PNGs, one pixel per cell.
  if (!chart || !chart.kind) return "";
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const svg = (width, height, body, label) => "<svg viewBox=\"0 0 " + width + " " + height +
    "\" width=\"100%\" role=\"img\" aria-label=\"" + esc(label) + "\" data-kind=\"" + chart.kind +
    "\" style=\"background:#fff;font-family:sans-serif\">" + body + "</svg>";
  const text = (x, y, words, extra) => "<text x=\"" + x + "\" y=\"" + y + "\" " + (extra || "") +
    ">" + esc(words) + "</text>";
  const title = (x, words, size) => text(x, 22, words, "text-anchor=\"middle\" " +
    "font-size=\"" + (size || 14) + "\" class=\"title\"");
  const cells = (href, x, y, size) => "<image href=\"" + href + "\" x=\"" + x + "\" y=\"" + y +
    "\" width=\"" + size + "\" height=\"" + size + "\" preserveAspectRatio=\"none\" " +
    "style=\"image-rendering:pixelated\"/>";
  if (chart.kind === "pixels") {  // every non-zero value written on its cell
    const rows = chart.cells.length, size = 560, cell = size / rows, left = 20, top = 36;
    let numbers = "";
    chart.cells.forEach((row, r) => row.forEach((v, c) => {
      if (!v) return;
      numbers += text((left + (c + 0.5) * cell).toFixed(1), (top + (r + 0.5) * cell).toFixed(1),
        String(v), "fill=\"" + (v < chart.dark_from ? "#ffffff" : "#111111") + "\"");
    }));
    return svg(size + 2 * left, size + top + 10, title(left + size / 2, chart.title) +
      cells(chart.image, left, top, size) + "<g font-size=\"" + (cell * 0.36).toFixed(1) +
      "\" text-anchor=\"middle\" dominant-baseline=\"central\">" + numbers + "</g>", chart.title);
  }
  const axes = (left, top, width, height, xLabel, yLabel, size) =>
    "<rect x=\"" + left + "\" y=\"" + top + "\" width=\"" + width + "\" height=\"" + height +
    "\" fill=\"none\" stroke=\"#30343f\" stroke-width=\"0.8\"/>" +
    text(left + width / 2, top + height + 38, xLabel, "text-anchor=\"middle\" font-size=\"" +
      (size || 12) + "\"") + "<text transform=\"translate(18," + (top + height / 2) +
    ") rotate(-90)\" text-anchor=\"middle\" font-size=\"" + (size || 12) + "\">" +
    esc(yLabel) + "</text>";
  const tick = (x, y, label, anchor, size) => text(x, y, label, "text-anchor=\"" + anchor +
    "\" font-size=\"" + (size || 11) + "\" fill=\"#30343f\"");
  if (chart.kind === "flat") {  // one value per index, as a filled step line
    const values = chart.values, n = values.length, high = Math.max(...values) || 1;
    const left = 64, top = 36, width = 716, height = 160;
    const px = (i) => left + ((i + 0.5) / n) * width, py = (v) => top + height - (v / high) * height;
    let area = "M" + left + " " + (top + height);
    values.forEach((v, i) => {
      area += "H" + (px(i) - width / n / 2).toFixed(2) + "V" + py(v).toFixed(1) + "H" +
        (px(i) + width / n / 2).toFixed(2);
    });
    area += "V" + (top + height) + "Z";
    let ticks = "";
    for (let i = 0; i < n; i += 100) {
      ticks += tick(px(i), top + height + 18, String(i), "middle", 15);
    }
    for (const v of [0, high / 2, high]) {
      ticks += tick(left - 6, py(v) + 5, String(Math.round(v)), "end", 15);
    }
    return svg(left + width + 20, top + height + 50, title(left + width / 2, chart.title, 18) +
      "<path d=\"" + area + "\" fill=\"" + chart.color + "\" fill-opacity=\"0.8\"/>" + ticks +
      axes(left, top, width, height, "pixel index (0 .. " + (n - 1) + ")", "value", 15),
      chart.title);
  }
  if (chart.kind === "probs") {  // one bar per class, the prediction highlighted
    const values = chart.values, n = values.length, left = 60, top = 34, width = 400;
    const height = 200, slot = width / n, py = (v) => top + height - v * height;
    let bars = "", ticks = "";
    values.forEach((v, k) => {
      bars += "<rect class=\"bar\" data-class=\"" + esc(chart.classes[k]) + "\" data-p=\"" + v +
        "\" x=\"" + (left + k * slot + slot * 0.1).toFixed(1) + "\" y=\"" + py(v).toFixed(1) +
        "\" width=\"" + (slot * 0.8).toFixed(1) + "\" height=\"" + (v * height).toFixed(1) +
        "\" fill=\"" + chart.colors[k === chart.best ? 1 : 0] + "\"/>";
      ticks += tick(left + (k + 0.5) * slot, top + height + 16, chart.classes[k], "middle");
    });
    for (const v of [0, 0.2, 0.4, 0.6, 0.8, 1]) ticks += tick(left - 6, py(v) + 4, v.toFixed(1), "end");
    return svg(left + width + 20, top + height + 50, title(left + width / 2, chart.title) + bars +
      ticks + axes(left, top, width, height, "", "probability"), chart.title);
  }
  // "unit": the unit's weights, the input and weight x input, side by side
  const size = 240, gap = 30, top = 36;
  const body = chart.images.map((href, k) => cells(href, 10 + k * (size + gap), top, size) +
    text(10 + k * (size + gap) + size / 2, 22, chart.titles[k], "text-anchor=\"middle\" " +
      "font-size=\"15\" class=\"title\"")).join("");
  return svg(3 * size + 2 * gap + 20, size + top + 10, body, chart.titles.join("; "));
}
