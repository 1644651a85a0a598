// Khối thi đua: draws every chart of a page with Chart.js (vendor/chartjs/chart.umd.min.js, loaded before this).
//
// Markup (dashboards/_chart.html): <canvas data-chart="ID"> and, from {{ spec|json_script:"ID" }},
// <script type="application/json" id="ID">{…}</script>. No inline script: the strict CSP holds.
// The spec (dashboards/charts.py, Chart.spec):
//   {type: "bar" | "line", horizontal: bool, labels: [...], datasets: [{label, data: [number | null]}],
//    suffix: " %", min: number | null, max: number | null, axisTitle: "..."}
// Every chart has its numbers in a table beside it or in a <details> (opened for printing here).
// Printing: no animation, a white background and dark text; each chart is also kept as an image (img-fluid)
// that only the print shows, so it fits the page's width whatever the screen's size was.
(function () {
  "use strict";
  if (window.ktdCharts) {
    return; // loaded twice on one page: the first copy draws everything
  }
  window.ktdCharts = true;

  // Okabe–Ito: told apart with the common colour-vision deficiencies; lines also differ by point and dash.
  const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8B1A1A"];
  const POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded", "cross"];
  const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3]];
  const TEXT = "#212529";
  const GRID = "#d0d4d8";

  const lang = document.documentElement.lang || "vi";
  const number = (value) =>
    value === null || value === undefined ? "–" : Number(value).toLocaleString(lang, { maximumFractionDigits: 2 });

  // Paint the canvas white before each draw: a copied or printed chart has no transparent holes.
  const whiteBackground = {
    id: "ktdWhiteBackground",
    beforeDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };

  // Keep the printable image in step with the chart (after a resize), without redrawing it on every hover.
  const printImage = {
    id: "ktdPrintImage",
    afterRender(chart) {
      const image = chart.canvas.ktdPrintImage;
      if (!image) {
        return;
      }
      window.clearTimeout(image.ktdTimer);
      image.ktdTimer = window.setTimeout(() => {
        image.src = chart.toBase64Image("image/png", 1);
      }, 150);
    },
  };

  function heightFor(spec, width) {
    if (spec.type === "bar" && spec.horizontal) {
      return Math.max(140, 56 + spec.labels.length * 34);
    }
    return width < 576 ? 260 : 320;
  }

  function datasetsFor(spec) {
    return spec.datasets.map((dataset, i) => {
      const colour = COLOURS[i % COLOURS.length];
      if (spec.type === "line") {
        return {
          label: dataset.label,
          data: dataset.data,
          borderColor: colour,
          backgroundColor: colour,
          pointStyle: POINTS[i % POINTS.length],
          pointRadius: 4,
          borderDash: DASHES[Math.floor(i / COLOURS.length) % DASHES.length],
          borderWidth: 2,
          spanGaps: false,
        };
      }
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: colour,
        borderColor: colour,
        borderWidth: 1,
        maxBarThickness: 28,
      };
    });
  }

  function optionsFor(spec) {
    const valueAxis = {
      beginAtZero: spec.type === "bar",
      ticks: { color: TEXT, callback: (value) => number(value) + (spec.suffix || "") },
      grid: { color: GRID },
      title: { display: Boolean(spec.axisTitle), text: spec.axisTitle, color: TEXT },
    };
    if (spec.min !== null && spec.min !== undefined) {
      valueAxis.min = spec.min;
    }
    if (spec.max !== null && spec.max !== undefined) {
      valueAxis.max = spec.max;
    }
    // offset: a single year sits in the middle of the chart, not on its left edge.
    const labelAxis = { offset: true, ticks: { color: TEXT, autoSkip: false }, grid: { display: false } };
    const horizontal = spec.type === "bar" && spec.horizontal;
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: horizontal ? "y" : "x",
      color: TEXT,
      scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      plugins: {
        legend: { display: spec.datasets.length > 1, position: "bottom", labels: { color: TEXT, usePointStyle: true, boxHeight: 8 } },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label}: ${number(item.raw)}${item.raw === null ? "" : spec.suffix || ""}`,
          },
        },
      },
    };
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || canvas.ktdChart) {
      return;
    }
    const spec = JSON.parse(source.textContent);
    const box = canvas.parentElement; // a .position-relative box that holds only the canvas
    box.style.height = `${heightFor(spec, box.clientWidth)}px`;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = TEXT;
    const image = document.createElement("img");
    image.className = "img-fluid d-none d-print-block";
    image.alt = canvas.getAttribute("aria-label") || "";
    box.insertAdjacentElement("afterend", image);
    canvas.ktdPrintImage = image;
    canvas.classList.add("d-print-none");
    const figure = canvas.closest("figure");
    if (figure) {
      figure.style.breakInside = "avoid"; // the title, the chart and its numbers on one printed page
    }
    canvas.ktdChart = new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasetsFor(spec) },
      options: optionsFor(spec),
      plugins: [whiteBackground, printImage],
    });
    image.src = canvas.ktdChart.toBase64Image("image/png", 1);
  }

  // The tables one click away print too.
  const opened = [];
  function openForPrint() {
    document.querySelectorAll("details[data-chart-table]:not([open])").forEach((details) => {
      details.open = true;
      opened.push(details);
    });
  }
  function closeAfterPrint() {
    while (opened.length) {
      opened.pop().open = false;
    }
  }

  function start() {
    if (typeof Chart === "undefined") {
      return; // no Chart.js: the tables still carry every number
    }
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  window.addEventListener("beforeprint", openForPrint);
  window.addEventListener("afterprint", closeAfterPrint);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  // A chart that arrives later in an HTMX swap is drawn too.
  document.addEventListener("htmx:afterSettle", start);
})();
