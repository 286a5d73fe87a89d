// The overview: jobs submitted and completed per second and the start delay's p99 over the last 15 minutes (lines),
// jobs by status and by queue (bars), all plain SVG, and the silos alive; refreshed every 5 s.
import { api, escape } from './api.js';
import { lineChart } from './chart.js';

const statuses = ['queued', 'running', 'scheduled', 'failed'];
const names = { queued: 'Queued', running: 'Running', scheduled: 'Scheduled', failed: 'Failed' };

export function renderOverview(main) {
  main.innerHTML = `
    <h1>Overview</h1>
    <section aria-labelledby="throughput"><h2 id="throughput">Jobs per second, last 15 minutes</h2><div id="rates">Loading…</div></section>
    <section aria-labelledby="start-delay"><h2 id="start-delay">Start delay (p99), last 15 minutes</h2><div id="delays">Loading…</div></section>
    <section aria-labelledby="by-status"><h2 id="by-status">Jobs by status</h2><div id="statuses">Loading…</div></section>
    <section aria-labelledby="by-queue"><h2 id="by-queue">Jobs by queue</h2>
      <p class="legend">${statuses.map(s => `<span><i class="swatch fill-${s}"></i>${names[s]}</span>`).join('')}</p>
      <div id="queues">Loading…</div></section>
    <section aria-labelledby="silos-alive"><h2 id="silos-alive">Silos alive: <span id="silo-count">…</span></h2><ul id="silos" class="silos"></ul></section>`;
  let timer = null;
  let left = false;

  let timelineAt = 0;

  async function load() {
    // The timeline's buckets are 30 s wide and it reads a range of the job table: every 15 s is often enough.
    if (Date.now() - timelineAt >= 15000) {
      timelineAt = Date.now();
      try {
        drawTimeline(await api('api/stats/timeline?minutes=15'));
      } catch (error) {
        main.querySelector('#rates').innerHTML = `<p role="alert">${escape(error.message)}</p>`;
      }
    }
    try {
      const [queues, silos] = await Promise.all([api('api/queues'), api('api/silos')]);
      draw(queues.items, silos.items);
    } catch (error) {
      main.querySelector('#statuses').innerHTML = `<p role="alert">${escape(error.message)}</p>`;
    }
    if (!left) timer = setTimeout(load, 5000);
  }

  function drawTimeline(timeline) {
    const times = timeline.points.map(p => p.at);
    const rate = v => `${v < 10 ? Number(v.toFixed(2)) : Math.round(v)}/s`;
    main.querySelector('#rates').innerHTML = lineChart({ id: 'rates-chart', title: 'Jobs per second', times, format: rate, series: [
      { name: 'Submitted', cls: 'line-submitted', values: timeline.points.map(p => p.submittedPerSecond) },
      { name: 'Completed', cls: 'line-completed', values: timeline.points.map(p => p.completedPerSecond) },
    ] });
    const ms = v => v < 1000 ? `${Math.round(v)} ms` : `${Number((v / 1000).toFixed(1))} s`;
    main.querySelector('#delays').innerHTML = lineChart({ id: 'delay-chart', title: 'Start delay p99', times, format: ms, series: [
      { name: 'Start delay p99', cls: 'line-delay', values: timeline.points.map(p => p.startDelayP99Ms) },
    ] });
  }

  function draw(queues, silos) {
    const totals = Object.fromEntries(statuses.map(s => [s, queues.reduce((sum, q) => sum + q[s], 0)]));
    const top = Math.max(1, ...Object.values(totals));
    // Drawn at 1:1 (width = viewBox width), so text keeps the page's size; narrow screens scale the whole chart down.
    main.querySelector('#statuses').innerHTML = `<svg class="chart" width="720" viewBox="0 0 720 ${statuses.length * 28}" role="img"
        aria-label="${statuses.map(s => `${totals[s]} ${s}`).join(', ')}">
      ${statuses.map((s, i) => `
        <text x="0" y="${i * 28 + 17}" class="label">${names[s]}</text>
        <rect x="100" y="${i * 28 + 4}" height="18" width="${Math.max(totals[s] ? 2 : 0, 540 * totals[s] / top)}" class="fill-${s}" data-status="${s}"></rect>
        <text x="${106 + 540 * totals[s] / top}" y="${i * 28 + 17}" class="value">${totals[s]}</text>`).join('')}
    </svg>`;

    const widest = Math.max(1, ...queues.map(q => statuses.reduce((sum, s) => sum + q[s], 0)));
    main.querySelector('#queues').innerHTML = queues.length === 0 ? '<p>No queues yet.</p>' : `<svg class="chart"
        width="720" viewBox="0 0 720 ${queues.length * 28}" aria-label="Jobs by queue">
      ${queues.map((q, i) => {
        let x = 210;
        const parts = statuses.map(s => {
          const width = 450 * q[s] / widest;
          const part = q[s] ? `<rect x="${x}" y="${i * 28 + 4}" height="18" width="${width}" class="fill-${s}"><title>${q[s]} ${s}</title></rect>` : '';
          x += width;
          return part;
        }).join('');
        const label = `${q.name}: ${statuses.map(s => `${q[s]} ${s}`).join(', ')}`;
        return `<g role="img" aria-label="${escape(label)}" data-queue-bar="${escape(q.name)}">
          <a href="jobs?queue=${encodeURIComponent(q.name)}" data-link><text x="0" y="${i * 28 + 17}" class="label">${escape(q.name.length > 28 ? q.name.slice(0, 27) + '…' : q.name)}<title>${escape(q.name)}</title></text></a>
          ${parts}<text x="${x + 6}" y="${i * 28 + 17}" class="value">${statuses.reduce((sum, s) => sum + q[s], 0)}</text></g>`;
      }).join('')}
    </svg>`;

    main.querySelector('#silo-count').textContent = String(silos.length);
    main.querySelector('#silos').innerHTML = silos.map(s =>
      `<li><span class="status">${escape(s.status)}</span> ${escape(s.name)} <code>${escape(s.address)}</code></li>`).join('');
  }

  load();
  return () => { left = true; clearTimeout(timer); };
}
