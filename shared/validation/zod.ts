// zod/mini (about 12 KB bundled, against 440 KB for the classic API) for every
// schema inside the Lambda functions; the classic API stays in config/schema.ts,
// which only the functions that read shipwatch.yml carry. Mini ships without
// messages, so the English ones are loaded here, once.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export { z };
