// dealflow.js: an investor's ranked deal flow: GET /api/v1/investors/{id}/matches.
import { api, h, has, t, $, requireSignIn, myProfiles, setStatus, errorText, toast, plural } from '../core.js';
import { matchCard } from '../match.js';

let investorID = '';

function extra(item, card, actions) {
  if (!has('pipeline')) return;
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
    const res = await api('GET', `/investors/${encodeURIComponent(investorID)}/matches?limit=30`);
    const items = res.items || [];
    $('#deal-list').replaceChildren(...items.map((it) => matchCard({ kind: 'startup', ...it }, { kind: 'investor', id: investorID }, extra)));
    setStatus('page-status', items.length ? t('dealflow.count', { n: items.length }) : t('dealflow.none'));
  } catch (err) {
    setStatus('page-status', errorText(err), 'error');
  }
}

async function init() {
  if (!requireSignIn() || !has('inv_matches')) return;
  const mine = await myProfiles('investor');
  if (!mine.length) {
    $('#deal-list').replaceChildren(h('li', { class: 'card' }, t('dealflow.need_investor'), ' ',
      h('a', { href: `/${plural('investor')}/new` }, t('dealflow.create'))));
    return;
  }
  investorID = mine[0].id;
  const sel = $('#d-investor');
  sel.replaceChildren(...mine.map((r) => h('option', { value: r.id }, r.name)));
  $('#investor-field').hidden = mine.length < 2;
  sel.addEventListener('change', () => { investorID = sel.value; load(); });
  load();
}

init();
