// pipeline.js: placeholder until the page is built.
import { has, t, $, unavailable } from '../core.js';

if (!has('pipeline')) unavailable($('#app'), t('pipeline.title'));
