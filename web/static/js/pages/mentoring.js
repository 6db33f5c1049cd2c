// mentoring.js: a mentor's "my mentoring": places (the profile's capacity,
// PATCH /mentors/{id}), pause and resume (PUT /mentors/{id}/mentoring), the
// response statistics, and the mentees (GET /mentors/{id}/mentees), whom the
// mentor may let go (POST /mentors/{id}/mentees/{startup_id}/end). The API
// decides who may see this; others get a sentence saying so.
import { api, h, has, t, $, requireSignIn, myProfiles, setStatus, errorText, fmtDate, fmtNumber, profileURL, percent } from '../core.js';

const path = (id, rest = '') => `/mentors/${encodeURIComponent(id)}${rest}`;
const fact = (key, v) => [h('dt', null, t(key)), h('dd', null, v)];

// show (re)loads one mentor's state into its box.
async function show(box, id) {
  let m, st, list;
  try {
    [m, st, list] = await Promise.all([api('GET', path(id)), api('GET', path(id, '/mentoring')), api('GET', path(id, '/mentees'))]);
  } catch (err) {
    box.replaceChildren(h('p', { class: 'notice' }, err.status === 403 ? t('mentoring.forbidden') : errorText(err)));
    return;
  }
  const act = (fn, msg) => async (e) => {
    e.target.disabled = true;
    try {
      const name = await fn();
      await show(box, id);
      setStatus('page-status', t(msg, { name }), 'ok');
    } catch (err) {
      setStatus('page-status', errorText(err), 'error');
      e.target.disabled = false;
    }
  };
  const cap = h('input', { id: 'cap-' + id, name: 'capacity', type: 'number', inputmode: 'numeric', min: 0, max: 1000, step: 1, value: st.capacity });
  const capForm = h('form', { class: 'inline-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: cap.id }, t('mentoring.capacity_label')), cap),
    h('button', { type: 'submit', class: 'secondary' }, t('mentoring.save')));
  // Places are one field: when the profile changed elsewhere since the page
  // loaded (412), take its new version and save the places again.
  const savePlaces = async () => {
    const patch = (version) => api('PATCH', path(id), { body: { capacity: Number(cap.value) }, headers: { 'If-Match': `"${version}"` } });
    try {
      return await patch(m.version);
    } catch (err) {
      if (err.status !== 412) throw err;
      return patch((await api('GET', path(id))).version);
    }
  };
  capForm.onsubmit = (e) => {
    e.preventDefault();
    act(savePlaces, 'mentoring.saved')({ target: capForm.querySelector('button') });
  };
  const active = list.items.filter((x) => x.status === 'active');
  const past = list.items.filter((x) => x.status !== 'active');
  const mentee = (x) => {
    const actions = h('div', { class: 'button-row' });
    const ask = () => actions.replaceChildren(h('span', null, t('mentoring.end_q', { name: x.startup_name })),
      h('button', { type: 'button', class: 'small danger', onclick: act(() => api('POST', path(id, `/mentees/${encodeURIComponent(x.startup_id)}/end`)).then(() => x.startup_name), 'mentoring.ended') }, t('mentoring.end_yes')),
      h('button', { type: 'button', class: 'small secondary', onclick: () => actions.replaceChildren(endBtn) }, t('common.cancel')));
    const endBtn = h('button', { type: 'button', class: 'small secondary', onclick: ask }, t('mentoring.end'));
    actions.append(endBtn);
    return h('li', { class: 'card', 'data-startup': x.startup_id },
      h('h3', null, h('a', { href: profileURL('startup', x.startup_id) }, x.startup_name || x.startup_id)),
      h('p', { class: 'muted small' }, t('mentoring.since', { date: fmtDate(x.started_at) })), actions);
  };
  box.replaceChildren(
    h('h2', null, h('a', { href: profileURL('mentor', id) }, m.name)),
    h('dl', { class: 'facts' },
      fact('mentoring.state', st.paused ? t('mentoring.paused') : t(st.accepting ? 'mentoring.accepting' : 'mentoring.full')),
      fact('mentoring.capacity', fmtNumber(st.capacity)), fact('mentoring.active', fmtNumber(st.active_mentees)),
      fact('mentoring.open', fmtNumber(st.open_slots))),
    h('p', { class: 'button-row' },
      h('button', { type: 'button', class: 'toggle', onclick: act(() => api('PUT', path(id, '/mentoring'), { body: { paused: !st.paused } }), st.paused ? 'mentoring.resumed_msg' : 'mentoring.paused_msg') },
        t(st.paused ? 'mentoring.resume' : 'mentoring.pause')),
      has('intros') ? h('a', { class: 'button secondary', href: '/intros?box=in' }, t('mentoring.requests')) : null),
    capForm,
    h('h3', null, t('mentoring.stats')),
    h('dl', { class: 'facts' },
      fact('mentoring.received', fmtNumber(st.requests_received)), fact('mentoring.answered', fmtNumber(st.requests_answered)),
      fact('mentoring.expired', fmtNumber(st.requests_expired)),
      fact('mentoring.rate', st.response_rate == null ? '—' : percent(st.response_rate)),
      fact('mentoring.median', st.median_response_hours == null ? '—' : t('unit.hours', { n: fmtNumber(st.median_response_hours) }))),
    h('h3', null, t('mentoring.mentees')),
    h('ul', { class: 'cards mentees' }, active.length ? active.map(mentee) : h('li', { class: 'muted' }, t('mentoring.none'))),
    past.length ? h('div', { class: 'past' }, h('h3', null, t('mentoring.past')), h('ul', { class: 'plain muted' }, past.map((x) =>
      h('li', null, h('a', { href: profileURL('startup', x.startup_id) }, x.startup_name || x.startup_id), ' · ', t('mentoring.ended_on', { date: fmtDate(x.ended_at) }))))) : '');
}

async function load() {
  if (!requireSignIn() || !has('mentoring')) return;
  const root = $('#mentoring');
  setStatus('page-status', t('common.loading'));
  const want = new URLSearchParams(location.search).get('id');
  const ids = want ? [want] : (await myProfiles('mentor')).map((r) => r.id);
  setStatus('page-status', '');
  if (!ids.length) {
    root.replaceChildren(h('p', { class: 'notice' }, t('mentoring.need_mentor'), ' ', h('a', { href: '/mentors/new' }, t('mentoring.create'))));
    return;
  }
  await Promise.all(ids.map((id) => {
    const box = h('section', { class: 'card', 'data-id': id });
    root.append(box);
    return show(box, id);
  }));
}

load();
