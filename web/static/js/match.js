// match.js: a match card (score, reasons in the page language, save and
// dismiss through POST /api/v1/matches/feedback), shared by the founder's
// matches and the investor's deal flow.
import { api, h, has, t, toast, errorText, kindLabel, profileURL, percent, reasonText } from './core.js';

/**
 * matchCard renders one item of a matches reply. from is {kind, id} of the
 * profile the matches are for; extra(item, card) may add actions.
 */
export function matchCard(item, from, extra) {
  const feedback = async (action, btn) => {
    btn.disabled = true;
    try {
      await api('POST', '/matches/feedback', { body: { from_kind: from.kind, from_id: from.id, to_kind: item.kind, to_id: item.id, action } });
      return true;
    } catch (err) {
      toast(errorText(err));
      btn.disabled = false;
      return false;
    }
  };
  const actions = h('div', { class: 'button-row' });
  const card = h('li', { class: 'card match', 'data-id': item.id },
    h('div', { class: 'card-head' },
      h('span', { class: 'tag k-' + item.kind }, kindLabel(item.kind)),
      h('h3', null, h('a', { href: profileURL(item.kind, item.id) }, item.name || item.id))),
    h('p', { class: 'score' }, t('matches.score', { p: percent(item.score) }),
      item.mutual_score !== undefined && item.mutual_score !== null ? h('span', { class: 'muted' }, ' · ', t('matches.mutual', { p: percent(item.mutual_score) })) : null),
    h('div', { class: 'meter', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.round(Math.max(0, Math.min(1, item.score)) * 100)}%` })),
    (item.reasons || []).length ? h('ul', { class: 'reasons', 'aria-label': t('matches.reasons') }, item.reasons.map((r) => h('li', null, reasonText(r)))) : null,
    actions);
  if (has('feedback')) {
    const save = h('button', { type: 'button', class: 'secondary small', 'aria-pressed': 'false' }, t('matches.save'));
    save.addEventListener('click', async () => {
      if (await feedback('save', save)) {
        save.textContent = t('matches.saved');
        save.setAttribute('aria-pressed', 'true');
      }
    });
    const dismiss = h('button', { type: 'button', class: 'secondary small' }, t('matches.dismiss'));
    dismiss.addEventListener('click', async () => {
      if (await feedback('dismiss', dismiss)) {
        const next = card.nextElementSibling || card.previousElementSibling;
        card.remove();
        toast(t('matches.dismissed', { name: item.name || '' }));
        const link = next && next.querySelector('a');
        if (link) link.focus();
      }
    });
    actions.append(save, dismiss);
  }
  if (extra) extra(item, card, actions);
  return card;
}
