// The console's calls to the HTTP API, relative to where the console is mounted (…/console/ → …/api/).
export const root = new URL('../', document.baseURI);

// Who is signed in (GET console/session): the antiforgery token that changes carry, and the scopes held.
export const session = { name: '', scopes: [], viaCookie: false, antiforgeryHeader: '', antiforgeryToken: '' };
let unauthorized = () => {};

/** Called when the API answers 401: the key is missing, unknown or revoked, and the page asks for one. */
export function onUnauthorized(handler) { unauthorized = handler; }

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
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
    throw new ApiError(response.status, detail);
  }
  return body;
}

export const post = (path) => api(path, { method: 'POST' });

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

export function notify(text) {
  const notice = document.getElementById('notice');
  notice.textContent = text;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => { notice.textContent = ''; }, 5000);
}
