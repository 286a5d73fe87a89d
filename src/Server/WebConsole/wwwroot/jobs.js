// The jobs list: newest first, filtered on the server, paged by cursor; failed jobs can be retried or deleted together.
import { api, post, escape, when, notify } from './api.js';
import { navigate } from './app.js';

const statuses = ['Scheduled', 'Queued', 'Running', 'Succeeded', 'Failed', 'Cancelled'];
const filters = ['status', 'queue', 'type', 'label', 'search', 'from', 'to'];

export async function renderJobs(main, params) {
  const value = name => escape(params.get(name) ?? '');
  main.innerHTML = `
    <h1>${params.get('status') === 'Failed' ? 'Failed jobs' : 'Jobs'}</h1>
    <form class="filters" id="filters" role="search">
      <div class="field"><label for="filter-status">Status</label><select id="filter-status" name="status"><option value="">Any</option>${statuses.map(s =>
        `<option${params.get('status') === s ? ' selected' : ''}>${s}</option>`).join('')}</select></div>
      <div class="field"><label for="filter-queue">Queue</label><input id="filter-queue" name="queue" value="${value('queue')}"></div>
      <div class="field"><label for="filter-type">Type</label><input id="filter-type" name="type" value="${value('type')}"></div>
      <div class="field"><label for="filter-label">Label</label><input id="filter-label" name="label" value="${value('label')}"
        maxlength="64" title="One label, exactly as the jobs were given it"></div>
      <div class="field"><label for="filter-from">Created from</label><input id="filter-from" name="from" type="datetime-local" value="${value('from')}"></div>
      <div class="field"><label for="filter-to">Created to</label><input id="filter-to" name="to" type="datetime-local" value="${value('to')}"></div>
      <div class="field"><label for="filter-search">Search</label><input id="filter-search" name="search" type="search" value="${value('search')}"
        placeholder="Job, correlation or batch id, idempotency key" title="Exact job id, correlation id, idempotency key or batch id"></div>
      <button type="submit">Apply</button>
    </form>
    <div class="toolbar">
      <button type="button" id="retry-selected" disabled>Retry selected</button>
      <button type="button" class="danger" id="delete-selected" disabled>Delete selected</button>
      <span id="count" aria-live="polite"></span>
    </div>
    <div class="table-wrap"><table>
      <thead><tr><th><span class="visually-hidden">Select</span></th><th>Id</th><th>Type</th><th>Queue</th><th>Status</th><th class="wide">Attempt</th><th class="wide">Created</th><th class="wide">Correlation id</th></tr></thead>
      <tbody id="rows"><tr><td colspan="8">Loading…</td></tr></tbody>
    </table></div>
    <div class="toolbar">
      <button type="button" class="secondary" id="previous" disabled>Previous page</button>
      <button type="button" class="secondary" id="next" disabled>Next page</button>
    </div>`;

  const form = main.querySelector('#filters');
  form.addEventListener('submit', event => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, v] of new FormData(form)) if (v) query.set(name, v);
    navigate('jobs' + (query.size ? '?' + query : ''));
  });

  const cursors = [null];
  let page = 0;
  const retry = main.querySelector('#retry-selected');
  const remove = main.querySelector('#delete-selected');
  const selected = () => [...main.querySelectorAll('input[data-select]:checked')].map(box => box.dataset.select);
  main.addEventListener('change', event => {
    if (event.target.matches('input[data-select]')) retry.disabled = remove.disabled = selected().length === 0;
  });
  remove.addEventListener('click', async () => {
    const ids = selected();
    if (!confirm(`Delete ${ids.length} failed job(s)? They cannot be brought back.`)) return;
    remove.disabled = true;
    try {
      const result = await api('api/jobs/delete', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids }),
      });
      notify(`Deleted ${result.deleted.length} of ${ids.length} job(s).`);
    } catch (error) {
      notify(error.message);
    }
    await load();
  });
  retry.addEventListener('click', async () => {
    const ids = selected();
    retry.disabled = true;
    const results = await Promise.allSettled(ids.map(id => post(`api/jobs/${encodeURIComponent(id)}/retry`)));
    const failed = results.filter(r => r.status === 'rejected').length;
    notify(`Retried ${ids.length - failed} of ${ids.length} job(s).`);
    await load();
  });
  main.querySelector('#next').addEventListener('click', () => { page++; load(); });
  main.querySelector('#previous').addEventListener('click', () => { page--; load(); });

  async function load() {
    const query = new URLSearchParams({ limit: '50' });
    for (const name of filters) {
      const v = params.get(name);
      if (!v) continue;
      query.set(name, name === 'from' || name === 'to' ? new Date(v).toISOString() : v);
    }
    if (cursors[page]) query.set('cursor', cursors[page]);
    const rows = main.querySelector('#rows');
    try {
      const list = await api('api/jobs?' + query);
      cursors[page + 1] = list.nextCursor;
      rows.innerHTML = list.items.length === 0 ? '<tr><td colspan="8">No jobs match.</td></tr>' : list.items.map(row).join('');
      main.querySelector('#count').textContent = `Page ${page + 1}: ${list.items.length} job(s)`;
      main.querySelector('#next').disabled = !list.nextCursor;
      main.querySelector('#previous').disabled = page === 0;
      retry.disabled = remove.disabled = true;
    } catch (error) {
      rows.innerHTML = `<tr><td colspan="8" role="alert">${escape(error.message)}</td></tr>`;
    }
  }
  await load();
}

function row(job) {
  const select = job.status === 'Failed'
    ? `<input type="checkbox" data-select="${escape(job.id)}" aria-label="Select job ${escape(job.id)}">` : '';
  return `<tr data-job="${escape(job.id)}">
    <td>${select}</td>
    <td class="id"><a href="jobs/${encodeURIComponent(job.id)}" data-link>${escape(job.id)}</a></td>
    <td>${escape(job.type)}</td><td>${escape(job.queue)}</td>
    <td class="status status-${escape(job.status)}">${escape(job.status)}</td>
    <td class="wide">${job.attempt}/${job.maxAttempts}</td>
    <td class="wide">${when(job.createdAt)}</td>
    <td class="wide">${escape(job.correlationId)}</td></tr>`;
}
