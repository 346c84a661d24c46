// zod/mini (about 12 KB bundled, against 440 KB for the classic API) serves
// every schema inside the Lambda functions; the classic API stays in
// config/schema.ts, which only the functions that read shipwatch.yml carry.
// Mini ships without messages: importing this module loads the English ones.
// (Import `* as z from 'zod/mini'` directly, never a re-exported namespace:
// an escaping namespace object defeats tree shaking and drags in every locale.)
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
