// me.js: "my profiles": GET /api/v1/me, the account and the profiles it owns.
import { api, auth, h, has, t, $, requireSignIn, setStatus, errorText, kindLabel, label, profileURL, plural } from '../core.js';

async function load() {
  if (!requireSignIn()) return;
  if (!has('me')) { setStatus('me-status', t('feature.missing', { what: t('me.title') }), 'error'); return; }
  setStatus('me-status', t('common.loading'));
  try {
    const me = await api('GET', '/me');
    auth.setMe(me);
    setStatus('me-status', '');
    const u = me.user;
    $('#me-facts').replaceChildren(
      h('dt', null, t('auth.name')), h('dd', null, u.name),
      h('dt', null, t('auth.email')), h('dd', null, u.email),
      h('dt', null, t('auth.roles')), h('dd', null, (u.roles || []).map((r) => label('role.', r)).join('、') || '—'));
    $('#me-account').hidden = false;
    const list = me.profiles || [];
    $('#me-list').replaceChildren(...(list.length ? list.map((r) => h('li', { class: 'card' },
      h('div', { class: 'card-head' },
        h('span', { class: 'tag k-' + r.kind }, kindLabel(r.kind)),
        h('h3', null, h('a', { href: profileURL(r.kind, r.id) }, r.name || r.id))),
      h('p', { class: 'button-row' },
        h('a', { class: 'button small secondary', href: `/${plural(r.kind)}/${encodeURIComponent(r.id)}/edit`, 'aria-label': t('me.edit_named', { name: r.name }) }, t('me.edit')))))
      : [h('li', { class: 'muted' }, t('me.none'))]));
    $('#me-profiles').hidden = false;
  } catch (err) {
    if (err.status === 401) { requireSignIn(); return; }
    setStatus('me-status', errorText(err), 'error');
  }
}

load();
