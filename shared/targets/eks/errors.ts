import { ShipwatchError } from '../../errors.js';

/**
 * The Kubernetes API refused a request for a reason that another try will not
 * fix and that is not a misconfiguration Shipwatch can name (a 422 for an
 * invalid image reference, a TLS certificate that does not verify against the
 * cluster CA). `status` is the HTTP status when there was an answer. Not
 * retried: the state machine's catch-all routes it.
 */
export class KubeApiError extends ShipwatchError {
  override readonly name = 'KubeApiError';
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
