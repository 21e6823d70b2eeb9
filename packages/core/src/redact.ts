/**
 * The redaction rule: no password, token or secret may appear in an error message, a cause chain or
 * `toJSON()`. Two mechanisms, both applied by `DbwireError`:
 *
 * 1. Known secret values: credential providers call `registerSecret()` with every secret they hold,
 *    and any occurrence of one is replaced. This catches secrets echoed back by servers verbatim.
 * 2. Shapes that always carry a secret: URL user-info, `Authorization` headers, and
 *    `password=`/`token=`-style pairs in text or JSON.
 */

const MASK = '***';
const secrets = new Set<string>();
let secretsPattern: RegExp | undefined;

/** Secrets shorter than this are not registered: masking "a" everywhere would make messages useless. */
const MIN_SECRET_LENGTH = 4;

/** Adds a secret value (password, token, key) to the set every message, cause and `toJSON()` is scrubbed of. */
export function registerSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  secretsPattern = undefined;
}

/** Removes a secret that is no longer used (a replaced token), so the set does not grow without bound. */
export function unregisterSecret(value: string | undefined | null): void {
  if (value && secrets.delete(value)) secretsPattern = undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const SECRET_KEYS =
  'password|passwd|pwd|secret|client_secret|clientSecret|token|access_token|accessToken|refresh_token|refreshToken|id_token|idToken|apikey|api_key|apiKey|api-key|x-api-key|accessJwt|refreshJwt|access_jwt|refresh_jwt|jwt|bearertoken|auth-token';

function maskValue(value: string): string {
  const q = value[0];
  return (q === '"' || q === "'") && value.length >= 2 ? `${q}${MASK}${q}` : MASK;
}

type Replacer = (substring: string, ...groups: string[]) => string;

const SHAPES: [RegExp, string | Replacer][] = [
  // scheme://user:pass@host → scheme://user:***@host (greedy to the last '@': passwords may hold '@')
  [/([a-z][a-z0-9+.-]*:\/\/[^\s/:@"'<>]*):[^\s"'<>]*@/gi, `$1:${MASK}@`],
  // Authorization: Bearer xyz / Basic xyz / bare-key (header text or JSON)
  [
    /\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|apikey|digest)\s+)?[^\s"',}]+/gi,
    (_m, prefix, scheme) => `${prefix}${scheme ? `${scheme} ` : ''}${MASK}`,
  ],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MASK}`],
  // "password": "x"  /  password=x  /  token: x
  [
    new RegExp(`(["']?\\b(?:${SECRET_KEYS})\\b["']?\\s*[:=]\\s*)("[^"]*"|'[^']*'|[^\\s&,;}\\]]+)`, 'gi'),
    (_m, prefix, value) => `${prefix}${maskValue(value!)}`,
  ],
];

/** Returns `text` with every registered secret and every secret-bearing shape masked. */
export function redact(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  let out = text;
  if (secrets.size > 0) {
    secretsPattern ??= new RegExp(
      [...secrets]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    out = out.replace(secretsPattern, MASK);
  }
  for (const [pattern, replacement] of SHAPES) {
    out =
      typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return out;
}

const SECRET_KEY_TEST = new RegExp(`^(?:${SECRET_KEYS}|authorization|cookie|set-cookie)$`, 'i');

/** Deep copy of plain data with secret-named keys masked and strings redacted. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (depth > 10) return '[depth]';
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  if (value && typeof value === 'object') {
    if (value instanceof Error) return { name: value.name, message: redact(value.message) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY_TEST.test(k) && v != null ? MASK : redactDeep(v, depth + 1);
    }
    return out;
  }
  return value;
}
