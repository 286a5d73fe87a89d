// One batch (/console/batches/{id}): how far its members have got (counts by status and a progress bar), its members
// as a list of jobs (the jobs API searched by batch id, paged on the server), its continuation, and Cancel. It
// refreshes every two seconds until every member and the continuation have ended.
import { api, post, escape, when, notify, progressBar } from './api.js';

const terminal = ['Succeeded', 'Failed', 'Cancelled'];
const pageSize = 50;

export function renderBatch(main, id) {
  let timer = null;
  let left = false;
  let cursor = null; // the member page shown: null is the first

  async function load() {
    let batch, members;
    try {
      [batch, members] = await Promise.all([
        api(`api/batches/${encodeURIComponent(id)}`),
        api(`api/jobs?search=${encodeURIComponent(id)}&limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
      ]);
    } catch (error) {
      main.innerHTML = `<h1>Batch ${escape(id)}</h1><p role="alert">${escape(error.message)}</p>`;
      return;
    }
    const percent = Math.round(batch.progress * 100);
    const counts = Object.entries(batch.counts).filter(([, n]) => n > 0);
    const continuation = batch.continuation;
    main.innerHTML = `
      <h1>Batch <span class="id">${escape(batch.id)}</span></h1>
      <div class="toolbar">
        <span id="finished">${batch.finished} of ${batch.total} finished</span>
        <button type="button" id="cancel" class="danger"${batch.completedAt || batch.cancelled ? ' disabled' : ''}>Cancel batch</button>
      </div>
      ${progressBar('progress', 'Members finished', percent)}
      <p>${percent}%${batch.cancelled ? ' · cancelled' : ''}</p>
      <dl class="fields" id="counts">
        ${counts.map(([status, n]) => `<dt class="status status-${escape(status)}">${escape(status)}</dt><dd data-status="${escape(status)}">${n}</dd>`).join('')}
        <dt>Created</dt><dd>${when(batch.createdAt)}</dd>
        <dt>Completed</dt><dd>${when(batch.completedAt)}</dd>
        <dt>Continuation</dt><dd>${continuation ? `<a href="jobs/${encodeURIComponent(continuation.id)}" data-link>${escape(continuation.id)}</a>
          ${escape(continuation.status ?? 'waiting')}` : 'none'}</dd>
      </dl>
      <h2>Jobs of this batch</h2>
      <div class="table-wrap"><table>
        <thead><tr><th>Job</th><th>Type</th><th>Status</th><th class="wide">Started</th><th class="wide">Completed</th></tr></thead>
        <tbody id="members">${members.items.map(j => `<tr data-job="${escape(j.id)}">
          <td class="id"><a href="jobs/${encodeURIComponent(j.id)}" data-link>${escape(j.id)}</a></td><td>${escape(j.type)}</td>
          <td class="status status-${escape(j.status)}">${escape(j.status)}</td>
          <td class="wide">${when(j.startedAt)}</td><td class="wide">${when(j.completedAt)}</td></tr>`).join('')}</tbody>
      </table></div>
      <div class="toolbar">
        <button type="button" class="secondary" id="first"${cursor ? '' : ' disabled'}>First page</button>
        <button type="button" class="secondary" id="next"${members.nextCursor ? '' : ' disabled'}>Next page</button>
      </div>`;
    main.querySelector('#cancel').addEventListener('click', cancel);
    main.querySelector('#first').addEventListener('click', () => page(null));
    main.querySelector('#next').addEventListener('click', () => page(members.nextCursor));
    const done = batch.finished === batch.total && (!continuation || terminal.includes(continuation.status));
    if (!done && !left) timer = setTimeout(load, 2000);
  }

  function page(at) {
    cursor = at;
    clearTimeout(timer);
    load();
  }

  async function cancel() {
    if (!confirm('Cancel every member of this batch that has not ended?')) return;
    try {
      await post(`api/batches/${encodeURIComponent(id)}/cancel`);
      notify('Batch cancelled.');
    } catch (error) {
      notify(error.message);
    }
    clearTimeout(timer);
    if (!left) load();
  }

  load();
  return () => { left = true; clearTimeout(timer); };
}
