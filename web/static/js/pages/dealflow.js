// dealflow.js: placeholder until the page is built.
import { has, t, $, unavailable } from '../core.js';

if (!has('inv_matches')) unavailable($('#app'), t('dealflow.title'));
