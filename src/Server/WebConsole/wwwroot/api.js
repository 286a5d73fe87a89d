// The console's calls to the HTTP API, relative to where the console is mounted (…/console/ → …/api/).
export const root = new URL('../', document.baseURI);

export async function api(path, options = {}) {
  const response = await fetch(new URL(path, root), {
    ...options,
    headers: { Accept: 'application/json', ...(options.headers ?? {}) },
    credentials: 'same-origin',
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = body?.detail ?? body?.title ?? response.statusText;
    throw new Error(`${response.status}: ${detail}`);
  }
  return body;
}

export const post = (path) => api(path, { method: 'POST' });

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
