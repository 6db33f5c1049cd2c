// dealflow.js: ranked startups for an investor (GET /api/v1/investors/{id}/matches)
// or a mentor (GET /api/v1/mentors/{id}/matches, within their capacity).
import { api, h, has, t, $, requireSignIn, myProfiles, setStatus, errorText, toast, plural, kindLabel } from '../core.js';
import { matchCard } from '../match.js';

let from = null; // {kind, id} of the investor or mentor profile

function extra(item, card, actions) {
  if (!has('pipeline') || from.kind !== 'investor') return;
  const btn = h('button', { type: 'button', class: 'small' }, t('pipeline.add'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      await api('PUT', '/pipeline/' + encodeURIComponent(item.id), { body: { stage: 'new', note: '' } });
      btn.textContent = t('pipeline.added');
      toast(t('pipeline.added'));
    } catch (err) {
      toast(errorText(err));
      btn.disabled = false;
    }
  });
  actions.append(btn);
}

async function load() {
  setStatus('page-status', t('common.loading'));
  try {
    const res = await api('GET', `/${plural(from.kind)}/${encodeURIComponent(from.id)}/matches?limit=30`);
    const items = res.items || [];
    $('#deal-list').replaceChildren(...items.map((it) => matchCard({ kind: 'startup', ...it }, from, extra)));
    setStatus('page-status', items.length ? t('dealflow.count', { n: items.length }) : t('dealflow.none'));
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

async function init() {
  if (!requireSignIn()) return;
  const kinds = [has('inv_matches') ? 'investor' : '', has('mentor_matches') ? 'mentor' : ''].filter(Boolean);
  if (!kinds.length) return;
  const mine = (await myProfiles()).filter((r) => kinds.includes(r.kind));
  if (!mine.length) {
    $('#deal-list').replaceChildren(h('li', { class: 'card' }, t('dealflow.need_investor'), ' ',
      h('a', { href: `/${plural('investor')}/new` }, t('dealflow.create'))));
    return;
  }
  from = { kind: mine[0].kind, id: mine[0].id };
  const sel = $('#d-investor');
  sel.replaceChildren(...mine.map((r) => h('option', { value: r.kind + ':' + r.id }, kindLabel(r.kind) + ' · ' + r.name)));
  $('#investor-field').hidden = mine.length < 2;
  sel.addEventListener('change', () => {
    const [kind, id] = sel.value.split(':');
    from = { kind, id };
    load();
  });
  load();
}

init();
