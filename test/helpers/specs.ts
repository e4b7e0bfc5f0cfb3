/** Small builders for hand-written ModelSpecs, so shape tests do not depend on the readers. */
import type { CompileSpec, ConfigObject, LayerSpec, ModelSpec, SourceRange } from '../../src/core/model/spec';

export const RANGE: SourceRange = { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } };

export function layer(className: string, config: ConfigObject = {}, inbound: number[] = [], name?: string): LayerSpec {
  return { className, config, name: name ?? className.toLowerCase(), tfjsName: name ?? className, range: RANGE, argRanges: {}, inbound };
}

export function sequential(inputShape: (number | null)[] | undefined, layers: [string, ConfigObject?][], compile?: Omit<CompileSpec, 'range'>): ModelSpec {
  return {
    name: 'model', kerasName: 'sequential', kind: 'sequential', language: 'python', dialect: 'keras', range: RANGE,
    layers: layers.map(([cls, cfg], i) => layer(cls, cfg ?? {}, i === 0 ? [] : [i - 1], `l${i}`)),
    inputShape, inputs: [0], outputs: [layers.length - 1],
    compile: compile ? { ...compile, range: RANGE } : undefined, diagnostics: [],
  };
}

/** A functional spec from [className, config, inbound] triples; InputLayer entries are inputs. */
export function functional(layers: [string, ConfigObject, number[]][]): ModelSpec {
  const specs = layers.map(([cls, cfg, inbound], i) => layer(cls, cfg, inbound, `l${i}`));
  const consumed = new Set(specs.flatMap((l) => l.inbound));
  return {
    name: 'model', kerasName: 'functional', kind: 'functional', language: 'python', dialect: 'keras', range: RANGE,
    layers: specs,
    inputs: specs.map((l, i) => (l.className === 'InputLayer' ? i : -1)).filter((i) => i >= 0),
    outputs: specs.map((_, i) => i).filter((i) => !consumed.has(i)),
    diagnostics: [],
  };
}
