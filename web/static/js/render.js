// render.js: displays profiles of the five kinds from their schema.
import { h, t, tOr, label, cityLabel, kindLabel, fmtMoney, fmtNumber, fmtDate, schemas } from './core.js';

const UNITS = {
  team_size: 'unit.people', min_minutes: 'unit.minutes', max_minutes: 'unit.minutes', lead_minutes: 'unit.minutes',
  'mentor.capacity': 'unit.mentees', 'space.capacity': 'unit.people',
};
const PROSE = new Set(['description', 'thesis', 'bio', 'specs']);
const HEADER = new Set(['name', 'tagline', 'organization', 'institution', 'city', 'district', 'stage', 'sectors']);

const empty = (v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** fieldLabel is the label of a profile field of a kind. */
export const fieldLabel = (kind, name) => tOr('field.' + kind + '.' + name, t('field.' + name));

/** hoursText formats opening windows: "周一 09:00–18:00". */
export const hoursText = (w) => `${t('day.' + w.day)} ${w.from}–${w.to}`;

/** value renders one field's value, or null when there is nothing to show. */
export function value(kind, f, v) {
  if (empty(v)) return null;
  switch (f.type) {
    case 'money': return v ? fmtMoney(v) : null;
    case 'int': {
      if (v === 0 && f.name !== 'capacity') return null;
      const unit = UNITS[kind + '.' + f.name] || UNITS[f.name];
      return unit ? t(unit, { n: fmtNumber(v) }) : fmtNumber(v);
    }
    case 'bool': return tOr('bool.' + kind + '.' + f.name + '.' + v, v ? t('common.yes') : t('common.no'));
    case 'select': return label(f.prefix, v);
    case 'multi': return h('ul', { class: 'chips' }, v.map((x) => h('li', { class: 'chip' }, label(f.prefix, x))));
    case 'list': return h('ul', { class: 'plain' }, v.map((x) => h('li', null, x)));
    case 'hours': return h('ul', { class: 'plain' }, v.map((w) => h('li', null, hoursText(w))));
    case 'date': return v;
    case 'city': return cityLabel(v);
  }
  return String(v);
}

/** subtitle is the line under a profile's name. */
function subtitle(kind, p) {
  switch (kind) {
    case 'startup': return p.tagline;
    case 'investor': return [label('investor_kind.', p.kind), p.organization].filter(Boolean).join(' · ');
    case 'mentor': return p.organization;
    case 'equipment': return [p.institution, p.category].filter(Boolean).join(' · ');
    case 'space': return label('space_kind.', p.kind);
  }
  return '';
}

/** profileView renders a profile: heading, tags, prose and a list of facts. */
export function profileView(kind, p) {
  const schema = schemas[kind] || [];
  const tags = [];
  if (p.city) tags.push(h('li', { class: 'chip' }, cityLabel(p.city) + (p.district ? ' · ' + p.district : '')));
  if (kind === 'startup' && p.stage) tags.push(h('li', { class: 'chip' }, label('stage.', p.stage)));
  if (p.sectors) for (const s of p.sectors) tags.push(h('li', { class: 'chip' }, label('sector.', s)));
  if (kind === 'startup' && p.visibility === 'investors') tags.push(h('li', { class: 'chip warn' }, t('visibility.investors')));
  const prose = [];
  const facts = [];
  for (const f of schema) {
    if (HEADER.has(f.name) || (kind !== 'startup' && f.name === 'kind')) continue;
    if (kind === 'startup' && f.name === 'visibility') continue;
    const v = value(kind, f, p[f.name]);
    if (v === null) continue;
    if (PROSE.has(f.name)) {
      prose.push(h('section', { class: 'prose' }, h('h2', null, fieldLabel(kind, f.name)), h('p', { class: 'pre' }, v)));
    } else {
      facts.push(h('dt', null, fieldLabel(kind, f.name)), h('dd', null, v));
    }
  }
  return [
    h('header', { class: 'profile-head' },
      h('span', { class: 'tag k-' + kind }, kindLabel(kind)),
      h('h1', null, p.name),
      subtitle(kind, p) ? h('p', { class: 'lead' }, subtitle(kind, p)) : null,
      tags.length ? h('ul', { class: 'chips' }, tags) : null),
    facts.length ? h('dl', { class: 'facts' }, facts) : null,
    ...prose,
    p.updated_at ? h('p', { class: 'muted small' }, t('profile.updated', { date: fmtDate(p.updated_at) })) : null,
  ];
}
