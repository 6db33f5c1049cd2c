// layout.js: the site header on every page: account state, role-based
// navigation, search suggestions, sign-out and the notifications badge.
import { api, auth, has, $, $$, t } from './core.js';
import { attachSuggest } from './suggest.js';
import { sharedLive } from './live.js';

function renderAccount() {
  const user = auth.user;
  const signedIn = auth.signedIn() && user;
  const anon = $('#acct-anon');
  const me = $('#acct-user');
  if (anon) anon.hidden = !!signedIn;
  if (me) me.hidden = !signedIn;
  const who = $('#who');
  if (who && signedIn) who.textContent = user.name || user.email;
  const nav = $('#mainnav');
  if (nav) nav.hidden = !signedIn;
  for (const li of $$('[data-roles]')) {
    const roles = li.dataset.roles.split(' ');
    li.hidden = !signedIn || !roles.some((r) => auth.hasRole(r) || auth.hasRole('admin'));
  }
  const notif = $('#notif-link');
  if (notif) notif.hidden = !signedIn;
  const cta = $('#home-cta');
  if (cta) cta.hidden = !!signedIn;
}

async function refreshMe() {
  if (!auth.signedIn() || !has('me')) return;
  try {
    auth.setMe(await api('GET', '/me'));
  } catch {
    // A 401 has already signed the user out; other failures keep the cache.
  }
}

let badgeTimer;
/** refreshBadge shows the number of unread notifications. */
export async function refreshBadge() {
  const badge = $('#notif-badge');
  if (!badge || !auth.signedIn() || !has('notifications')) return;
  try {
    const res = await api('GET', '/notifications?unread=true&limit=100');
    const n = (res.items || []).length;
    badge.hidden = n === 0;
    badge.textContent = n > 99 ? '99+' : String(n);
    badge.setAttribute('aria-label', t('nav.unread', { n }));
  } catch {
    badge.hidden = true;
  }
  clearTimeout(badgeTimer);
  badgeTimer = setTimeout(refreshBadge, 60000);
}

async function signOut() {
  if (has('logout')) {
    try { await api('POST', '/auth/logout'); } catch { /* the token is dropped anyway */ }
  }
  auth.clear();
  location.assign('/');
}

/** syncLangLink points the language switch at the current URL. */
export function syncLangLink() {
  const a = $('.langswitch');
  if (!a) return;
  const u = new URL(a.href, location.href);
  u.searchParams.set('next', location.pathname + location.search);
  a.href = u.pathname + u.search;
}

// Mark the navigation link of the current page.
for (const a of $$('.mainnav a')) {
  if (a.getAttribute('href') === location.pathname) a.setAttribute('aria-current', 'page');
}

renderAccount();
document.addEventListener('ml:auth', renderAccount);
window.addEventListener('storage', (e) => { if (e.key && e.key.startsWith('ml.')) renderAccount(); });
for (const input of $$('input[data-suggest]')) attachSuggest(input);
const so = $('#signout');
if (so) so.addEventListener('click', signOut);
refreshMe().then(() => {
  refreshBadge();
  // The badge follows the user's live channel when the server has one.
  const u = auth.user;
  if (u && auth.signedIn() && has('ws') && has('notifications')) {
    sharedLive().subscribe('user:' + u.id, { onMessage: refreshBadge, onReset: refreshBadge });
  }
});
