// matches.js: placeholder until the page is built.
import { has, t, $, unavailable } from '../core.js';

if (!has('matches')) unavailable($('#app'), t('matches.title'));
