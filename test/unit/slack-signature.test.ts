import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { SlackSignatureError } from '../../shared/slack/errors.js';
import { slackSignature, verifySlackSignature } from '../../shared/slack/verify-signature.js';
import { fixture } from '../support/fixtures.js';
import { thrownBy } from '../support/thrown.js';

interface SigningVector {
  signing_secret: string;
  timestamp: string;
  body: string;
  sig_basestring?: string;
  expected_signature: string;
  headers: Record<string, string>;
}

const vector = fixture<SigningVector>('slack-request-signing-test-vector');
const derived = fixture<SigningVector>('slack-block-actions-form-encoded-request-DERIVED');

/** The moment Slack signed the request: the published vector is only fresh then. */
const signedAt = (v: SigningVector, offsetSeconds = 0) => new Date((Number(v.timestamp) + offsetSeconds) * 1000);

const verify = (overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) =>
  verifySlackSignature({ signingSecret: vector.signing_secret, headers: vector.headers, rawBody: vector.body, now: signedAt(vector), ...overrides });

describe('verifySlackSignature', () => {
  it("computes Slack's published signature from its basestring", () => {
    // Act
    const signature = slackSignature(vector.signing_secret, vector.timestamp, vector.body);

    // Assess
    expect(vector.sig_basestring).toBe(`v0:${vector.timestamp}:${vector.body}`);
    expect(signature).toBe(vector.expected_signature);
  });

  it("accepts Slack's published request (the doc's test vector)", () => {
    expect(() => verify()).not.toThrow();
  });

  it('accepts the form-encoded block_actions request signed like Slack does', () => {
    expect(() =>
      verifySlackSignature({ signingSecret: derived.signing_secret, headers: derived.headers, rawBody: derived.body, now: signedAt(derived, 30) }),
    ).not.toThrow();
  });

  it('looks headers up case-insensitively (function URLs lower-case them)', () => {
    // Prepare
    const lower = Object.fromEntries(Object.entries(vector.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const upper = Object.fromEntries(Object.entries(vector.headers).map(([k, v]) => [k.toUpperCase(), v]));

    // Act + Assess
    expect(() => verify({ headers: lower })).not.toThrow();
    expect(() => verify({ headers: upper })).not.toThrow();
  });

  it('accepts a timestamp exactly five minutes old or ahead, and no more', () => {
    expect(() => verify({ now: signedAt(vector, 300) })).not.toThrow();
    expect(() => verify({ now: signedAt(vector, -300) })).not.toThrow();
    expect(thrownBy(SlackSignatureError, () => verify({ now: signedAt(vector, 301) })).check).toBe('stale_timestamp');
  });

  it('refuses a forged signature', () => {
    // Prepare: signed with another secret
    const forged = slackSignature('not-our-signing-secret', vector.timestamp, vector.body);

    // Act
    const error = thrownBy(SlackSignatureError, () => verify({ headers: { ...vector.headers, 'X-Slack-Signature': forged } }));

    // Assess
    expect(error.check).toBe('signature_mismatch');
    expect(error.message).toMatch(/^signature mismatch/);
  });

  it('refuses a body changed after signing', () => {
    const error = thrownBy(SlackSignatureError, () => verify({ rawBody: vector.body.replace('user_name=roadrunner', 'user_name=coyote') }));
    expect(error.check).toBe('signature_mismatch');
    expect(error.message).toContain('signature mismatch');
  });

  it('refuses a body with a byte appended', () => {
    expect(thrownBy(SlackSignatureError, () => verify({ rawBody: `${vector.body}&` })).check).toBe('signature_mismatch');
  });

  it('refuses a signature of the wrong length without throwing from timingSafeEqual', () => {
    for (const signature of ['v0=abc', `${vector.expected_signature}00`, vector.expected_signature.slice(0, -1), `v1=${'a'.repeat(64)}x`]) {
      const error = thrownBy(SlackSignatureError, () => verify({ headers: { ...vector.headers, 'X-Slack-Signature': signature } }));
      expect(error.check).toBe('signature_mismatch');
      expect(error.message).toMatch(/^signature mismatch/);
    }
  });

  it('refuses a right-length signature of another scheme', () => {
    const v1 = vector.expected_signature.replace(/^v0=/, 'v1=');
    expect(thrownBy(SlackSignatureError, () => verify({ headers: { ...vector.headers, 'X-Slack-Signature': v1 } })).check).toBe('signature_mismatch');
  });

  it('refuses a request without the timestamp header, naming it', () => {
    const error = thrownBy(SlackSignatureError, () => verify({ headers: { 'X-Slack-Signature': vector.expected_signature } }));
    expect(error.check).toBe('missing_header');
    expect(error.message).toBe('missing header x-slack-request-timestamp');
  });

  it('refuses a request without the signature header, naming it', () => {
    const error = thrownBy(SlackSignatureError, () => verify({ headers: { 'X-Slack-Request-Timestamp': vector.timestamp } }));
    expect(error.check).toBe('missing_header');
    expect(error.message).toBe('missing header x-slack-signature');
  });

  it('refuses empty or undefined headers as missing', () => {
    expect(
      thrownBy(SlackSignatureError, () => verify({ headers: { 'X-Slack-Request-Timestamp': '', 'X-Slack-Signature': vector.expected_signature } })).check,
    ).toBe('missing_header');
    expect(
      thrownBy(SlackSignatureError, () => verify({ headers: { 'X-Slack-Request-Timestamp': vector.timestamp, 'X-Slack-Signature': undefined } })).check,
    ).toBe('missing_header');
  });

  it('refuses a malformed timestamp', () => {
    for (const timestamp of ['abc', '1531420618.5', '-1531420618', ' 1531420618', '1e9']) {
      const error = thrownBy(SlackSignatureError, () => verify({ headers: { ...vector.headers, 'X-Slack-Request-Timestamp': timestamp } }));
      expect(error.check).toBe('malformed_timestamp');
      expect(error.message).toMatch(/^malformed timestamp/);
    }
  });

  it('refuses a stale timestamp (a replay), even with a valid signature', () => {
    // Act: the published vector, verified an hour later
    const error = thrownBy(SlackSignatureError, () => verify({ now: signedAt(vector, 3600) }));

    // Assess
    expect(error.check).toBe('stale_timestamp');
    expect(error.message).toBe('stale timestamp: request is 3600 s old, more than the 300 s allowed');
  });

  it('refuses a timestamp from the future', () => {
    const error = thrownBy(SlackSignatureError, () => verify({ now: signedAt(vector, -600) }));
    expect(error.check).toBe('stale_timestamp');
    expect(error.message).toBe('stale timestamp: request is 600 s in the future, more than the 300 s allowed');
  });

  it('checks freshness before the signature: a stale forged request says stale', () => {
    const error = thrownBy(SlackSignatureError, () =>
      verify({ now: signedAt(vector, 3600), headers: { ...vector.headers, 'X-Slack-Signature': `v0=${'0'.repeat(64)}` } }),
    );
    expect(error.check).toBe('stale_timestamp');
  });

  it('never echoes header values in its messages', () => {
    const error = thrownBy(SlackSignatureError, () => verify({ headers: { ...vector.headers, 'X-Slack-Request-Timestamp': '<script>' } }));
    expect(error.message).not.toContain('<script>');
  });

  it('refuses to verify with an empty signing secret (a misconfiguration, not a 401)', () => {
    expect(() => verify({ signingSecret: '' })).toThrow(ConfigError);
  });
});
