// suggest.js: suggestions as you type for a search box (ARIA combobox with
// a listbox popup), fed by GET /api/v1/search/suggest.
import { api, h, has, debounce, kindLabel, profileURL } from './core.js';

/**
 * attachSuggest turns a search input into a combobox. By default picking a
 * suggestion opens its profile; opts.onPick(item) replaces that, and
 * opts.kind keeps only suggestions of one kind.
 */
export function attachSuggest(input, opts = {}) {
  if (!input || input.dataset.suggestReady || !has('suggest')) return;
  input.dataset.suggestReady = '1';
  const list = document.getElementById(input.getAttribute('aria-controls'));
  let items = [];
  let active = -1;
  let ctrl = null;
  let lastQ = '';

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };

  const render = () => {
    list.replaceChildren(...items.map((it, i) =>
      h('li', {
        id: list.id + '-' + i, role: 'option', 'aria-selected': i === active ? 'true' : 'false',
        class: i === active ? 'active' : '',
        onmousedown: (e) => { e.preventDefault(); go(i); },
      }, h('span', { class: 'tag k-' + it.kind }, kindLabel(it.kind)), ' ', h('span', null, it.title))));
    list.hidden = items.length === 0;
    input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
    if (active >= 0) input.setAttribute('aria-activedescendant', list.id + '-' + active);
    else input.removeAttribute('aria-activedescendant');
  };

  const go = (i) => {
    const it = items[i];
    if (!it) return;
    if (opts.onPick) { opts.onPick(it); items = []; close(); return; }
    location.assign(profileURL(it.kind, it.id));
  };

  const fetchSuggestions = debounce(async () => {
    const q = input.value.trim();
    if (q === lastQ) return;
    lastQ = q;
    if (ctrl) ctrl.abort();
    if (!q) { items = []; close(); return; }
    ctrl = new AbortController();
    try {
      const res = await api('GET', '/search/suggest?q=' + encodeURIComponent(q), { signal: ctrl.signal });
      items = (Array.isArray(res) ? res : (res && (res.items || res.suggestions)) || [])
        .filter((it) => !opts.kind || it.kind === opts.kind).slice(0, 10);
      active = -1;
      if (document.activeElement === input) render();
    } catch (e) {
      if (e.name !== 'AbortError') { items = []; close(); }
    }
  }, 180);

  input.addEventListener('input', fetchSuggestions);
  input.addEventListener('keydown', (e) => {
    if (list.hidden && e.key !== 'ArrowDown') return;
    switch (e.key) {
      case 'ArrowDown':
        if (list.hidden && items.length) { render(); }
        active = Math.min(active + 1, items.length - 1);
        render();
        e.preventDefault();
        break;
      case 'ArrowUp':
        active = Math.max(active - 1, -1);
        render();
        e.preventDefault();
        break;
      case 'Enter':
        if (active >= 0) { e.preventDefault(); go(active); }
        break;
      case 'Escape':
        close();
        e.preventDefault();
        break;
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
}
