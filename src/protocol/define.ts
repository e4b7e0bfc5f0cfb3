/**
 * Messages and requests declared once. Each is one value built from valibot schemas that
 * carries its name and its payload's shape; the TypeScript type and the runtime guard both
 * derive from that value, so a field added to a message is checked on arrival without
 * writing a second guard, and every guard checks to the full depth of its schema.
 *
 *   const reveal = message('reveal', { range: SourceRangeSchema });
 *   const toHost = messages(ready, reveal);           // one guard for all of them
 *   type ToHost = Infer<typeof toHost>;               // { type: 'ready' } | { type: 'reveal'; range: … }
 *   const whatIf = request('whatIf', SizeSchema, ModelSummarySchema);
 *   rpc.on(whatIf, (size) => …);                      // params checked before the handler runs
 *
 * Plain data only: no `vscode`, no Node, no DOM, so the extension host, the webview
 * bundles and the workers all compile it unchanged.
 */
import * as v from 'valibot';

/** Any valibot schema whose output is T (inputs are plain JSON here, so input and output agree). */
export type Schema<T = unknown> = v.GenericSchema<T>;
export type Infer<S extends v.GenericSchema> = v.InferOutput<S>;

/** A message kind: an object with `type` set to `name` and the given fields. */
export function message<const N extends string, const E extends v.ObjectEntries = Record<never, never>>(name: N, entries?: E) {
  return v.object({ type: v.literal(name), ...(entries ?? ({} as E)) });
}

/** The messages one side accepts: their union type (Infer) and one guard (`is`). */
export function messages<const O extends v.VariantOptions<'type'>>(...options: O) {
  return v.variant('type', options);
}

/** A type guard from a schema: `guard(schema)(x)` narrows x to the schema's output. */
export function guard<S extends v.GenericSchema>(schema: S): (value: unknown) => value is Infer<S> {
  return (value: unknown): value is Infer<S> => v.is(schema, value);
}

/** One line saying why a value does not match a schema (for errors and logs). */
export function explain(schema: v.GenericSchema, value: unknown): string | undefined {
  const result = v.safeParse(schema, value);
  if (result.success) return undefined;
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  return `${path ? `${path}: ` : ''}${issue.message}`;
}

/**
 * A request and its reply. `progress`, when given, is the shape of the updates the handler
 * may send before it answers (training events, patterns finished one by one).
 */
export interface RequestDef<M extends string = string, P = unknown, R = unknown, G = unknown> {
  readonly method: M;
  readonly params: v.GenericSchema<P>;
  readonly result: v.GenericSchema<R>;
  readonly progress?: v.GenericSchema<G>;
}

export function request<const M extends string, P, R, G = never>(
  method: M, params: v.GenericSchema<P>, result: v.GenericSchema<R>, progress?: v.GenericSchema<G>,
): RequestDef<M, P, R, G> {
  return { method, params, result, progress };
}

export type ParamsOf<D> = D extends RequestDef<string, infer P, unknown, unknown> ? P : never;
export type ResultOf<D> = D extends RequestDef<string, unknown, infer R, unknown> ? R : never;
export type ProgressOf<D> = D extends RequestDef<string, unknown, unknown, infer G> ? G : never;

// ---- schemas every protocol uses ---------------------------------------------------

/** A whole number ≥ 0 (an id, an epoch, a count). */
export const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** Any integer, negative included (a layer index, which may be -1 for "none"). */
export const Int = v.pipe(v.number(), v.safeInteger());
/** A finite number. */
export const Num = v.pipe(v.number(), v.finite());
/**
 * A metric that may have diverged: NaN and Infinity cross postMessage's JSON as null, and a
 * diverging loss must still be shown (readers check with Number.isFinite).
 */
export const Metric = v.nullable(v.number());
/** Only PNG data URLs reach an <img>: nothing else the other side sends becomes a request. */
export const PngDataUrl = v.pipe(v.string(), v.startsWith('data:image/png;base64,'));
/** The handshake every page sends once its listeners are set (first load and every reload). */
export const Ready = message('ready');
