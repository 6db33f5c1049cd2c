// search.js: the search results page: GET /api/v1/search with the URL's
// q, kind, sector, stage and city, facets as links, one card per hit.
import { api, h, has, t, $, setStatus, unavailable, errorText, kindLabel, label, cityLabel, profileURL, fmtNumber } from '../core.js';
import { syncLangLink } from '../layout.js';

const PAGE = 20;
const FACETS = ['kind', 'sector', 'stage', 'city'];
const url = new URL(location.href);
const q = url.searchParams.get('q') || '';
const filters = Object.fromEntries(FACETS.map((f) => [f, url.searchParams.get(f) || '']));
const offset = Math.max(0, parseInt(url.searchParams.get('offset') || '0', 10) || 0);

const facetLabel = (facet, v) => {
  switch (facet) {
    case 'kind': return kindLabel(v);
    case 'sector': return label('sector.', v);
    case 'stage': return label('stage.', v);
    case 'city': return cityLabel(v);
  }
  return v;
};

/** link returns this page's URL with some parameters changed ('' removes). */
function link(changes) {
  const u = new URL('/search', location.origin);
  const all = { q, ...filters, ...changes };
  for (const [k, v] of Object.entries(all)) if (v) u.searchParams.set(k, v);
  return u.pathname + u.search;
}

/** snippet renders a highlighted fragment, keeping only text and <mark>. */
function snippet(s) {
  const out = h('p', { class: 'snippet' });
  if (!s) return out;
  const doc = new DOMParser().parseFromString('<body>' + s, 'text/html');
  const walk = (node, into) => {
    for (const n of node.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) into.append(n.textContent);
      else if (n.nodeName === 'MARK') into.append(h('mark', null, n.textContent));
      else walk(n, into);
    }
  };
  walk(doc.body, out);
  return out;
}

function card(hit) {
  const meta = [];
  if (hit.city) meta.push(cityLabel(hit.city));
  if (hit.stage) meta.push(label('stage.', hit.stage));
  for (const s of hit.sectors || []) meta.push(label('sector.', s));
  return h('li', { class: 'card hit k-' + hit.kind },
    h('div', { class: 'card-head' },
      h('span', { class: 'tag k-' + hit.kind }, kindLabel(hit.kind)),
      h('h3', null, h('a', { href: profileURL(hit.kind, hit.id) }, hit.title || hit.name || hit.id))),
    meta.length ? h('p', { class: 'meta' }, meta.join(' · ')) : null,
    snippet(hit.snippet));
}

function facets(res) {
  const box = $('#facets');
  const groups = [];
  const active = FACETS.filter((f) => filters[f]);
  if (active.length) {
    groups.push(h('section', { class: 'facet' },
      h('h3', null, t('search.active')),
      h('ul', null, active.map((f) => h('li', null,
        h('a', { href: link({ [f]: '', offset: '' }), class: 'chip on', 'aria-label': t('search.remove_filter', { label: facetLabel(f, filters[f]) }) },
          facetLabel(f, filters[f]), ' ×'))))));
  }
  for (const f of FACETS) {
    const counts = (res.facets && res.facets[f]) || {};
    const entries = Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    if (!entries.length) continue;
    groups.push(h('section', { class: 'facet' },
      h('h3', null, t('search.facet.' + f)),
      h('ul', null, entries.map(([v, n]) => {
        const on = filters[f] === v;
        return h('li', null, h('a', {
          href: link({ [f]: on ? '' : v, offset: '' }), class: on ? 'on' : '', 'aria-current': on ? 'true' : false,
        }, facetLabel(f, v), ' ', h('span', { class: 'count' }, fmtNumber(n))));
      }))));
  }
  box.replaceChildren(...groups);
}

function pager(total) {
  const nav = $('#pager');
  const parts = [];
  if (offset > 0) parts.push(h('a', { href: link({ offset: offset - PAGE > 0 ? String(offset - PAGE) : '' }), rel: 'prev' }, t('search.prev')));
  if (offset + PAGE < total) parts.push(h('a', { href: link({ offset: String(offset + PAGE) }), rel: 'next' }, t('search.next')));
  nav.replaceChildren(...parts);
}

async function run() {
  const results = $('#results');
  if (!has('search')) { unavailable(results, t('search.title')); return; }
  if (!q && !FACETS.some((f) => filters[f])) { setStatus('search-status', t('search.prompt')); return; }
  const u = new URLSearchParams();
  u.set('q', q);
  for (const f of FACETS) if (filters[f]) u.set(f, filters[f]);
  u.set('limit', String(PAGE));
  if (offset) u.set('offset', String(offset));
  setStatus('search-status', t('common.loading'));
  results.setAttribute('aria-busy', 'true');
  try {
    const res = await api('GET', '/search?' + u);
    const hits = res.hits || [];
    results.replaceChildren(...hits.map(card));
    setStatus('search-status', hits.length ? t('search.total', { n: fmtNumber(res.total || hits.length) }) : t('search.none'));
    facets(res);
    pager(res.total || 0);
  } catch (e) {
    setStatus('search-status', errorText(e), 'error');
  } finally {
    results.removeAttribute('aria-busy');
  }
}

document.title = (q ? q + ' · ' : '') + document.title;
syncLangLink();
run();
