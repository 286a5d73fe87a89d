// The console's calls to the HTTP API, relative to where the console is mounted (…/console/ → …/api/).
export const root = new URL('../', document.baseURI);

// Who is signed in (GET console/session): the antiforgery token that changes carry, and the scopes held.
export const session = { name: '', scopes: [], viaCookie: false, antiforgeryHeader: '', antiforgeryToken: '' };
let unauthorized = () => {};

/** Called when the API answers 401: the key is missing, unknown or revoked, and the page asks for one. */
export function onUnauthorized(handler) { unauthorized = handler; }

/** A refused call: the status, a message to show, and per field the messages of a validation problem. */
export class ApiError extends Error {
  constructor(status, message, errors) { super(message); this.status = status; this.errors = errors ?? {}; }
}

export async function api(path, options = {}) {
  const method = options.method ?? 'GET';
  const headers = { Accept: 'application/json', ...(options.headers ?? {}) };
  if (method !== 'GET' && session.antiforgeryHeader) headers[session.antiforgeryHeader] = session.antiforgeryToken;
  const response = await fetch(new URL(path, root), { ...options, method, headers, credentials: 'same-origin' });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) {
    if (response.status === 401 && !options.quiet) unauthorized();
    const detail = response.status === 403 && body?.title === 'Forbidden'
      ? `Not allowed: the key '${session.name}' lacks the scope this needs (it has ${session.scopes.join(', ') || 'none'}).`
      : `${response.status}: ${body?.detail ?? body?.title ?? response.statusText}`;
    throw new ApiError(response.status, detail, body?.errors);
  }
  return body;
}

export const post = (path) => api(path, { method: 'POST' });

export const put = (path, value) =>
  api(path, { method: 'PUT', body: JSON.stringify(value), headers: { 'Content-Type': 'application/json' } });

/** Reads the session; false when no key signs the page in. */
export async function loadSession() {
  try {
    Object.assign(session, await api('console/session', { quiet: true }));
    return true;
  } catch (error) {
    if (error.status === 401) return false;
    throw error;
  }
}

export function escape(value) {
  return String(value ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function when(value) {
  return value ? new Date(value).toLocaleString() : '';
}

/** A date in a named time zone (an IANA name), falling back to the browser's own. */
export function whenIn(value, timeZone) {
  if (!value) return '';
  try { return new Date(value).toLocaleString(undefined, { timeZone, timeZoneName: 'short' }); } catch { return when(value); }
}

/** A progress bar (role="progressbar") at a percentage, with its label. */
export function progressBar(id, label, percent) {
  const value = Math.round(Math.max(0, Math.min(100, percent)));
  return `<div class="bar" id="${id}" role="progressbar" aria-label="${escape(label)}" aria-valuemin="0" aria-valuemax="100"
    aria-valuenow="${value}"><div style="width:${value}%"></div></div>`;
}

/** Fills a table's body from a list endpoint: a row per item, a line when there is none, or the error in their place. */
export async function fillRows(rows, path, columns, empty, row) {
  try {
    const list = await api(path);
    rows.innerHTML = list.items.length === 0 ? `<tr><td colspan="${columns}">${empty}</td></tr>` : list.items.map(row).join('');
  } catch (error) {
    rows.innerHTML = `<tr><td colspan="${columns}" role="alert">${escape(error.message)}</td></tr>`;
  }
}

/** A row's Pause or Resume button for a queue or schedule (`kind`) named `name`; see `onPauseButtons`. */
export function pauseButton(kind, name, paused) {
  const [action, label] = paused ? ['resume', 'Resume'] : ['pause', 'Pause'];
  return `<button type="button" data-action="${action}" data-name="${escape(name)}" aria-label="${label} ${kind} ${escape(name)}">${label}</button>`;
}

/**
 * Wires the `pauseButton`s of a table: a click posts `{base}/{name}/pause` (or `resume`), tells how it went, and
 * reloads the table.
 */
export function onPauseButtons(rows, base, noun, reload) {
  rows.addEventListener('click', async event => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    button.disabled = true;
    try {
      await post(`${base}/${encodeURIComponent(button.dataset.name)}/${button.dataset.action}`);
      notify(`${noun} ${button.dataset.name}: ${button.dataset.action}d.`);
    } catch (error) {
      notify(error.message);
    }
    await reload();
  });
}

export function notify(text) {
  const notice = document.getElementById('notice');
  notice.textContent = text;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => { notice.textContent = ''; }, 5000);
}
