// One queue (/console/queues/{name}): its counts, pause and resume, and a form for its limits. Saving replaces all
// limits at once (PUT /api/queues/{name}); a field left empty means no limit. The API's messages show by their field.
import { api, post, put, escape, notify } from './api.js';

const limits = [
  { name: 'maxConcurrency', label: 'Max concurrency', hint: 'Jobs of this queue running at once, cluster-wide.', step: '1' },
  { name: 'maxConcurrencyPerKey', label: 'Max concurrency per key', hint: 'Jobs with the same concurrency key running at once.', step: '1' },
  { name: 'ratePerSecond', label: 'Rate (starts per second)', hint: 'Starts per second; 0.5 is one every two seconds.', step: 'any' },
  { name: 'burst', label: 'Burst', hint: 'Starts allowed at once above the rate; needs a rate.', step: '1' },
];

export function renderQueue(main, name) {
  let queue = null;

  function draw() {
    main.innerHTML = `
      <h1>Queue <span class="id">${escape(queue.name)}</span></h1>
      <div class="toolbar">
        <span>State: <span id="state" class="status">${queue.paused ? 'Paused' : 'Active'}</span></span>
        <button type="button" id="pause">${queue.paused ? 'Resume' : 'Pause'}</button>
        <a href="jobs?queue=${encodeURIComponent(queue.name)}" data-link>Jobs of this queue</a>
      </div>
      <dl class="fields" id="counts">
        <dt>Queued</dt><dd>${queue.queued}</dd><dt>Running</dt><dd>${queue.running}</dd>
        <dt>Scheduled</dt><dd>${queue.scheduled}</dd>
        <dt>Failed</dt><dd><a href="jobs?status=Failed&amp;queue=${encodeURIComponent(queue.name)}" data-link>${queue.failed}</a></dd>
        <dt>Holding a slot</dt><dd>${queue.holding ?? '—'}</dd><dt>Waiting for a slot</dt><dd>${queue.waiting ?? '—'}</dd>
      </dl>
      <h2 id="limits-heading">Limits</h2>
      <form id="limits" class="limits" aria-labelledby="limits-heading" novalidate>
        ${limits.map(l => `<div class="field">
          <label for="limit-${l.name}">${l.label}</label>
          <input id="limit-${l.name}" name="${l.name}" type="number" min="0" step="${l.step}" inputmode="decimal"
            value="${queue[l.name] ?? ''}" placeholder="No limit" aria-describedby="hint-${l.name} error-${l.name}">
          <small id="hint-${l.name}" class="hint">${l.hint} Empty: no limit.</small>
          <small id="error-${l.name}" class="error" aria-live="polite"></small>
        </div>`).join('')}
        <p id="limits-error" class="error" role="alert"></p>
        <div class="toolbar"><button type="submit">Save limits</button></div>
      </form>`;
    main.querySelector('#pause').addEventListener('click', togglePause);
    main.querySelector('#limits').addEventListener('submit', save);
  }

  async function load() {
    try {
      queue = await api(`api/queues/${encodeURIComponent(name)}`);
    } catch (error) {
      main.innerHTML = `<h1>Queue ${escape(name)}</h1><p role="alert">${escape(error.message)}</p>`;
      return;
    }
    draw();
  }

  async function togglePause(event) {
    event.target.disabled = true;
    try {
      queue = await post(`api/queues/${encodeURIComponent(name)}/${queue.paused ? 'resume' : 'pause'}`);
      notify(`Queue ${name}: ${queue.paused ? 'paused' : 'resumed'}.`);
    } catch (error) {
      notify(error.message);
    }
    draw();
  }

  async function save(event) {
    event.preventDefault();
    const form = event.target;
    // A number goes as a number; anything else as typed, so that the API's message says what is wrong with it.
    const body = { paused: queue.paused };
    for (const l of limits) {
      const text = form.elements[l.name].value.trim();
      body[l.name] = text === '' ? null : Number.isFinite(Number(text)) ? Number(text) : text;
    }
    for (const l of limits) show(l.name, '');
    form.querySelector('#limits-error').textContent = '';
    try {
      queue = await put(`api/queues/${encodeURIComponent(name)}`, body);
    } catch (error) {
      const fields = Object.keys(error.errors ?? {});
      for (const field of fields) {
        if (limits.some(l => l.name === field)) show(field, error.errors[field].join(' '));
      }
      if (!fields.some(field => limits.some(l => l.name === field))) form.querySelector('#limits-error').textContent = error.message;
      form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    notify(`Queue ${name}: limits saved.`);
    draw();
  }

  function show(field, message) {
    main.querySelector(`#error-${field}`).textContent = message;
    const input = main.querySelector(`#limit-${field}`);
    if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  }

  load();
}
