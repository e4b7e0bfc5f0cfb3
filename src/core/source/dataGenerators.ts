/**
 * Keras' legacy `ImageDataGenerator(...)` (Chollet 1st edition's augmentation API), read
 * statically: the constructor's keyword arguments, the iterators made from it with
 * `.flow_from_directory(...)` / `.flow(...)`, and the variables they are bound to.
 *
 * Why dict values: the interpreter already carries dicts everywhere (assignments, arguments
 * to fit()); a hidden '__generator__' entry (the record's index) marks the generator and its
 * iterators, so `model.fit(train_generator, ...)` can name the generator it trains on.
 */
import type { DataFlowSpec, DataGeneratorSpec, Diagnostic, FitData, FitGenerator, SourceRange } from '../model/spec';
import { toConfigValue } from './toSpec';
import type { CallArgs } from './runtime';
import { num, str, unknown, type Value } from './values';

const GENERATOR = '__generator__';
const FLOW = '__flow__';

/** What Keras computes from the data or runs as user code: ConvLens does not apply these. */
const NOT_SUPPORTED: Record<string, string> = {
  featurewise_center: 'needs datagen.fit(x) statistics over the whole training set, which ConvLens does not compute',
  featurewise_std_normalization: 'needs datagen.fit(x) statistics over the whole training set, which ConvLens does not compute',
  zca_whitening: 'needs a whitening matrix fitted on the training set (datagen.fit), which ConvLens does not compute',
  zca_epsilon: 'belongs to zca_whitening, which ConvLens does not compute',
  samplewise_center: 'per-image normalisation is not applied by ConvLens yet',
  samplewise_std_normalization: 'per-image normalisation is not applied by ConvLens yet',
  preprocessing_function: 'runs user Python code, which ConvLens never executes',
  interpolation_order: 'ConvLens reproduces Keras\' default order 1 (bilinear) only',
};

/** Options that are only unsupported when switched on (Keras' defaults are off / None / 1). */
function isOn(v: Value): boolean {
  if (v.kind === 'bool') return v.value;
  if (v.kind === 'none') return false;
  if (v.kind === 'number') return v.value !== 0;
  return true;
}

interface GeneratorRecord {
  spec: DataGeneratorSpec;
}

export class DataGeneratorRecorder {
  private readonly records: GeneratorRecord[] = [];
  readonly diagnostics: Diagnostic[] = [];

  /** `ImageDataGenerator(**kwargs)`: Keras takes keyword arguments (positional ones are read in Keras' order too rarely to matter). */
  create(args: CallArgs, range: SourceRange): Value {
    const config: DataGeneratorSpec['config'] = {};
    const unsupported: DataGeneratorSpec['unsupported'] = [];
    for (const [k, v] of args.keyword) {
      const reason = NOT_SUPPORTED[k];
      if (reason && isOn(v) && !(k === 'interpolation_order' && v.kind === 'number' && v.value === 1)) {
        unsupported.push({ option: k, reason });
        this.diagnostics.push({
          severity: 'info', code: 'datagen-unsupported', range: args.keywordRanges.get(k) ?? range,
          message: `ImageDataGenerator(${k}=...) is not supported by ConvLens: it ${reason}`,
        });
        continue;
      }
      if (k === 'validation_split') this.checkValidationSplit(v, args.keywordRanges.get(k) ?? range);
      config[k] = toConfigValue(v);
    }
    if (args.positional.length > 0) {
      this.diagnostics.push({ severity: 'info', range, code: 'datagen-positional', message: 'ImageDataGenerator: positional arguments are not read; pass them by keyword' });
    }
    this.records.push({ spec: { name: '', config, unsupported, flows: [], range } });
    return { kind: 'dict', entries: new Map([['__class__', str('ImageDataGenerator')], [GENERATOR, num(this.records.length - 1)]]) };
  }

  /** Keras' ImageDataGenerator.__init__ raises unless validation_split is 0 or strictly between 0 and 1. */
  private checkValidationSplit(v: Value, range: SourceRange): void {
    if (v.kind !== 'number' || v.value === 0 || (v.value > 0 && v.value < 1)) return;
    this.diagnostics.push({
      severity: 'error', code: 'datagen-validation-split', range,
      message: `ImageDataGenerator(validation_split=${v.value}): Keras requires it strictly between 0 and 1 (it raises ValueError)`,
    });
  }

  /** The generator record a value stands for (the generator itself or one of its iterators). */
  private record(v: Value | undefined): GeneratorRecord | undefined {
    if (v?.kind !== 'dict') return undefined;
    const id = v.entries.get(GENERATOR);
    return id?.kind === 'number' ? this.records[id.value] : undefined;
  }

  isGenerator(v: Value): boolean {
    return this.record(v) !== undefined && v.kind === 'dict' && !v.entries.has(FLOW);
  }

  /** `datagen.flow_from_directory(directory, target_size, color_mode, classes, class_mode, batch_size, ...)` and `datagen.flow(x, y, batch_size, ...)`. */
  flow(target: Value, method: string, args: CallArgs, range: SourceRange): Value | undefined {
    const rec = this.record(target);
    if (!rec || !this.isGenerator(target)) return undefined;
    if (method !== 'flow_from_directory' && method !== 'flow') return unknown(`ImageDataGenerator.${method}() is not read by ConvLens`);
    const arg = (name: string, position: number): Value | undefined => args.keyword.get(name) ?? args.positional[position];
    const flow: DataFlowSpec = { method, range };
    if (method === 'flow_from_directory') {
      const dir = arg('directory', 0);
      if (dir?.kind === 'string') flow.directory = dir.value;
      const size = arg('target_size', 1);
      if (size?.kind === 'list' && size.items.length === 2 && size.items.every((i) => i.kind === 'number')) {
        flow.targetSize = size.items.map((i) => (i as { value: number }).value) as [number, number];
      } else if (!size) flow.targetSize = [256, 256]; // Keras' default
      const color = arg('color_mode', 2);
      flow.colorMode = color?.kind === 'string' ? color.value : 'rgb';
      const mode = arg('class_mode', 4);
      flow.classMode = mode?.kind === 'string' ? mode.value : mode?.kind === 'none' ? 'none' : 'categorical';
      const batch = arg('batch_size', 5);
      if (batch?.kind === 'number') flow.batchSize = batch.value;
      else if (!batch) flow.batchSize = 32;
      this.readLoading(flow, arg, range);
    } else {
      const batch = arg('batch_size', 2);
      flow.batchSize = batch?.kind === 'number' ? batch.value : 32;
    }
    rec.spec.flows.push(flow);
    const id = (target as Extract<Value, { kind: 'dict' }>).entries.get(GENERATOR)!;
    return { kind: 'dict', entries: new Map([['__class__', str('DirectoryIterator')], [GENERATOR, id], [FLOW, num(rec.spec.flows.length - 1)]]) };
  }

  /**
   * How flow_from_directory lists, splits, orders and resizes the files (Keras' keywords and
   * positions: classes 3, shuffle 6, follow_links 11, subset 12, interpolation 13, keep_aspect_ratio 14):
   * Keras' defaults when absent; a subset, interpolation or keep_aspect_ratio written but not
   * known keeps why (training refuses it),
   * a shuffle or follow_links not known is left out (Keras' default applies).
   */
  private readLoading(flow: DataFlowSpec, arg: (name: string, position: number) => Value | undefined, range: SourceRange): void {
    // classes=[...]: those folders, labelled in that order (Keras: an empty list or None means every subfolder, sorted).
    const classes = arg('classes', 3);
    if (classes?.kind === 'list' && classes.items.length > 0) {
      flow.classes = classes.items.every((i) => i.kind === 'string') ? classes.items.map((i) => (i as { value: string }).value) : { unknown: 'classes is not a list of strings ConvLens can read' };
    } else if (classes && classes.kind !== 'none' && classes.kind !== 'list') flow.classes = { unknown: 'classes is not a list ConvLens can read' };
    const shuffle = arg('shuffle', 6);
    if (!shuffle || shuffle.kind === 'bool') flow.shuffle = shuffle?.value ?? true;
    const links = arg('follow_links', 11);
    if (!links || links.kind === 'bool') flow.followLinks = links?.value ?? false;
    const subset = arg('subset', 12);
    if (subset?.kind === 'string') {
      flow.subset = subset.value;
      if (subset.value !== 'training' && subset.value !== 'validation') {
        this.diagnostics.push({ severity: 'error', code: 'datagen-subset', range, message: `flow_from_directory(subset='${subset.value}'): Keras takes 'training' or 'validation' (it raises ValueError)` });
      }
    } else if (subset && subset.kind !== 'none') flow.subset = { unknown: 'subset is not a string ConvLens can read' };
    const interpolation = arg('interpolation', 13);
    if (!interpolation || interpolation.kind === 'string') flow.interpolation = interpolation?.value ?? 'nearest';
    else flow.interpolation = { unknown: 'interpolation is not a string ConvLens can read' };
    const keep = arg('keep_aspect_ratio', 14);
    if (!keep || keep.kind === 'bool') flow.keepAspectRatio = keep?.value ?? false;
    else flow.keepAspectRatio = { unknown: 'keep_aspect_ratio is not a literal True/False' };
  }

  /** `datagen = ImageDataGenerator(...)` / `train_generator = datagen.flow_from_directory(...)`: the first binding names it. */
  bind(name: string, value: Value): void {
    const rec = this.record(value);
    if (!rec || value.kind !== 'dict') return;
    const flow = value.entries.get(FLOW);
    if (flow?.kind === 'number') rec.spec.flows[flow.value].name ??= name;
    else if (!rec.spec.name) rec.spec.name = name;
  }

  /** The generator a fit() argument comes from (with the flow it was given), and the argument's text for messages. */
  fitSource(v: Value | undefined): FitData | undefined {
    const rec = this.record(v);
    if (!rec || v?.kind !== 'dict') return undefined;
    const flow = v.entries.get(FLOW);
    const f = flow?.kind === 'number' ? rec.spec.flows[flow.value] : undefined;
    const { name, config, unsupported, range } = rec.spec;
    const generator: FitGenerator = { name, config, unsupported, ...(f ? { flow: f } : {}), range };
    return { variable: name, text: f ? `${name}.${f.method}(...)` : name, range: f?.range ?? range, generator };
  }

  specs(): DataGeneratorSpec[] {
    return this.records.map((r) => r.spec);
  }
}
