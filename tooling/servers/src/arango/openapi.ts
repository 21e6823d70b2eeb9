import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { defaultOpenApiFile, type ParsedUrl, parseBody, parseUrl, type RequestBody } from './recordings.js';

/**
 * Request validation against ArangoDB's OpenAPI 3.1 description (openapi-3.12.json).
 *
 * Routing: a path key `/_db/{database-name}/_api/x/{id}#fragment` is split into its fragment and its
 * template; the `/_db/{database-name}` (or `/_db/_system`) prefix is removed from templates and from
 * request paths alike, because ArangoDB serves `/_api/x` as `/_db/_system/_api/x`. Templates that fix
 * the database to `_system` report a request for another database. Among the templates matching a
 * path the most specific wins (a literal segment beats a parameter at the first difference). When
 * several operations share method and template (fragments such as `/_api/index#persistent` and
 * `#ttl`), the request is valid when any of them accepts it; otherwise the problems of the closest
 * one (fewest problems) are reported.
 *
 * Checks: required path/query parameters, parameter types (boolean, number, integer, enum), unknown
 * query parameters, and the JSON body against the operation's schema (ajv, JSON Schema 2020-12, which
 * OpenAPI 3.1 uses; `$ref` into the document resolves through the document itself).
 */

// ajv ships CommonJS with `exports.default`; under NodeNext the default import is the module object.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ??
  Ajv2020Module) as unknown as typeof Ajv2020Module.default;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as typeof addFormatsModule.default;

type Json = Record<string, unknown>;

interface ParamSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Json | undefined;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The OpenAPI path key, fragment included. */
  key: string;
  fragment: string | undefined;
  /** `_system` when the template fixes the database, else undefined. */
  database: string | undefined;
  segments: Array<{ literal: string } | { param: string }>;
  literalCount: number;
  /** Values of the body's `type` this operation is for (fragment name, `type` example/enum/description). */
  typeHints: string[];
  pathParams: Map<string, ParamSpec>;
  queryParams: Map<string, ParamSpec>;
  body:
    | { json: true; required: boolean; validate: ValidateFunction; requiresFields: boolean }
    | { json: false; required: boolean; mediaTypes: string[] }
    | undefined;
}

export interface ValidationResult {
  /** Operation the request was checked against (the accepted one, or the closest one). */
  operationId: string | undefined;
  problems: string[];
}

export interface ValidatorOptions {
  file?: string;
  document?: unknown;
}

const TRUE_WORDS = new Set(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 'y', 'n']);
const INTEGER = /^-?\d+$/;

export class OpenApiValidator {
  readonly operations: Operation[] = [];
  private readonly byMethod = new Map<string, Operation[]>();
  private readonly cache = new Map<string, ValidationResult>();

  constructor(options: ValidatorOptions = {}) {
    const doc = (
      options.document !== undefined
        ? structuredClone(options.document)
        : JSON.parse(readFileSync(options.file ?? defaultOpenApiFile(), 'utf8'))
    ) as Json;
    applyPatches(doc);
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    // `$ref: '#/components/...'` inside an operation schema: resolve against the document itself.
    ajv.addSchema(stripForRefs(doc));
    const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
    for (const [key, item] of Object.entries(paths)) {
      const hash = key.indexOf('#');
      const template = hash === -1 ? key : key.slice(0, hash);
      const fragment = hash === -1 ? undefined : key.slice(hash + 1);
      let rest = template;
      let database: string | undefined;
      const db = /^\/_db\/([^/]+)(\/.*)?$/.exec(template);
      if (db) {
        rest = db[2] ?? '/';
        if (!db[1]?.startsWith('{')) database = db[1];
      }
      const segments = rest
        .split('/')
        .filter((s) => s !== '')
        .map((s) => {
          const m = /^\{(.+)\}$/.exec(s);
          return m ? { param: m[1] as string } : { literal: s };
        });
      const shared = ((item.parameters as Json[] | undefined) ?? []).map(toParam);
      for (const [method, opRaw] of Object.entries(item)) {
        if (!['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) continue;
        const op = opRaw as Json;
        const params = [...shared, ...((op.parameters as Json[] | undefined) ?? []).map(toParam)];
        const pathParams = new Map(params.filter((p) => p.in === 'path').map((p) => [p.name, p]));
        const queryParams = new Map(params.filter((p) => p.in === 'query').map((p) => [p.name, p]));
        const operation: Operation = {
          operationId: (op.operationId as string | undefined) ?? `${method} ${key}`,
          method: method.toUpperCase(),
          key,
          fragment,
          database,
          segments,
          literalCount: segments.filter((s) => 'literal' in s).length,
          typeHints: [],
          pathParams,
          queryParams,
          body: undefined,
        };
        const rb = op.requestBody as Json | undefined;
        if (rb) {
          const content = (rb.content ?? {}) as Record<string, Json>;
          const jsonType = Object.keys(content).find((t) => t.startsWith('application/json'));
          const required = rb.required === true;
          if (jsonType) {
            const schema = (content[jsonType]?.schema ?? {}) as Json;
            operation.typeHints = typeHints(fragment, schema);
            operation.body = {
              json: true,
              required,
              validate: ajv.compile(
                OPEN_BODIES.has(operation.operationId)
                  ? rewriteRefs(schema)
                  : closeSchema(rewriteRefs(schema), false, KNOWN_FIELDS.get(operation.operationId)),
              ),
              requiresFields: Array.isArray(schema.required) && schema.required.length > 0,
            };
          } else {
            operation.body = { json: false, required, mediaTypes: Object.keys(content) };
          }
        }
        this.operations.push(operation);
        let list = this.byMethod.get(operation.method);
        if (!list) {
          list = [];
          this.byMethod.set(operation.method, list);
        }
        list.push(operation);
      }
    }
  }

  /**
   * Validates one request. Results for the same method, URL and body text are cached (bounded), so
   * a benchmark hammering one URL pays for validation once.
   */
  validate(
    method: string,
    url: string,
    body?: RequestBody | string | null,
    parsed?: ParsedUrl,
  ): ValidationResult {
    const reqBody: RequestBody =
      body === undefined || body === null || typeof body === 'string' ? parseBody(body) : body;
    const bodyText = reqBody.kind === 'none' ? '' : reqBody.text;
    const cacheable = bodyText.length <= 4096;
    const cacheKey = cacheable ? `${method} ${url}\n${bodyText}` : '';
    if (cacheable) {
      const hit = this.cache.get(cacheKey);
      if (hit) return hit;
    }
    const result = this.check(method.toUpperCase(), parsed ?? parseUrl(url), reqBody);
    if (cacheable) {
      if (this.cache.size >= 20_000) this.cache.clear();
      this.cache.set(cacheKey, result);
    }
    return result;
  }

  /** The operations a method and path route to (most specific template first). */
  route(method: string, url: string): Operation[] {
    return this.candidates(method.toUpperCase(), parseUrl(url).segments);
  }

  private candidates(method: string, segments: string[]): Operation[] {
    const list = this.byMethod.get(method) ?? [];
    const matched = list.filter((op) => templateMatches(op, segments));
    if (matched.length <= 1) return matched;
    matched.sort((a, b) => compareSpecificity(a, b));
    const best = matched[0] as Operation;
    return matched.filter((op) => compareSpecificity(op, best) === 0);
  }

  private check(method: string, url: ParsedUrl, body: RequestBody): ValidationResult {
    let ops = this.candidates(method, url.segments);
    // Fragment variants (`/_api/index#persistent`, `/_api/view#searchalias`) are told apart by the
    // body's `type`: when it names some variants, only those are considered.
    const type = body.kind === 'json' && isPlainObject(body.json) ? body.json.type : undefined;
    if (ops.length > 1 && typeof type === 'string') {
      const typed = ops.filter((op) => op.typeHints.includes(type));
      if (typed.length > 0) ops = typed;
    }
    if (ops.length === 0) {
      const others = [...this.byMethod.entries()]
        .filter(([m, list]) => m !== method && list.some((op) => templateMatches(op, url.segments)))
        .map(([m]) => m);
      return {
        operationId: undefined,
        problems: [
          others.length > 0
            ? `no ${method} operation for ${url.path}; the API allows ${others.join(', ')} there`
            : `no operation in the OpenAPI description matches ${method} ${url.path}`,
        ],
      };
    }
    let best: ValidationResult | undefined;
    for (const op of ops) {
      const problems = checkOperation(op, url, body);
      if (problems.length === 0) return { operationId: op.operationId, problems };
      if (!best || problems.length < best.problems.length) best = { operationId: op.operationId, problems };
    }
    return best as ValidationResult;
  }
}

/**
 * Corrections to the description where its schema contradicts its own prose and the recorded server
 * behaviour. Each is applied only when the document still has the wrong shape.
 */
const PATCHES: Array<{ path: string; method: string; why: string; apply: (schema: Json) => boolean }> = [
  {
    path: '/_db/{database-name}/_api/index#inverted',
    method: 'post',
    why: '`fields` items may be attribute-path strings or objects (prose and RestIndexCreateNewInverted)',
    apply: (schema) => {
      const fields = (schema.properties as Record<string, Json> | undefined)?.fields;
      const items = fields?.items as Json | undefined;
      if (!fields || !items || items.type !== 'object') return false;
      fields.items = { anyOf: [{ type: 'string' }, items] };
      return true;
    },
  },
];

function applyPatches(doc: Json): void {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const patch of PATCHES) {
    const op = paths[patch.path]?.[patch.method];
    const content = (op?.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
    const schema = content?.['application/json']?.schema as Json | undefined;
    if (schema) patch.apply(schema);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeHints(fragment: string | undefined, schema: Json): string[] {
  const hints = new Set<string>();
  const typeProp = (schema.properties as Record<string, Json> | undefined)?.type;
  if (fragment) hints.add(fragment);
  if (typeProp && typeof typeProp === 'object') {
    if (typeof typeProp.example === 'string') hints.add(typeProp.example);
    if (Array.isArray(typeProp.enum)) for (const v of typeProp.enum) if (typeof v === 'string') hints.add(v);
    // "Needs to be set to `\"mdi\"` or `\"mdi-prefixed\"`."
    if (fragment && typeof typeProp.description === 'string') {
      for (const m of typeProp.description.matchAll(/`"([\w-]+)"`/g)) hints.add(m[1] as string);
    }
  }
  return [...hints];
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

function toParam(raw: Json): ParamSpec {
  return {
    name: raw.name as string,
    in: raw.in as ParamSpec['in'],
    required: raw.required === true,
    schema: raw.schema as Json | undefined,
  };
}

function templateMatches(op: Operation, segments: string[]): boolean {
  if (op.segments.length !== segments.length) return false;
  for (let i = 0; i < segments.length; i++) {
    const t = op.segments[i] as { literal: string } | { param: string };
    const s = segments[i] as string;
    if ('literal' in t) {
      if (t.literal !== s) return false;
    } else if (s === '') return false;
  }
  return true;
}

function compareSpecificity(a: Operation, b: Operation): number {
  for (let i = 0; i < a.segments.length; i++) {
    const la = 'literal' in (a.segments[i] as object);
    const lb = 'literal' in (b.segments[i] as object);
    if (la !== lb) return la ? -1 : 1;
  }
  return 0;
}

function checkOperation(op: Operation, url: ParsedUrl, body: RequestBody): string[] {
  const problems: string[] = [];
  const where = op.fragment ? `${op.operationId} (#${op.fragment})` : op.operationId;
  if (op.database && url.database !== undefined && url.database !== op.database) {
    problems.push(`${where} is only available in the ${op.database} database, not in "${url.database}"`);
  }
  op.segments.forEach((t, i) => {
    if ('param' in t) {
      const spec = op.pathParams.get(t.param);
      const problem = spec && checkValue(spec, url.segments[i] as string);
      if (problem) problems.push(`path parameter ${t.param}: ${problem}`);
    }
  });
  const seen = new Set<string>();
  if (url.rawQuery !== '') {
    for (const [name, value] of new URLSearchParams(url.rawQuery)) {
      seen.add(name);
      const spec = op.queryParams.get(name);
      if (!spec) {
        problems.push(`unknown query parameter "${name}" for ${where}`);
        continue;
      }
      const problem = checkValue(spec, value);
      if (problem) problems.push(`query parameter ${name}: ${problem}`);
    }
  }
  for (const spec of op.queryParams.values()) {
    if (spec.required && !seen.has(spec.name))
      problems.push(`missing required query parameter "${spec.name}"`);
  }
  const rb = op.body;
  if (!rb) {
    // An empty object (what some clients send by habit, e.g. the recorded DELETE /_api/user) is harmless.
    const empty =
      body.kind === 'none' || body.text.trim() === '' || (body.kind === 'json' && isEmptyObject(body.json));
    if (!empty) problems.push(`${where} takes no request body`);
  } else if (rb.json) {
    if (body.kind === 'none') {
      if (rb.required || rb.requiresFields) problems.push(`${where} needs a JSON request body`);
    } else if (body.kind === 'text') {
      problems.push(`request body is not valid JSON: ${JSON.stringify(body.text.slice(0, 60))}`);
    } else if (!rb.validate(body.json)) {
      for (const err of rb.validate.errors ?? []) {
        const at = err.instancePath === '' ? 'body' : `body${err.instancePath}`;
        const extra =
          err.keyword === 'enum'
            ? ` (${JSON.stringify((err.params as { allowedValues?: unknown }).allowedValues)})`
            : err.keyword === 'additionalProperties'
              ? ` (${(err.params as { additionalProperty?: string }).additionalProperty})`
              : '';
        problems.push(`${at} ${err.message ?? 'is invalid'}${extra}`);
      }
    }
  } else if (rb.required && body.kind === 'none') {
    problems.push(`${where} needs a request body (${rb.mediaTypes.join(', ')})`);
  }
  return problems;
}

function checkValue(spec: ParamSpec, value: string): string | undefined {
  const schema = spec.schema ?? {};
  const type = schema.type;
  if (type === 'boolean' && !TRUE_WORDS.has(value.toLowerCase())) return `expected a boolean, got "${value}"`;
  if (type === 'integer' && !INTEGER.test(value)) return `expected an integer, got "${value}"`;
  if (type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value)))) {
    return `expected a number, got "${value}"`;
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && !schema.enum.map(String).includes(value)) {
    return `"${value}" is not one of ${JSON.stringify(schema.enum)}`;
  }
  if (type === 'integer' || type === 'number') {
    const n = Number(value);
    if (typeof schema.minimum === 'number' && n < schema.minimum)
      return `${value} is below ${schema.minimum}`;
    if (typeof schema.maximum === 'number' && n > schema.maximum)
      return `${value} is above ${schema.maximum}`;
  }
  return undefined;
}

/**
 * Bodies that are user data or open maps, whose listed properties are examples, not the whole set:
 * graph vertices and edges (any document attributes), log levels (one entry per log topic), Foxx
 * configuration and dependencies (names the service defines).
 */
const OPEN_BODIES = new Set([
  'createVertex',
  'updateVertex',
  'replaceVertex',
  'createEdge',
  'updateEdge',
  'replaceEdge',
  'setLogLevel',
  'updateFoxxConfiguration',
  'replaceFoxxConfiguration',
  'updateFoxxDependencies',
  'replaceFoxxDependencies',
]);

/**
 * Fields a real arangod 3.12.10 accepted in a recorded request although the description omits them
 * (operationId → object path → field names): `options.isDisjoint` of a graph
 * (HttpGharialCreateDisjointSmart), `id` of a task (RestTasksListOne).
 */
const KNOWN_FIELDS = new Map<string, Record<string, string[]>>([
  ['createGraph', { options: ['isDisjoint'] }],
  ['createTask', { '': ['id'] }],
]);

/**
 * A request body field the description does not define is a violation: every object schema that
 * lists `properties` and says nothing about other ones gets `additionalProperties: false`. Left
 * open: members of `allOf`/`anyOf`/`oneOf` (a sibling may define the field), schemas with
 * `patternProperties`, and `$ref`'d components (they are shared with compositions). Returns `schema`.
 */
export function closeSchema(
  schema: Json,
  inComposition = false,
  known?: Record<string, string[]>,
  at = '',
): Json {
  if (!isPlainObject(schema)) return schema;
  const extra = known?.[at];
  if (extra && isPlainObject(schema.properties)) {
    for (const field of extra) (schema.properties as Json)[field] ??= {};
  }
  const composed = ['allOf', 'anyOf', 'oneOf'].some((k) => Array.isArray(schema[k]));
  if (
    !inComposition &&
    !composed &&
    isPlainObject(schema.properties) &&
    schema.additionalProperties === undefined &&
    schema.patternProperties === undefined &&
    schema.unevaluatedProperties === undefined
  ) {
    schema.additionalProperties = false;
  }
  if (isPlainObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      closeSchema(sub as Json, false, known, at ? `${at}.${name}` : name);
    }
  }
  if (isPlainObject(schema.items)) closeSchema(schema.items as Json, false, known, `${at}[]`);
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[k];
    if (Array.isArray(list)) for (const sub of list) closeSchema(sub as Json, true);
  }
  return schema;
}

/** Only components are needed for `$ref` resolution; paths would make ajv compile every schema. */
function stripForRefs(doc: Json): Json {
  return { $id: 'openapi.json', components: doc.components ?? {} };
}

function rewriteRefs(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema), (k, v) =>
    k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi.json${v}` : v,
  ) as Json;
}
