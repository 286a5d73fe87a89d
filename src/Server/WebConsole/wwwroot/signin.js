// Signing in with an API key, asked for once: the server keeps it in an HttpOnly, same-site cookie.
import { api, escape, session } from './api.js';

export function renderSignIn(main, signedIn) {
  main.innerHTML = `
    <h1>Sign in</h1>
    <form class="sign-in" id="sign-in">
      <p>This service needs an API key. The console keeps it in a secure cookie until you sign out or close the browser.</p>
      <div class="field"><label for="api-key">API key</label><input id="api-key" name="key" type="password" autocomplete="off" required></div>
      <button type="submit">Sign in</button>
      <p id="sign-in-error" role="alert"></p>
    </form>`;
  const form = main.querySelector('#sign-in');
  const input = main.querySelector('#api-key');
  input.focus();
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const error = main.querySelector('#sign-in-error');
    error.textContent = '';
    try {
      await api('console/session', { method: 'POST', headers: { 'X-Api-Key': input.value }, quiet: true });
      input.value = '';
      await signedIn();
    } catch (e) {
      error.innerHTML = escape(e.message);
    }
  });
}

export async function signOut(signedOut) {
  await api('console/session', { method: 'DELETE', quiet: true });
  Object.assign(session, { name: '', scopes: [], viaCookie: false, antiforgeryHeader: '', antiforgeryToken: '' });
  signedOut();
}
