// Queues: their counts and limits, paused or not.
import { api, post, escape, notify } from './api.js';

export async function renderQueues(main) {
  main.innerHTML = `<h1>Queues</h1><div class="table-wrap"><table>
    <thead><tr><th>Queue</th><th>Queued</th><th>Running</th><th>Scheduled</th><th>Failed</th>
      <th class="wide">Max concurrency</th><th class="wide">Per key</th><th class="wide">Rate/s</th><th>State</th><th>Action</th></tr></thead>
    <tbody id="rows"><tr><td colspan="10">Loading…</td></tr></tbody></table></div>`;
  const rows = main.querySelector('#rows');
  async function load() {
    try {
      const list = await api('api/queues');
      rows.innerHTML = list.items.length === 0 ? '<tr><td colspan="10">No queues yet.</td></tr>' : list.items.map(q => `
        <tr data-queue="${escape(q.name)}">
          <td><a href="jobs?queue=${encodeURIComponent(q.name)}" data-link>${escape(q.name)}</a></td>
          <td>${q.queued}</td><td>${q.running}</td><td>${q.scheduled}</td>
          <td><a href="jobs?status=Failed&amp;queue=${encodeURIComponent(q.name)}" data-link>${q.failed}</a></td>
          <td class="wide">${q.maxConcurrency ?? '—'}</td><td class="wide">${q.maxConcurrencyPerKey ?? '—'}</td><td class="wide">${q.ratePerSecond ?? '—'}</td>
          <td class="state">${q.paused ? 'Paused' : 'Active'}</td>
          <td><button type="button" data-action="${q.paused ? 'resume' : 'pause'}" data-name="${escape(q.name)}"
            aria-label="${q.paused ? 'Resume' : 'Pause'} queue ${escape(q.name)}">${q.paused ? 'Resume' : 'Pause'}</button></td>
        </tr>`).join('');
    } catch (error) {
      rows.innerHTML = `<tr><td colspan="10" role="alert">${escape(error.message)}</td></tr>`;
    }
  }
  rows.addEventListener('click', async event => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    button.disabled = true;
    try {
      await post(`api/queues/${encodeURIComponent(button.dataset.name)}/${button.dataset.action}`);
      notify(`Queue ${button.dataset.name}: ${button.dataset.action}d.`);
    } catch (error) {
      notify(error.message);
    }
    await load();
  });
  await load();
}
