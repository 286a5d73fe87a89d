// Queues: their counts and limits, paused or not; a queue's name opens its own page, where its limits are edited.
import { escape, pauseButton, onPauseButtons, fillRows } from './api.js';

export async function renderQueues(main) {
  main.innerHTML = `<h1>Queues</h1><div class="table-wrap"><table>
    <thead><tr><th>Queue</th><th>Queued</th><th>Running</th><th>Scheduled</th><th>Failed</th>
      <th class="wide">Max concurrency</th><th class="wide">Per key</th><th class="wide">Rate/s</th><th>State</th><th>Action</th></tr></thead>
    <tbody id="rows"><tr><td colspan="10">Loading…</td></tr></tbody></table></div>`;
  const rows = main.querySelector('#rows');
  const load = () => fillRows(rows, 'api/queues', 10, 'No queues yet.', q => `
        <tr data-queue="${escape(q.name)}">
          <td><a href="queues/${encodeURIComponent(q.name)}" data-link>${escape(q.name)}</a></td>
          <td>${q.queued}</td><td>${q.running}</td><td>${q.scheduled}</td>
          <td><a href="jobs?status=Failed&amp;queue=${encodeURIComponent(q.name)}" data-link>${q.failed}</a></td>
          <td class="wide">${q.maxConcurrency ?? '—'}</td><td class="wide">${q.maxConcurrencyPerKey ?? '—'}</td><td class="wide">${q.ratePerSecond ?? '—'}</td>
          <td class="state">${q.paused ? 'Paused' : 'Active'}</td>
          <td>${pauseButton('queue', q.name, q.paused)}</td>
        </tr>`);
  onPauseButtons(rows, 'api/queues', 'Queue', load);
  await load();
}
