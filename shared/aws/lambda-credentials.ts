// Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles
// only (serverless.yml, custom.esbuild.alias). Lambda hands every function its
// role's credentials in environment variables, so the rest of the default
// chain (SSO, ini files, process, web identity, instance metadata, with their
// nested STS and SSO clients) is never used there, yet costs each function
// about 130 KB and 20 ms of cold start. The CLI, the sandbox and the tests run
// from source and keep the default chain.
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Same contract as the default chain: `defaultProvider(init)` returns a credential provider. */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
