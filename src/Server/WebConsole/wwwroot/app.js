// Client-side routing: every page has its own address under /console, so a link opens on that page.
import { renderJobs } from './jobs.js';
import { renderJob } from './job.js';
import { renderQueues } from './queues.js';

const base = new URL(document.baseURI).pathname;
let leave = null;

function route() {
  const path = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : '';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(location.search);
  const main = document.getElementById('main');
  if (leave) { leave(); leave = null; }
  for (const link of document.querySelectorAll('nav a')) {
    const target = new URL(link.href);
    const current = target.pathname === location.pathname && target.search === location.search;
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  if (parts[0] === 'jobs' && parts[1]) leave = renderJob(main, parts[1]);
  else if (parts[0] === 'queues') renderQueues(main);
  else renderJobs(main, params);
}

export function navigate(href) {
  history.pushState(null, '', new URL(href, document.baseURI));
  route();
}

document.addEventListener('click', event => {
  const link = event.target.closest('a[data-link]');
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', route);
route();
