// Client-side routing: every page has its own address under /console, so a link opens on that page. The page first
// asks who is signed in; without a key (when the service needs one) it asks for one.
import { loadSession, onUnauthorized, session, escape } from './api.js';
import { renderSignIn, signOut } from './signin.js';
import { renderJobs } from './jobs.js';
import { renderJob } from './job.js';
import { renderQueues } from './queues.js';
import { renderQueue } from './queue.js';
import { renderSchedules, renderSchedule } from './schedules.js';
import { renderBatch } from './batch.js';
import { renderOverview } from './overview.js';

const base = new URL(document.baseURI).pathname;
const main = document.getElementById('main');
const user = document.getElementById('user');
const signOutButton = document.getElementById('sign-out');
let leave = null;
let signedIn = false;

function route() {
  if (leave) { leave(); leave = null; }
  if (!signedIn) return;
  const path = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : '';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(location.search);
  for (const link of document.querySelectorAll('nav a')) {
    const target = new URL(link.href);
    const current = target.pathname === location.pathname && target.search === location.search;
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  if (parts[0] === 'jobs' && parts[1]) leave = renderJob(main, parts[1]);
  else if (parts[0] === 'queues' && parts[1]) renderQueue(main, parts[1]);
  else if (parts[0] === 'queues') renderQueues(main);
  else if (parts[0] === 'schedules' && parts[1]) renderSchedule(main, parts[1]);
  else if (parts[0] === 'schedules') renderSchedules(main);
  else if (parts[0] === 'batches' && parts[1]) leave = renderBatch(main, parts[1]);
  else if (parts[0] === 'jobs') renderJobs(main, params);
  else leave = renderOverview(main);
}

export function navigate(href) {
  history.pushState(null, '', new URL(href, document.baseURI));
  route();
}

function askForKey() {
  if (leave) { leave(); leave = null; }
  signedIn = false;
  user.textContent = '';
  signOutButton.hidden = true;
  renderSignIn(main, start);
}

async function start() {
  try {
    signedIn = await loadSession();
  } catch (error) {
    main.innerHTML = `<p role="alert">${escape(error.message)}</p>`;
    return;
  }
  if (!signedIn) { askForKey(); return; }
  user.textContent = `${session.name} (${session.scopes.join(', ')})`;
  signOutButton.hidden = !session.viaCookie;
  route();
}

onUnauthorized(askForKey);
signOutButton.addEventListener('click', () => signOut(askForKey));
document.addEventListener('click', event => {
  const link = event.target.closest('a[data-link]');
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', route);
start();
