// The overview: jobs by status and by queue drawn as bars (plain SVG), and the silos alive; refreshed every 5 s.
import { api, escape } from './api.js';

const statuses = ['queued', 'running', 'scheduled', 'failed'];
const names = { queued: 'Queued', running: 'Running', scheduled: 'Scheduled', failed: 'Failed' };

export function renderOverview(main) {
  main.innerHTML = `
    <h1>Overview</h1>
    <section aria-labelledby="by-status"><h2 id="by-status">Jobs by status</h2><div id="statuses">Loading…</div></section>
    <section aria-labelledby="by-queue"><h2 id="by-queue">Jobs by queue</h2>
      <p class="legend">${statuses.map(s => `<span><i class="swatch fill-${s}"></i>${names[s]}</span>`).join('')}</p>
      <div id="queues">Loading…</div></section>
    <section aria-labelledby="silos-alive"><h2 id="silos-alive">Silos alive: <span id="silo-count">…</span></h2><ul id="silos" class="silos"></ul></section>`;
  let timer = null;
  let left = false;

  async function load() {
    try {
      const [queues, silos] = await Promise.all([api('api/queues'), api('api/silos')]);
      draw(queues.items, silos.items);
    } catch (error) {
      main.querySelector('#statuses').innerHTML = `<p role="alert">${escape(error.message)}</p>`;
    }
    if (!left) timer = setTimeout(load, 5000);
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
