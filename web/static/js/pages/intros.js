// intros.js: placeholder until the page is built.
import { has, t, $, unavailable } from '../core.js';

if (!has('intros')) unavailable($('#app'), t('intros.title'));
