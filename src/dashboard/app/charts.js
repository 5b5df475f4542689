// Time-series charts on uPlot (the dashboard's one dependency, copied from npm into the server at
// build): colours from the page's CSS variables, so that they follow dark mode; the width follows the
// chart's box.
import uPlot from './vendor/uPlot.esm.js';
import { h } from './dom.js';
import { formatAxisTime, formatClock } from './format.js';

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * A chart of seconds (Unix) against one or more series.
 * `series`: [{label, color: '--chart-1', fill?: true, points?: true, format?: v => text}]; `format` also labels the axis;
 * `integer` keeps the axis on whole numbers (counts).
 * Returns {node, setData(columns), destroy()}, where columns is [t[], values1[], values2[], ...].
 */
export function timeChart({ title, series, format = v => String(v), min = 0, integer = false }) {
  const box = h('div', { class: 'chart-box' });
  const node = h('figure', { class: 'chart' }, h('figcaption', {}, title), box);
  const text = cssVar('--text-muted');
  const grid = cssVar('--grid');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  let chart = null;
  let data = [[], ...series.map(() => [])];

  const options = width => ({
    width,
    height: 180,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: { x: { time: true }, y: { range: (u, lo, hi) => [Math.min(min, lo ?? 0), Math.max(hi ?? 1, min + 1) * 1.1] } },
    // Times as the clock reads them: uPlot's default adds a date row whose labels collide on narrow charts.
    axes: [{ ...axis, space: 90, values: (u, splits) => splits.map(formatAxisTime) }, { ...axis, size: 72, values: (u, values) => values.map(format), ...(integer ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] } : {}) }],
    series: [
      { value: (u, t) => (t === null || t === undefined ? '—' : formatClock(t)) },
      ...series.map(s => ({
        label: s.label,
        stroke: cssVar(s.color),
        width: 2,
        fill: s.fill ? `${cssVar(s.color)}33` : undefined,
        spanGaps: false,
        // A latency exists only in seconds with calls: a lone second is a point, not a line.
        points: { show: Boolean(s.points), size: 5 },
        value: (u, v) => (v === null || v === undefined ? '—' : (s.format ?? format)(v)),
      })),
    ],
  });

  const observer = new ResizeObserver(entries => {
    const width = Math.floor(entries[0].contentRect.width);
    if (width <= 0) return;
    if (!chart) chart = new uPlot(options(width), data, box);
    else chart.setSize({ width, height: 180 });
  });
  observer.observe(box);

  return {
    node,
    setData(columns) {
      data = columns;
      chart?.setData(columns);
    },
    destroy() {
      observer.disconnect();
      chart?.destroy();
    },
  };
}
