// event-judge.js: placeholder until the page is built.
import { has, t, $, unavailable } from '../core.js';

if (!has('scores')) unavailable($('#app'), t('judge.title'));
