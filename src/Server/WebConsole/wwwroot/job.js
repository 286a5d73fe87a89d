// One job: its fields, attempts, and while it runs its status and progress live over the SignalR hub.
import { api, post, root, session, escape, when, notify } from './api.js';

const terminal = ['Succeeded', 'Failed', 'Cancelled'];

export function renderJob(main, id) {
  let connection = null;
  let sequence = -1;
  let left = false;

  async function load() {
    let job, settings;
    try {
      [job, settings] = await Promise.all([api(`api/jobs/${encodeURIComponent(id)}`), api('console/settings.json').catch(() => ({}))]);
    } catch (error) {
      main.innerHTML = `<h1>Job ${escape(id)}</h1><p role="alert">${escape(error.message)}</p>`;
      return;
    }
    sequence = job.sequence;
    const trace = job.traceId && settings.traceUrl
      ? `<a href="${escape(settings.traceUrl.replace('{traceId}', encodeURIComponent(job.traceId)))}" rel="noopener">${escape(job.traceId)}</a>`
      : escape(job.traceId);
    main.innerHTML = `
      <h1>Job <span class="id">${escape(job.id)}</span></h1>
      <div class="toolbar">
        <span>Status: <span id="status" class="status status-${escape(job.status)}">${escape(job.status)}</span></span>
        <button type="button" id="cancel">Cancel</button>
        <button type="button" id="retry">Retry</button>
      </div>
      <div class="bar" id="progress" role="progressbar" aria-label="Progress" aria-valuemin="0" aria-valuemax="100"><div></div></div>
      <p id="progress-message"></p>
      <dl class="fields">
        <dt>Type</dt><dd>${escape(job.type)}</dd>
        <dt>Queue</dt><dd><a href="jobs?queue=${encodeURIComponent(job.queue)}" data-link>${escape(job.queue)}</a></dd>
        <dt>Attempt</dt><dd>${job.attempt} of ${job.maxAttempts}</dd>
        <dt>Created</dt><dd>${when(job.createdAt)}</dd>
        <dt>Started</dt><dd>${when(job.startedAt)}</dd>
        <dt>Completed</dt><dd>${when(job.completedAt)}</dd>
        <dt>Next attempt</dt><dd>${when(job.nextAttemptAt)}</dd>
        <dt>Correlation id</dt><dd>${related(job.correlationId)}</dd>
        <dt>Idempotency key</dt><dd>${escape(job.idempotencyKey)}</dd>
        <dt>Batch</dt><dd>${job.batchId ? `<a href="batches/${encodeURIComponent(job.batchId)}" data-link>${escape(job.batchId)}</a>` : ''}</dd>
        <dt>Labels</dt><dd>${(job.labels ?? []).map(l => `<a href="jobs?label=${encodeURIComponent(l)}" data-link>${escape(l)}</a>`).join(', ')}</dd>
        <dt>Depends on</dt><dd>${(job.dependsOn ?? []).map(d => `<a href="jobs/${encodeURIComponent(d)}" data-link>${escape(d)}</a>`).join(', ')}</dd>
        <dt>Trace id</dt><dd>${trace}</dd>
      </dl>
      <h2>Payload</h2><pre>${escape(JSON.stringify(job.payload, null, 2))}</pre>
      <h2>Result</h2><pre id="result">${escape(JSON.stringify(job.result, null, 2))}</pre>
      ${job.error ? `<h2>Error</h2><pre id="error">${escape(job.error.type ? job.error.type + ': ' : '')}${escape(job.error.message)}</pre>` : ''}
      <h2>Attempts</h2>
      <div class="table-wrap"><table id="attempts">
        <thead><tr><th>#</th><th>Due</th><th>Started</th><th>Late</th><th>Ended</th><th>Outcome</th><th class="wide">Silo or worker</th><th class="wide">Error</th></tr></thead>
        <tbody>${job.attempts.map(a => `<tr><td>${a.number}</td><td>${when(a.dueAt)}</td><td>${when(a.startedAt)}</td><td class="late">${late(a)}</td><td>${when(a.endedAt)}</td>
          <td>${escape(a.outcome)}</td><td class="wide">${escape(a.worker ? `${a.worker} (worker, via ${a.silo ?? '?'})` : a.silo)}</td><td class="wide">${escape(a.error?.message)}</td></tr>`).join('')}</tbody>
      </table></div>`;
    show(job.status, job.progress?.percent ?? (job.status === 'Succeeded' ? 100 : null), job.progress?.message);
    main.querySelector('#cancel').addEventListener('click', () => act('cancel'));
    main.querySelector('#retry').addEventListener('click', () => act('retry'));
    if (!terminal.includes(job.status)) watch();
  }

  function show(status, percent, message) {
    const label = main.querySelector('#status');
    if (!label) return;
    label.textContent = status;
    label.className = `status status-${status}`;
    main.querySelector('#cancel').disabled = terminal.includes(status);
    main.querySelector('#retry').disabled = !['Failed', 'Cancelled'].includes(status);
    const bar = main.querySelector('#progress');
    if (percent != null) {
      const value = Math.round(Math.max(0, Math.min(100, percent)));
      bar.setAttribute('aria-valuenow', String(value));
      bar.firstElementChild.style.width = value + '%';
    }
    if (message != null) main.querySelector('#progress-message').textContent = message;
  }

  async function act(action) {
    try {
      await post(`api/jobs/${encodeURIComponent(id)}/${action}`);
    } catch (error) {
      notify(error.message); // refused (a key without the scope, a job past cancelling): the page stays as it is
      return;
    }
    notify(action === 'cancel' ? 'Cancel requested.' : 'Retry queued.');
    await stop();
    if (!left) await load();
  }

  async function watch() {
    if (connection || !window.signalR) return;
    // The hub's negotiation is a POST: signed in by the cookie, it carries the antiforgery token like any change.
    const headers = session.antiforgeryHeader ? { [session.antiforgeryHeader]: session.antiforgeryToken } : {};
    connection = new signalR.HubConnectionBuilder().withUrl(new URL('hubs/jobs', root).href, { headers }).withAutomaticReconnect().build();
    connection.on('JobEvent', e => {
      if (e.jobId !== id || e.sequence <= sequence) return;
      sequence = e.sequence;
      show(e.status, e.percent ?? (e.status === 'Succeeded' ? 100 : null), e.message);
      if (terminal.includes(e.status)) setTimeout(() => { if (!left) { stop().then(load); } }, 300);
    });
    connection.onreconnected(() => connection.invoke('Subscribe', id));
    const started = connection;
    try {
      await started.start();
      await started.invoke('Subscribe', id);
    } catch (error) {
      if (connection === started) notify('Live updates are off: ' + error.message); // not when the page stopped it
    }
  }

  async function stop() {
    const c = connection;
    connection = null;
    if (c) await c.stop().catch(() => {});
  }

  load();
  return () => { left = true; stop(); };
}

// A correlation id links to the jobs that share it.
function related(value) {
  return value ? `<a href="jobs?search=${encodeURIComponent(value)}" data-link>${escape(value)}</a>` : '';
}

// How long after it was due an attempt started: milliseconds under a second, seconds under a minute, then minutes.
function late(attempt) {
  if (!attempt.dueAt || !attempt.startedAt) return '';
  const ms = Math.max(0, Date.parse(attempt.startedAt) - Date.parse(attempt.dueAt));
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60000).toFixed(1)} min`;
}
