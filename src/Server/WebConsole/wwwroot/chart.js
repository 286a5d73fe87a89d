// Line charts drawn as inline SVG by plain code (no library): a series is a list of numbers (null where there is no
// value), one per point in time, and every value is a circle on its line, with its figure in a tooltip.
import { escape } from './api.js';

const width = 720, height = 200, left = 56, right = 12, top = 12, bottom = 28;

/**
 * An SVG line chart. `times` are the points' ISO times; each series has a name, a CSS class and its values.
 * `format` writes a value with its unit. The chart carries a text summary (aria-label) of the latest values.
 */
export function lineChart({ id, title, times, series, format }) {
  const values = series.flatMap(s => s.values).filter(v => v != null);
  const ceiling = niceCeiling(Math.max(0, ...values));
  const x = i => left + (times.length < 2 ? 0 : (width - left - right) * i / (times.length - 1));
  const y = v => top + (height - top - bottom) * (1 - v / ceiling);
  const latest = series.map(s => `${s.name} ${format(s.values.findLast(v => v != null) ?? 0)}`).join(', ');
  const time = at => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const lines = series.map(s => {
    const points = s.values.map((v, i) => v == null ? null : [x(i), y(v), v, times[i]]).filter(Boolean);
    return `<g class="series ${s.cls}" data-series="${escape(s.name)}">
      <polyline fill="none" points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"></polyline>
      ${points.map(([px, py, v, at]) => `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" data-value="${v}">
        <title>${escape(`${time(at)}: ${s.name} ${format(v)}`)}</title></circle>`).join('')}
    </g>`;
  }).join('');
  const grid = [0, 0.5, 1].map(f => `<line class="grid" x1="${left}" x2="${width - right}" y1="${y(ceiling * f)}" y2="${y(ceiling * f)}"></line>
    <text class="value" x="${left - 6}" y="${y(ceiling * f) + 4}" text-anchor="end">${escape(format(ceiling * f))}</text>`).join('');
  const axis = times.length === 0 ? '' : `<text class="value" x="${left}" y="${height - 8}">${escape(time(times[0]))}</text>
    <text class="value" x="${width - right}" y="${height - 8}" text-anchor="end">now</text>`;
  return `<svg class="chart line-chart" id="${id}" width="${width}" viewBox="0 0 ${width} ${height}" role="img"
      aria-label="${escape(`${title}, latest: ${latest}`)}">${grid}${axis}${lines}</svg>
    <p class="legend">${series.map(s => `<span><i class="swatch ${s.cls}"></i>${escape(s.name)}</span>`).join('')}</p>`;
}

// A round number at or above the largest value (1, 2 or 5 times a power of ten), so the grid reads well.
function niceCeiling(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map(m => m * power).find(n => n >= value);
}
