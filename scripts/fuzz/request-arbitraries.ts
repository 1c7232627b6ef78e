/**
 * Random HTTP requests for every operation of an OpenAPI document: path and query parameters and bodies
 * drawn from their JSON Schemas, from valid seed bodies (for routes whose body is validated in the handler
 * and not documented) and from hostile values, then mutated; plus hostile headers, content types, raw
 * bodies and unknown parameters. Used by the Node HTTP fuzzer (http-fuzzer.ts).
 */
import fc from 'fast-check';

export interface Operation {
  method: string;
  /** OpenAPI template, e.g. `/api/v1/hits/{hitId}`. */
  path: string;
  pathParams: Array<{ name: string; schema: JsonSchema }>;
  queryParams: Array<{ name: string; schema: JsonSchema }>;
  body?: JsonSchema;
}

export type JsonSchema = Record<string, unknown>;
type Doc = { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; schema?: JsonSchema }>; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>; components?: { schemas?: Record<string, JsonSchema> } };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document. */
export function operationsOf(doc: unknown): Operation[] {
  const d = doc as Doc;
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(d.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!METHODS.includes(method)) continue;
      const params = op.parameters ?? [];
      const body = op.requestBody?.content?.['application/json']?.schema;
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? { type: 'string' } })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? { type: 'string' } })),
        ...(body ? { body } : {}),
      });
    }
  }
  return out;
}

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '%', '%00', '%ZZ', '../../etc/passwd', '..%2F..%2F', "' OR 1=1 --", '{"$gt":""}', '<script>x</script>', '\u0000', '\uD800', '\uFFFF', '😀'.repeat(30), 'x'.repeat(5000), '晋C*', '*', '__proto__', 'constructor', 'null', 'undefined', 'NaN', '-1', '1e309', '0x10', '2026-02-30', 'CP-140882-G5-01', '140882199007052410', '晋M7K391'),
);
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1, 1e308, -1e308, 2 ** 53 + 1, 0.001, -0.01, 123456789012345) },
  { weight: 1, arbitrary: fc.constantFrom(JSON.parse('{"__proto__":{"polluted":1}}') as unknown, { constructor: { prototype: { polluted: 1 } } }) },
  { weight: 1, arbitrary: fc.array(fc.constant({}), { minLength: 1000, maxLength: 1200 }) },
);

/** A value for a JSON Schema: usually close to valid, sometimes hostile. */
export function fromSchema(schema: JsonSchema | undefined, doc: unknown, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 8) return hostileValue;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop()!;
    return fromSchema((doc as Doc).components?.schemas?.[name], doc, depth + 1);
  }
  const alts = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (alts?.length) return fc.oneof(...alts.map((s) => fromSchema(s, doc, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length) return fromSchema(schema.allOf[0] as JsonSchema, doc, depth + 1);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const type = Array.isArray(schema.type) ? (schema.type[0] as string) : (schema.type as string | undefined);
  switch (type) {
    case 'string': {
      const min = (schema.minLength as number | undefined) ?? 0;
      const max = Math.min((schema.maxLength as number | undefined) ?? 40, 80);
      const arbs: Array<fc.Arbitrary<string>> = [fc.string({ minLength: Math.min(min, max), maxLength: max })];
      if (typeof schema.pattern === 'string') {
        try {
          arbs.push(fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, max)));
        } catch {
          // A pattern fast-check cannot read: plain strings only.
        }
      }
      if (schema.format === 'date-time') arbs.push(fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()));
      return fc.oneof(...arbs);
    }
    case 'integer':
    case 'number': {
      const min = (schema.minimum as number | undefined) ?? (schema.exclusiveMinimum as number | undefined) ?? -1e6;
      const max = (schema.maximum as number | undefined) ?? (schema.exclusiveMaximum as number | undefined) ?? 1e6;
      return type === 'integer' ? fc.integer({ min: Math.max(Math.ceil(min), -(2 ** 31)), max: Math.min(Math.floor(max), 2 ** 31) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const maxItems = Math.min((schema.maxItems as number | undefined) ?? 4, 4);
      return fc.array(fromSchema(schema.items as JsonSchema | undefined, doc, depth + 1), { minLength: Math.min((schema.minItems as number | undefined) ?? 0, maxItems), maxLength: maxItems });
    }
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = (schema.required ?? []) as string[];
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) model[k] = fromSchema(s, doc, depth + 1);
      return fc.record(model, { requiredKeys: required.filter((k) => k in props) });
    }
    default:
      return hostileValue;
  }
}

type Path = Array<string | number>;
function pathsOf(v: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(v)) v.slice(0, 20).forEach((x, i) => out.push(...pathsOf(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...prefix, k]));
  return out;
}
function setAt(v: unknown, path: Path, value: unknown, del: boolean): unknown {
  if (!path.length) return value;
  const [head, ...rest] = path;
  if (Array.isArray(v)) {
    const copy = [...v];
    if (del && !rest.length) copy.splice(head as number, 1);
    else copy[head as number] = setAt(copy[head as number], rest, value, del);
    return copy;
  }
  const obj = { ...(v as Record<string, unknown>) };
  if (del && !rest.length) delete obj[head as string];
  else obj[head as string] = setAt(obj[head as string], rest, value, del);
  return obj;
}

/** A value, mutated at up to three places: replaced, deleted, or given an unknown key. */
export function mutated(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return base.chain((v) => {
    const paths = pathsOf(v);
    const one = fc.tuple(fc.constantFrom(...paths), fc.oneof(hostileValue.map((x) => ({ del: false, x })), fc.constant({ del: true, x: undefined })));
    return fc.array(one, { minLength: 0, maxLength: 3 }).map((ms) => ms.reduce<unknown>((acc, [p, m]) => {
      try {
        return setAt(acc, p, m.x, m.del);
      } catch {
        return acc;
      }
    }, v));
  });
}

export interface FuzzRequest {
  method: string;
  /** Path with parameters filled in and URL-encoded, plus the query string. */
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** The template it came from, for the report. */
  operation: string;
}

export interface RequestContext {
  doc: unknown;
  /** A bearer token for a role (fresh each call: the fuzzer may log itself out). */
  token: () => fc.Arbitrary<string | undefined>;
  /** Valid example bodies by "METHOD /template", for routes whose body schema is not in the document. */
  seedBodies: Record<string, unknown[]>;
  /** Query parameters the handlers read but the document does not list, by "METHOD /template". */
  extraQuery: Record<string, string[]>;
  /** Valid non-JSON bodies (NDJSON, CSV uploads) with their content type, by "METHOD /template". */
  rawBodies?: Record<string, Array<{ body: string; type: string }>>;
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/x-ndjson', 'text/csv', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/problem+json', '', 'application/xml', 'application/*', '*/*'];

const rawBody = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,2', 'null', '"str"', '1e999999', '{"a":1}{"b":2}', '\uFEFF{}', '{"__proto__":{"x":1}}', '', ' ', '\u0000', '[' + '['.repeat(5000), '{"a":"' + 'x'.repeat(200_000) + '"}'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
);

/** A valid upload, cut, spliced with garbage or sent with another content type. */
function rawSeeded(seeds: Array<{ body: string; type: string }>): fc.Arbitrary<{ body?: string | Buffer; type?: string }> {
  return fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.string({ unit: 'binary', maxLength: 30 }), fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) })).map(([s, at, junk, type]) => {
    const i = at % (s.body.length + 1);
    return { body: at % 3 === 0 ? s.body : s.body.slice(0, i) + junk + s.body.slice(i), type: type ?? s.type };
  });
}

/** encodeURIComponent, with lone surrogates (which it refuses) sent as their raw UTF-8 bytes would be: U+FFFD. */
const encodePath = (v: string): string => encodeURIComponent(Buffer.from(v, 'utf8').toString('utf8'));

/** One request for the operation. */
export function requestFor(op: Operation, ctx: RequestContext): fc.Arbitrary<FuzzRequest> {
  const key = `${op.method} ${op.path}`;
  const pathValue = (s: JsonSchema) => fc.oneof({ weight: 3, arbitrary: fromSchema(s, ctx.doc).map(String) }, { weight: 1, arbitrary: hostileString });
  // Sometimes a segment goes out unencoded: broken percent-escapes, dot segments, NULs.
  const rawSegment = fc.constantFrom('%ZZ', '%', '%E0%A4%A', '%c0%af', '..', '%2e%2e', '%2F', '%00', '.', ';x=1', 'a%20b');
  const segment = (s: JsonSchema) => fc.oneof({ weight: 12, arbitrary: pathValue(s).map((v) => encodePath(v) || '%20') }, { weight: 1, arbitrary: rawSegment });
  const pathArb = fc.tuple(...op.pathParams.map((p) => segment(p.schema))).map((values) => op.pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, values[i] ?? ''), op.path));
  const names = [...op.queryParams.map((p) => p.name), ...(ctx.extraQuery[key] ?? []), 'waitMs', 'limit', 'after', 'format', 'token', 'x'];
  const schemaOf = new Map(op.queryParams.map((p) => [p.name, p.schema]));
  const queryArb = fc
    .uniqueArray(fc.constantFrom(...names), { maxLength: 6 })
    .chain((ns) => fc.tuple(...ns.map((n) => fc.oneof({ weight: 3, arbitrary: fromSchema(schemaOf.get(n) ?? { type: 'string' }, ctx.doc) }, { weight: 1, arbitrary: hostileString }).map((v) => [n, typeof v === 'string' ? v : JSON.stringify(v) ?? ''] as const))))
    .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]) => [k, v])).toString()}` : ''));
  const seeds = ctx.seedBodies[key] ?? [];
  const jsonBodies: Array<fc.Arbitrary<unknown>> = [];
  if (op.body) jsonBodies.push(fromSchema(op.body, ctx.doc), mutated(fromSchema(op.body, ctx.doc)));
  if (seeds.length) jsonBodies.push(fc.constantFrom(...seeds), mutated(fc.constantFrom(...seeds)));
  jsonBodies.push(hostileValue);
  const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
  const bodyArb: fc.Arbitrary<{ body?: string | Buffer; type?: string }> = hasBody
    ? fc.oneof(
        { weight: 6, arbitrary: fc.oneof(...jsonBodies).map((v) => ({ body: JSON.stringify(v) ?? 'null', type: 'application/json' })) },
        { weight: 1, arbitrary: fc.tuple(rawBody, fc.constantFrom(...CONTENT_TYPES)).map(([body, type]) => ({ body, type })) },
        { weight: 1, arbitrary: fc.tuple(fc.oneof(...jsonBodies), fc.constantFrom(...CONTENT_TYPES)).map(([v, type]) => ({ body: JSON.stringify(v) ?? '', type })) },
        { weight: 1, arbitrary: fc.constant({}) },
        ...(ctx.rawBodies?.[key]?.length ? [{ weight: 4, arbitrary: rawSeeded(ctx.rawBodies[key]!) }] : []),
      )
    : fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.tuple(rawBody, fc.constantFrom(...CONTENT_TYPES)).map(([body, type]) => ({ body, type })) });
  const extraHeaders = fc.oneof({ weight: 4, arbitrary: fc.constant({} as Record<string, string>) }, { weight: 1, arbitrary: fc.dictionary(
    fc.constantFrom('x-request-id', 'accept', 'accept-encoding', 'origin', 'x-forwarded-for', 'if-match', 'range', 'expect', 'content-encoding', 'x-custom'),
    fc.oneof(fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')), fc.constantFrom('gzip', 'application/xml', '*/*', 'https://evil.example', '100-continue', 'bytes=0-1', 'x'.repeat(300))),
    { maxKeys: 3 },
  ) });
  const authArb = fc.oneof(
    { weight: 8, arbitrary: ctx.token().map((t) => (t ? `Bearer ${t}` : undefined)) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, 'Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'bearer x', `Bearer ${'x'.repeat(10_000)}`) },
    { weight: 1, arbitrary: ctx.token().map((t) => (t ? `Bearer ${t.slice(0, -3)}abc` : undefined)) },
  );
  return fc.tuple(pathArb, queryArb, bodyArb, extraHeaders, authArb).map(([path, query, b, extra, auth]) => {
    const headers: Record<string, string> = { ...extra };
    if (auth) headers.authorization = auth;
    if (b.type !== undefined && b.type !== '') headers['content-type'] = b.type;
    return { method: op.method, url: path + query, headers, ...(b.body !== undefined ? { body: b.body } : {}), operation: key };
  });
}
