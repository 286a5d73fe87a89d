// Schedules: the list (/console/schedules) and one schedule (/console/schedules/{name}) with its next occurrences, as
// the API computes them from the cron expression, its last runs, trigger now, pause and resume.
import { api, post, escape, when, whenIn, notify, pauseButton, onPauseButtons, fillRows } from './api.js';

const path = name => `api/schedules/${encodeURIComponent(name)}`;

export async function renderSchedules(main) {
  main.innerHTML = `<h1>Schedules</h1><div class="table-wrap"><table>
    <thead><tr><th>Schedule</th><th>Cron</th><th class="wide">Time zone</th><th>Next</th><th class="wide">Last fired</th><th>State</th><th>Action</th></tr></thead>
    <tbody id="rows"><tr><td colspan="7">Loading…</td></tr></tbody></table></div>`;
  const rows = main.querySelector('#rows');
  const load = () => fillRows(rows, 'api/schedules', 7, 'No schedules yet.', s => `
        <tr data-schedule="${escape(s.name)}">
          <td><a href="schedules/${encodeURIComponent(s.name)}" data-link>${escape(s.name)}</a></td>
          <td><code>${escape(s.cron)}</code></td><td class="wide">${escape(s.timeZone)}</td>
          <td>${s.paused ? '—' : whenIn(s.nextOccurrences[0], s.timeZone)}</td><td class="wide">${when(s.lastFiredAt)}</td>
          <td class="state">${s.paused ? 'Paused' : 'Active'}</td>
          <td>${pauseButton('schedule', s.name, s.paused)}</td>
        </tr>`);
  onPauseButtons(rows, 'api/schedules', 'Schedule', load);
  await load();
}

export function renderSchedule(main, name) {
  let schedule = null;

  async function load() {
    try {
      schedule = await api(path(name));
    } catch (error) {
      main.innerHTML = `<h1>Schedule ${escape(name)}</h1><p role="alert">${escape(error.message)}</p>`;
      return;
    }
    // The last runs' statuses: at most ten jobs, read together. A job deleted since (retention) is unknown, and so is
    // one to a key without admin: a schedule's jobs have no owner.
    const runs = await Promise.all(schedule.recentJobIds.map(id => api(`api/jobs/${encodeURIComponent(id)}`).catch(() => ({ id, status: 'Unknown' }))));
    const s = schedule;
    main.innerHTML = `
      <h1>Schedule <span class="id">${escape(s.name)}</span></h1>
      <div class="toolbar">
        <span>State: <span id="state" class="status">${s.paused ? 'Paused' : 'Active'}</span></span>
        <button type="button" id="trigger">Trigger now</button>
        <button type="button" id="pause" class="secondary">${s.paused ? 'Resume' : 'Pause'}</button>
      </div>
      <dl class="fields">
        <dt>Cron</dt><dd><code id="cron">${escape(s.cron)}</code></dd>
        <dt>Time zone</dt><dd>${escape(s.timeZone)}</dd>
        <dt>Misfire</dt><dd>${escape(s.misfire)}</dd><dt>Overlap</dt><dd>${escape(s.overlap)}</dd>
        <dt>Jobs fired</dt><dd>${s.fired}</dd><dt>Occurrences skipped</dt><dd>${s.skipped}</dd>
        <dt>Last fired</dt><dd>${when(s.lastFiredAt)}</dd>
        <dt>Waiting occurrence</dt><dd>${whenIn(s.waitingOccurrence, s.timeZone)}</dd>
        <dt>Created</dt><dd>${when(s.createdAt)}</dd><dt>Updated</dt><dd>${when(s.updatedAt)}</dd>
      </dl>
      <h2>Next occurrences</h2>
      ${s.paused ? '<p>Paused: nothing fires until it is resumed.</p>' : ''}
      <ol id="next">${s.nextOccurrences.map(at => `<li><time datetime="${escape(at)}">${escape(whenIn(at, s.timeZone))}</time>
        <span class="muted">(${escape(when(at))} here)</span></li>`).join('')}</ol>
      <h2>Last runs</h2>
      ${runs.length === 0 ? '<p>No runs yet.</p>' : `<div class="table-wrap"><table>
        <thead><tr><th>Job</th><th>Status</th><th class="wide">Created</th><th class="wide">Completed</th></tr></thead>
        <tbody id="runs">${runs.map(j => `<tr data-job="${escape(j.id)}">
          <td class="id"><a href="jobs/${encodeURIComponent(j.id)}" data-link>${escape(j.id)}</a></td>
          <td class="status status-${escape(j.status)}">${escape(j.status)}</td>
          <td class="wide">${when(j.createdAt)}</td><td class="wide">${when(j.completedAt)}</td></tr>`).join('')}</tbody>
      </table></div>`}
      <h2>Job</h2><pre>${escape(JSON.stringify(s.job, null, 2))}</pre>`;
    main.querySelector('#trigger').addEventListener('click', trigger);
    main.querySelector('#pause').addEventListener('click', togglePause);
  }

  async function trigger(event) {
    event.target.disabled = true;
    try {
      const job = await post(`${path(name)}/trigger`);
      notify(`Schedule ${name}: job ${job.id} submitted.`);
    } catch (error) {
      notify(error.message);
    }
    await load();
  }

  async function togglePause(event) {
    event.target.disabled = true;
    try {
      await post(`${path(name)}/${schedule.paused ? 'resume' : 'pause'}`);
      notify(`Schedule ${name}: ${schedule.paused ? 'resumed' : 'paused'}.`);
    } catch (error) {
      notify(error.message);
    }
    await load();
  }

  load();
}
