import { CloudError } from './errors.js';

/**
 * The arithmetic subset of CloudWatch metric math: numbers, query ids,
 * + - * /, unary minus and parentheses. Functions (SUM, FILL, …) are refused
 * by name rather than guessed at.
 */
export function evaluateExpression(expression: string, values: Record<string, number | undefined>): number | undefined {
  const tokens = expression.match(/\s*([A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[-+*/()])/g)?.map((t) => t.trim()) ?? [];
  if (tokens.join('') !== expression.replace(/\s+/g, '')) {
    throw new CloudError('ValidationError', `The sandbox's metric math understands + - * / ( ) and query ids; cannot read "${expression}"`);
  }
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const primary = (): number | undefined => {
    const t = next();
    if (t === undefined) throw new CloudError('ValidationError', `unexpected end of "${expression}"`);
    if (t === '(') {
      const v = sum();
      if (next() !== ')') throw new CloudError('ValidationError', `missing ) in "${expression}"`);
      return v;
    }
    if (t === '-') {
      const v = primary();
      return v === undefined ? undefined : -v;
    }
    if (/^\d/.test(t)) return Number(t);
    if (peek() === '(') throw new CloudError('NotImplementedInSandbox', `metric math function ${t}() is not implemented by the Shipwatch simulated cloud`, 501);
    if (!(t in values)) throw new CloudError('ValidationError', `The expression "${expression}" refers to "${t}", which is not a query id`);
    return values[t];
  };
  const product = (): number | undefined => {
    let v = primary();
    while (peek() === '*' || peek() === '/') {
      const op = next();
      const r = primary();
      v = v === undefined || r === undefined ? undefined : op === '*' ? v * r : v / r;
    }
    return v;
  };
  const sum = (): number | undefined => {
    let v = product();
    while (peek() === '+' || peek() === '-') {
      const op = next();
      const r = product();
      v = v === undefined || r === undefined ? undefined : op === '+' ? v + r : v - r;
    }
    return v;
  };
  const result = sum();
  if (i !== tokens.length) throw new CloudError('ValidationError', `cannot read "${expression}" past "${tokens[i]}"`);
  return result === undefined || !Number.isFinite(result) ? undefined : result;
}
