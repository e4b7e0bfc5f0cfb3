/**
 * The library half of the symbolic evaluator: what happens when user code calls Keras or
 * TF.js. The Python and TypeScript readers interpret the language; whenever they call or
 * read an attribute of a library value they ask this runtime, which builds layer, tensor
 * and model objects exactly as Keras would (names included) without running anything.
 */
import type { CustomLayerSpec } from '../model/customLayer';
import type { Diagnostic, Dialect, SourceLanguage, SourceRange } from '../model/spec';
import { MERGE_FUNCTIONS, camelToSnake, canonicalClassName, findLayerClass, toSnakeCase } from '../model/catalog';
import { buildApplication, isPreprocessInput, type GraphBuilder } from './applications/index';
import { preprocessMode } from '../model/preprocess';
import { DataGeneratorRecorder } from './dataGenerators';
import { callArgs, canonicalPath, dictToKeyword, type CallArgs } from './callArgs';
import { COMPARISONS, KERAS_ACTIVATION_OPS, TF_ACTIVATION_OPS, pythonPathJoin } from './libraryFunctions';
import { readCompileCall, readFitCall } from './trainingCalls';
import { probeShape } from './shapeProbe';
import { addWeight, shapedValue, variable } from './layerWeights';
import { asValue, getLayer, layerAttribute, modelLayers, modelTensors } from './introspection';
import {
  NONE, describe, firstUnknown, list, str, unknown, type TrainerObject, type GraphNode, type LayerObject, type ModelObject,
  type SymbolicTensor, type Value,
} from './values';

// What the readers import from the runtime, wherever it lives.
export { callArgs, canonicalPath, type CallArgs } from './callArgs';

export class ModelRuntime {
  readonly diagnostics: Diagnostic[] = [];
  readonly models: ModelObject[] = [];
  /** `ImageDataGenerator(...)`s and their iterators (./dataGenerators.ts). */
  readonly generators = new DataGeneratorRecorder();
  private nextId = 1;
  private readonly kerasUids = new Map<string, number>();
  private readonly tfjsUids = new Map<string, number>();
  private readonly namedAtModuleLevel = new Set<number>();
  private readonly applications = new Map<number, SymbolicTensor[]>();
  /** The user's Layer subclasses whose `__init__` is running, innermost last. */
  private readonly constructing: LayerObject[] = [];
  /** `x.shape` of tensors already asked about (staticShape). */
  private readonly shapes = new WeakMap<SymbolicTensor, Value>();

  constructor(readonly language: SourceLanguage) {}

  get dialect(): Dialect {
    return this.language === 'python' ? 'keras' : 'tfjs';
  }

  /** `target.name` for library values; interpreters handle their own objects first. */
  getAttribute(target: Value, name: string): Value {
    switch (target.kind) {
      case 'ref':
        return { kind: 'ref', path: canonicalPath(`${target.path}.${name}`) };
      case 'model':
        return this.modelAttribute(target.model, name) ?? { kind: 'method', target, name };
      case 'layer':
        return target.layer.instance?.attrs.get(name) ?? layerAttribute(target.layer, name, this.applications) ?? { kind: 'method', target, name };
      case 'tensor':
        if (name === 'shape') return this.staticShape(target.tensor);
        return unknown(`tensor attribute '${name}' is only known when the model runs`);
      case 'trainer':
        // gan.compile / vae.fit: read by callMethod; gan.generator stays unknown (the class body is not read).
        return name === 'compile' || name === 'fit' ? { kind: 'method', target, name } : unknown(`'${name}' of a ${target.trainer.className} model is not read`);
      case 'unknown':
        return target;
      default:
        // datagen.flow_from_directory / datagen.flow: called through callMethod.
        if (this.generators.isGenerator(target)) return { kind: 'method', target, name };
        return unknown(`'${name}' of a ${target.kind}`);
    }
  }

  /** `model.layers`, `model.name`, `model.input(s)`, `model.output(s)`; undefined for a method. */
  private modelAttribute(model: ModelObject, name: string): Value | undefined {
    switch (name) {
      case 'layers':
        return list(modelLayers(model).map(asValue));
      case 'name':
        return str(model.kerasName);
      case 'input': case 'inputs': case 'output': case 'outputs': {
        const missing = model.kind === 'sequential' ? this.traceSequential(model) : undefined;
        return missing ? unknown(missing) : modelTensors(model, name);
      }
      default:
        return undefined;
    }
  }

  /**
   * `x.shape` / `ops.shape(x)` / `K.int_shape(x)` of a Keras tensor while the model is being
   * built (`Input(shape=encoder.output.shape[1:])`): the shape engine's result for the graph up to
   * it, as the tuple Keras gives (None for the batch), or why it is not known.
   */
  private staticShape(tensor: SymbolicTensor): Value {
    // A tensor's graph never changes once it exists, so its shape is worked out once: code
    // like MobileViT's asks `x.shape[-1]` several times of the same tensor.
    const known = this.shapes.get(tensor);
    if (known) return known;
    const shape = probeShape(tensor, this.shapes, {
      inputLayer: (config, range) => this.newLayer('InputLayer', config, new Map(), range),
      modelId: () => this.nextId++,
      language: this.language,
    });
    this.shapes.set(tensor, shape);
    return shape;
  }

  /**
   * A Sequential's tensors exist once Keras builds it on its input: applies each layer in turn
   * from that input, once, so `model.layers[-2].output` is a tensor. Returns why it cannot.
   */
  private traceSequential(model: ModelObject): string | undefined {
    if (model.outputs.length > 0) return undefined;
    const input = this.sequentialInputTensor(model);
    if (!input) return `Sequential model ${model.kerasName} has no input shape, so it has no tensors yet`;
    let x: Value = { kind: 'tensor', tensor: input };
    for (const item of model.sequence) {
      x = 'sequence' in item ? this.applyModel(item, x, item.range) : this.applyLayer(item, x, item.range);
      if (x.kind !== 'tensor') return `the layers of Sequential model ${model.kerasName} could not be traced`;
    }
    model.inputs = [input];
    model.outputs = [x.tensor];
    return undefined;
  }

  /** The Input a Sequential starts from: the one it was given, or the one Keras makes from `input_shape`. */
  private sequentialInputTensor(model: ModelObject): SymbolicTensor | undefined {
    const given = model.sequentialInput;
    if (given) return this.applications.get(given.id)?.[0] ?? this.inputNode(given, given.range);
    const first = model.sequence[0];
    if (!first || 'sequence' in first || !model.implicitInputName) return undefined;
    const config = new Map<string, Value>([['name', str(model.implicitInputName)]]);
    const shape = first.config.get('input_shape');
    const batchShape = first.config.get('batch_input_shape');
    const inputDim = first.config.get('input_dim');
    if (shape) config.set('shape', shape);
    else if (batchShape) config.set('batch_shape', batchShape);
    else if (inputDim) config.set('shape', list([inputDim], true));
    return this.inputNode(this.newLayer('InputLayer', config, new Map(), first.range), first.range);
  }

  /** Calls a library value. Never throws: what it cannot evaluate becomes an unknown value. */
  call(callee: Value, args: CallArgs, range: SourceRange): Value {
    switch (callee.kind) {
      case 'ref':
        return this.callLibrary(callee.path, args, range);
      case 'layer':
        // A custom layer's call may take several tensors (`sampler(z_mean, z_log_var)`), attention query, value and key.
        if (callee.layer.instance) return this.applyLayer(callee.layer, list(args.positional, true), range);
        if (callee.layer.className === 'MultiHeadAttention') {
          const named = ['query', 'value', 'key'].map((k) => args.keyword.get(k)).filter((v): v is Value => v !== undefined);
          return this.applyLayer(callee.layer, list([...args.positional, ...named], true), range);
        }
        return this.applyLayer(callee.layer, args.positional[0], range);
      case 'model':
        return this.applyModel(callee.model, args.positional[0], range);
      case 'method':
        return this.callMethod(callee.target, callee.name, args, range);
      case 'unknown':
        return this.callUnknown(callee.reason, args, range);
      default:
        return unknown(`${callee.kind} is not callable`);
    }
  }

  /**
   * Records the variable a model is bound to. The first module-level binding names it
   * (`cnn = build_model()` beats the helper's local `model`; a later `m2 = cnn` does not rename it).
   */
  bindVariable(name: string, value: Value, moduleLevel: boolean): void {
    if (moduleLevel) this.generators.bind(name, value);
    if (value.kind !== 'model') return;
    const model = value.model;
    if (this.namedAtModuleLevel.has(model.id)) return;
    if (moduleLevel) {
      this.namedAtModuleLevel.add(model.id);
      model.varName = name;
    } else {
      model.varName ??= name;
    }
  }

  private callLibrary(path: string, args: CallArgs, range: SourceRange): Value {
    const dot = path.lastIndexOf('.');
    const prefix = dot < 0 ? '' : path.slice(0, dot);
    const name = path.slice(dot + 1);
    const building = this.constructing.at(-1)?.instance;
    if (building && (path === 'tf.Variable' || path === 'keras.Variable')) return variable(building, args, path === 'keras.Variable');
    const kerasActivation = /^keras\.activations\.(\w+)$/.exec(path)?.[1];
    if (kerasActivation && KERAS_ACTIVATION_OPS.has(kerasActivation) && args.positional[0]?.kind === 'tensor') {
      // keras.activations.swish(x) on a Keras tensor runs TF's op, which TF 2 Keras names (tf.nn.silu).
      return this.tfActivation(KERAS_ACTIVATION_OPS.get(kerasActivation)!, kerasActivation, args, range);
    }
    if (path.startsWith('keras')) return this.callKeras(prefix, name, path, args, range);
    if (path.startsWith('tfjs')) return this.callTfjs(prefix, name, path, args, range);
    if (path === 'tf.nn.depth_to_space') return this.tfOpLayer('DepthToSpace', ['block_size'], args, range);
    const activation = TF_ACTIVATION_OPS.get(path);
    if (activation) return this.tfActivation(path, activation, args, range);
    // Chollet's train_dir = os.path.join(base_dir, 'train'): the folder flow_from_directory reads.
    if (path === 'os.path.join') return pythonPathJoin(args.positional) ?? this.callUnknown('os.path.join of values that are not known strings', args, range);
    return this.callUnknown(`${path} is not a Keras or TF.js API ConvLens reads`, args, range);
  }

  /**
   * A TensorFlow op applied to a Keras tensor (`tf.nn.depth_to_space(x, 3)`): TF 2 Keras makes
   * it a weightless op layer in the model. `params` names its arguments after the tensor.
   */
  private tfOpLayer(className: string, params: string[], args: CallArgs, range: SourceRange): Value {
    const [input, ...rest] = args.positional;
    if (input?.kind !== 'tensor') return this.callUnknown(`${className} of something that is not a Keras tensor`, args, range);
    const keyword = new Map(args.keyword);
    const keywordRanges = new Map(args.keywordRanges);
    rest.forEach((v, i) => {
      if (params[i] === undefined) return;
      keyword.set(params[i], v);
      keywordRanges.set(params[i], args.positionalRanges[i + 1] ?? range);
    });
    keyword.delete('name'); // tf ops' name= names the op, not a layer
    const layer = this.createLayer(className, { positional: [], positionalRanges: [], keyword, keywordRanges }, range);
    return this.applyLayer(layer, input, range);
  }

  /**
   * `tf.nn.relu(x)` on a Keras tensor: TF 2 Keras wraps the op in a weightless TFOpLambda layer
   * named after the op ('tf.nn.relu', 'tf.nn.relu_1'); it computes what Activation does, so it
   * is read as one (same shape, no weights, and TF.js can build it).
   */
  private tfActivation(path: string, activation: string, args: CallArgs, range: SourceRange): Value {
    const input = args.positional[0] ?? args.keyword.get('features') ?? args.keyword.get('x');
    if (input?.kind !== 'tensor' || args.positional.length > 1) return this.callUnknown(`${path} of something that is not a Keras tensor`, args, range);
    const config = new Map<string, Value>([['activation', str(activation)], ['name', str(this.kerasUid(path))]]);
    return this.applyLayer(this.newLayer('Activation', config, new Map(), range), input, range);
  }

  private callKeras(prefix: string, name: string, path: string, args: CallArgs, range: SourceRange): Value {
    const inLayers = prefix === 'keras.layers';
    if (name === 'Input' && (prefix === 'keras' || inLayers)) return this.createInput(this.keywordConfig('InputLayer', args, range), range);
    if (name === 'Sequential' && (prefix === 'keras' || prefix === 'keras.models')) return this.createSequential(args, range);
    if ((name === 'Model' || name === 'Functional') && (prefix === 'keras' || prefix === 'keras.models')) return this.createFunctional(args, range);
    if (inLayers && MERGE_FUNCTIONS[name]) {
      const { positional, ...rest } = args;
      const layer = this.createLayer(MERGE_FUNCTIONS[name], { ...rest, positional: [], positionalRanges: [] }, range);
      return this.applyLayer(layer, positional[0], range);
    }
    if (inLayers) return { kind: 'layer', layer: this.createLayer(name, args, range) };
    if (prefix === 'keras.ops' && COMPARISONS[name]) {
      // ops.equal(x.shape[-1], 16) on two Python numbers: a scalar whose truth Python reads
      // (MobileViT's `if keras.ops.equal(channels, out) and strides == 1`).
      const [a, b] = args.positional;
      if (a?.kind === 'number' && b?.kind === 'number') return { kind: 'bool', value: COMPARISONS[name](a.value, b.value) };
    }
    const shaped = args.positional[0];
    if (shaped?.kind === 'tensor' && (name === 'int_shape' || (prefix === 'keras.ops' && name === 'shape'))) return this.staticShape(shaped.tensor);
    // keras.preprocessing.image / keras.legacy.preprocessing.image (every spelling canonicalPath gives).
    if (name === 'ImageDataGenerator' && /(^|\.)preprocessing\.image$/.test(prefix)) return this.generators.create(args, range);
    if (prefix === 'keras.optimizers' || prefix === 'keras.losses') return this.configObject(name, args, 'learning_rate');
    // EarlyStopping's first positional parameter is `monitor`; fit() reads its patience.
    if (prefix === 'keras.callbacks') return this.configObject(name, args, 'monitor');
    if (prefix.startsWith('keras.applications')) {
      // The module decides what preprocess_input does (VGG: caffe; MobileNet: tf; ...).
      if (isPreprocessInput(path)) return this.connectOrUnknown('PreprocessInput', args, range, new Map([['mode', { kind: 'string', value: preprocessMode(path.split('.').at(-2)) }]]));
      return buildApplication(path, args, range, this.graphBuilder())
        ?? this.callUnknown(`${path} loads a pretrained network ConvLens does not describe yet`, args, range);
    }
    return this.callUnknown(`${path} is not evaluated by ConvLens`, args, range);
  }

  private callTfjs(prefix: string, name: string, path: string, args: CallArgs, range: SourceRange): Value {
    const config = args.positional[0];
    const asKeyword = (): CallArgs => dictToKeyword(config, args.positionalRanges[0]);
    if (path === 'tfjs.input' || path === 'tfjs.layers.input') {
      return this.createInput(this.keywordConfig('InputLayer', asKeyword(), range), range);
    }
    if (path === 'tfjs.sequential') return this.createSequential(asKeyword(), range);
    if (path === 'tfjs.model') return this.createFunctional(asKeyword(), range);
    if (prefix === 'tfjs.layers') return { kind: 'layer', layer: this.createLayer(name, asKeyword(), range) };
    if (prefix === 'tfjs.train') return this.configObject(name, args, 'learning_rate');
    if (prefix === 'tfjs.losses') return this.configObject(name, args, '');
    if (prefix === 'tfjs.callbacks') return this.configObject(name, args, '');
    return this.callUnknown(`${path} is not evaluated by ConvLens`, args, range);
  }

  /** Optimizer and loss constructors: kept as a dict so compile() can read them. */
  private configObject(className: string, args: CallArgs, firstPositional: string): Value {
    const entries = new Map<string, Value>([['__class__', { kind: 'string', value: className }]]);
    if (firstPositional && args.positional[0]) entries.set(firstPositional, args.positional[0]);
    for (const [k, v] of args.keyword) entries.set(camelToSnake(k), v);
    if (args.positional[0]?.kind === 'dict') {
      for (const [k, v] of args.positional[0].entries) entries.set(camelToSnake(k), v);
    }
    return { kind: 'dict', entries };
  }

  /** A known shape-keeping operation applied to the tensors among the arguments. */
  private connectOrUnknown(className: string, args: CallArgs, range: SourceRange, config = new Map<string, Value>()): Value {
    const tensors = collectTensors(args.positional.slice(0, 1));
    if (tensors.length === 0) return unknown(`${className} was applied to something that is not a tensor`);
    return this.connect(this.newLayer(className, config, new Map(), range), tensors, range);
  }

  /** The primitives Keras' built-in applications are assembled from (applications/). */
  private graphBuilder(): GraphBuilder {
    return {
      input: (shape, range) => {
        const t = this.createInput({ config: new Map([['shape', shape]]), ranges: new Map() }, range);
        return (t as Extract<Value, { kind: 'tensor' }>).tensor;
      },
      layer: (className, config, range) => this.newLayer(className, new Map(Object.entries(config)), new Map(), range),
      apply: (layer, input, range) => this.connect(layer, Array.isArray(input) ? input : [input], range).tensor,
      model: (inputs, outputs, name, range) => {
        const args = callArgs();
        args.keyword.set('name', { kind: 'string', value: name });
        const model = this.newModel('functional', args, range);
        model.inputs = inputs;
        model.outputs = outputs;
        return { kind: 'model', model };
      },
    };
  }

  /**
   * `obj.attr = value` on a library object. Only `trainable` means something statically:
   * a frozen layer or model (transfer learning) counts its weights as non-trainable.
   */
  setAttribute(target: Value, name: string, value: Value): void {
    if (target.kind === 'layer') target.layer.instance?.attrs.set(name, value);
    if (name !== 'trainable' || value.kind !== 'bool') return;
    if (target.kind === 'layer') target.layer.config.set('trainable', value);
    else if (target.kind === 'model') target.model.trainable = value.value;
  }

  /** A call ConvLens cannot see through; if it consumes tensors it yields an unresolved node. */
  private callUnknown(reason: string, args: CallArgs, range: SourceRange): Value {
    const tensors = collectTensors(args.positional);
    // Inside a custom layer's __init__, a shape given to an initializer or tf.zeros is kept for a Variable made from it.
    if (tensors.length === 0) return this.constructing.length > 0 ? shapedValue(reason, args) : unknown(reason);
    const layer = this.newLayer('Unknown', new Map(), new Map(), range, reason);
    return this.connect(layer, tensors, range);
  }

  /**
   * An instance of a user's Layer subclass, before its `__init__` runs (python/customClass.ts):
   * named now, as Keras names it in `super().__init__()`, before the sublayers it makes. Only
   * `name=` is Keras' own argument; the rest go to the user's __init__, so they are not config.
   */
  customLayer(className: string, args: CallArgs, range: SourceRange): Extract<Value, { kind: 'layer' }> {
    const config = new Map<string, Value>();
    const name = args.keyword.get('name');
    if (name) config.set('name', name);
    const layer = this.newLayer(className, config, new Map(), range);
    layer.instance = { attrs: new Map(), weights: [], problems: [] };
    this.constructing.push(layer);
    return { kind: 'layer', layer };
  }

  /** The class body as read once `__init__` has run, or why it cannot be read. */
  finishCustomLayer(layer: LayerObject, read: CustomLayerSpec | string): void {
    this.constructing.splice(this.constructing.lastIndexOf(layer), 1);
    if (typeof read === 'string') layer.unresolved = `custom layer ${layer.className}: ${read}`;
    else layer.custom = read;
  }

  private createLayer(name: string, args: CallArgs, range: SourceRange): LayerObject {
    const info = findLayerClass(name);
    const className = canonicalClassName(name);
    let unresolved: string | undefined;
    if (!info) unresolved = `ConvLens does not know the layer ${name}`;
    else if (info.opaque) unresolved = info.opaque;
    const { config, ranges } = this.keywordConfig(className, args, range);
    return this.newLayer(className, config, ranges, range, unresolved);
  }

  private newLayer(className: string, config: Map<string, Value>, argRanges: Map<string, SourceRange>,
    range: SourceRange, unresolved?: string): LayerObject {
    const userName = config.get('name');
    const explicit = userName?.kind === 'string' ? userName.value : undefined;
    return {
      id: this.nextId++, className, config, argRanges, range, unresolved,
      name: explicit ?? this.kerasUid(toSnakeCase(className)),
      tfjsName: explicit ?? this.tfjsUid(className),
    };
  }

  /** Keras 3 `uniquify`: 'conv2d', then 'conv2d_1', 'conv2d_2', ... per prefix, for the whole file. */
  private kerasUid(prefix: string): string {
    const n = this.kerasUids.get(prefix) ?? 0;
    this.kerasUids.set(prefix, n + 1);
    return n === 0 ? prefix : `${prefix}_${n}`;
  }

  /** TF.js `getUid`: 'conv2d_Conv2D1', 'conv2d_Conv2D2', ... */
  private tfjsUid(className: string): string {
    const n = (this.tfjsUids.get(className) ?? 0) + 1;
    this.tfjsUids.set(className, n);
    return `${toSnakeCase(className)}_${className}${n}`;
  }

  /** Maps positional arguments onto keyword names and converts TF.js camelCase keys. */
  private keywordConfig(className: string, args: CallArgs, range: SourceRange): { config: Map<string, Value>; ranges: Map<string, SourceRange> } {
    const config = new Map<string, Value>();
    const ranges = new Map<string, SourceRange>();
    const info = findLayerClass(className);
    // A class the catalog does not describe is unresolved already (createLayer says why): its
    // positional parameters are unknown, so none of its arguments can be called surplus.
    const given = info ? args.positional : [];
    const positional = info?.positional ?? [];
    given.forEach((value, i) => {
      const key = positional[i];
      if (key === undefined) {
        this.diagnostics.push({
          severity: 'warning', range: args.positionalRanges[i] ?? range,
          message: `${className} takes at most ${positional.length} positional argument${positional.length === 1 ? '' : 's'}; this one is ignored`,
        });
        return;
      }
      config.set(key, value);
      ranges.set(key, args.positionalRanges[i] ?? range);
    });
    for (const [k, v] of args.keyword) {
      const key = this.dialect === 'tfjs' ? camelToSnake(k) : k;
      config.set(key, v);
      ranges.set(key, args.keywordRanges.get(k) ?? range);
    }
    return { config, ranges };
  }

  private createInput(cfg: { config: Map<string, Value>; ranges: Map<string, SourceRange> }, range: SourceRange): Value {
    const layer = this.newLayer('InputLayer', cfg.config, cfg.ranges, range);
    return { kind: 'tensor', tensor: this.inputNode(layer, range) };
  }

  private inputNode(layer: LayerObject, range: SourceRange): SymbolicTensor {
    const node: GraphNode = { id: this.nextId++, inputLayer: layer, inputs: [], range };
    return this.recordApplication(layer.id, { node });
  }

  /** Remembers each application's output, so `layer.output` and `layer.input` can be answered. */
  private recordApplication(objectId: number, tensor: SymbolicTensor): SymbolicTensor {
    const calls = this.applications.get(objectId);
    if (calls) calls.push(tensor);
    else this.applications.set(objectId, [tensor]);
    return tensor;
  }

  private newModel(kind: ModelObject['kind'], args: CallArgs, range: SourceRange): ModelObject {
    const userName = args.keyword.get('name');
    const model: ModelObject = {
      id: this.nextId++, kind, range, sequence: [], inputs: [], outputs: [],
      kerasName: userName?.kind === 'string' ? userName.value : this.kerasUid(kind),
    };
    this.models.push(model);
    return model;
  }

  private createSequential(args: CallArgs, range: SourceRange): Value {
    const model = this.newModel('sequential', args, range);
    const layers = args.positional[0] ?? args.keyword.get('layers');
    if (layers?.kind === 'list') {
      layers.items.forEach((item) => this.sequentialAdd(model, item, range));
    } else if (layers && layers.kind !== 'none') {
      this.warn(range, `Sequential expects a list of layers, got ${layers.kind}`);
    }
    return { kind: 'model', model };
  }

  private sequentialAdd(model: ModelObject, item: Value, range: SourceRange): void {
    if (item.kind === 'tensor' && item.tensor.node.inputLayer && model.sequence.length === 0) {
      model.sequentialInput = item.tensor.node.inputLayer;
    } else if (item.kind === 'layer') {
      const cfg = item.layer.config;
      // Keras 3 turns a first layer's input_shape into an InputLayer, which takes a name.
      if (model.sequence.length === 0 && !model.sequentialInput &&
        (cfg.has('input_shape') || cfg.has('batch_input_shape') || cfg.has('input_dim'))) {
        model.implicitInputName = this.kerasUid('input_layer');
      }
      model.sequence.push(item.layer);
    } else if (item.kind === 'model') {
      model.sequence.push(item.model);
    } else {
      this.warn(range, `model.add() expects a layer, got ${item.kind === 'unknown' ? `an unknown value (${item.reason})` : item.kind}`);
      const layer = this.newLayer('Unknown', new Map(), new Map(), range, item.kind === 'unknown' ? item.reason : `not a layer: ${item.kind}`);
      model.sequence.push(layer);
    }
  }

  private createFunctional(args: CallArgs, range: SourceRange): Value {
    const model = this.newModel('functional', args, range);
    const inputs = args.keyword.get('inputs') ?? args.positional[0];
    const outputs = args.keyword.get('outputs') ?? args.positional[1];
    model.inputs = inputs ? collectTensors([inputs]) : [];
    model.outputs = outputs ? collectTensors([outputs]) : [];
    // ModelSpec.outputs name layers, each standing for its first tensor: a later one is not followed yet.
    const later = model.outputs.find((t) => (t.outputIndex ?? 0) > 0);
    if (later) {
      const reason = `the model outputs tensor ${later.outputIndex! + 1} of ${later.node.layer?.name ?? 'a layer'}, and ConvLens follows only a layer's first tensor as a model output`;
      model.outputs = [this.connect(this.newLayer('Unknown', new Map(), new Map(), range, reason), [], range).tensor];
    }
    if (model.outputs.length === 0) {
      // Never an empty model that looks complete: one unresolved entry carries the reason
      // (and the shape engine reports it).
      const reason = `the outputs of this model are not known: ${outputs ? describe(firstUnknown(outputs) ?? outputs) : 'none were given'}`;
      const placeholder = this.newLayer('Unknown', new Map(), new Map(), range, reason);
      model.outputs = [this.connect(placeholder, [], range).tensor];
    }
    return { kind: 'model', model };
  }

  private applyLayer(layer: LayerObject, input: Value | undefined, range: SourceRange): Value {
    const tensors = input ? collectTensors([input]) : [];
    if (tensors.length === 0) {
      const why = input && firstUnknown(input);
      return unknown(why?.kind === 'unknown' ? why.reason : `${layer.className} was applied to something that is not a tensor`);
    }
    return this.connectAll(layer, tensors, range);
  }

  private connect(layer: LayerObject, inputs: SymbolicTensor[], range: SourceRange): Extract<Value, { kind: 'tensor' }> {
    const node: GraphNode = { id: this.nextId++, layer, inputs, range };
    return { kind: 'tensor', tensor: this.recordApplication(layer.id, { node }) };
  }

  /** A layer that gives several tensors (a custom layer whose call returns a tuple): a tuple of them, one node. */
  private connectAll(layer: LayerObject, inputs: SymbolicTensor[], range: SourceRange): Value {
    const count = layer.custom?.outputs?.length ?? 1;
    const first = this.connect(layer, inputs, range);
    if (count === 1) return first;
    return list(Array.from({ length: count }, (_, i): Value => ({ kind: 'tensor', tensor: i === 0 ? first.tensor : { node: first.tensor.node, outputIndex: i } })));
  }

  private applyModel(model: ModelObject, input: Value | undefined, range: SourceRange): Value {
    const tensors = input ? collectTensors([input]) : [];
    if (tensors.length === 0) return unknown('a model was applied to something that is not a tensor');
    const node: GraphNode = { id: this.nextId++, nestedModel: model, inputs: tensors, range };
    return { kind: 'tensor', tensor: this.recordApplication(model.id, { node }) };
  }

  private callMethod(target: Value, name: string, args: CallArgs, range: SourceRange): Value {
    const flowed = this.generators.flow(target, name, args, range);
    if (flowed) return flowed;
    if (target.kind === 'layer' && name === 'apply') return this.applyLayer(target.layer, args.positional[0], range);
    if (target.kind === 'layer' && target.layer.instance && (name === 'add_weight' || name === 'add_variable')) return addWeight(target.layer.instance, args);
    // A helper method of the user's class (`self._make_layers()`) may make weights that would go uncounted.
    if (target.kind === 'layer' && target.layer.instance) target.layer.instance.problems.push(`its __init__ calls self.${name}(), which ConvLens does not follow`);
    if (target.kind === 'trainer') return this.trainerMethod(target.trainer, name, args, range);
    if (target.kind !== 'model') return unknown(`${name}() of a ${target.kind}`);
    const model = target.model;
    switch (name) {
      case 'add':
        if (model.kind !== 'sequential') return unknown('add() on a functional model');
        if (args.positional[0]) this.sequentialAdd(model, args.positional[0], range);
        // A Sequential grows: tensors traced before this layer no longer end the model.
        model.inputs = [];
        model.outputs = [];
        return NONE;
      case 'apply':
        return this.applyModel(model, args.positional[0], range);
      case 'get_layer':
      case 'getLayer':
        if (model.kind === 'sequential') this.traceSequential(model);
        return getLayer(model, args.keyword.get('name') ?? args.keyword.get('index') ?? args.positional[0]);
      case 'compile':
        model.compile = readCompileCall(this.dialect, args, range);
        return NONE;
      case 'load_weights': {
        const file = args.keyword.get('filepath') ?? args.positional[0];
        if (file?.kind === 'string') model.weightsFile = file.value;
        return NONE;
      }
      case 'fit':
      case 'fit_generator':
      case 'fitDataset':
        // The last call wins, as it would when the script runs top to bottom.
        model.fit = readFitCall(this.dialect, this.generators, args, range, name === 'fit_generator');
        return unknown('the History a fit() returns is not evaluated');
      case 'build': {
        const shape = args.positional[0] ?? args.keyword.get('input_shape') ?? args.keyword.get('inputShape');
        if (shape?.kind === 'list' && model.kind === 'sequential') {
          const entries = new Map<string, Value>([['batch_shape', shape]]);
          model.sequentialInput = this.newLayer('InputLayer', entries, new Map([['batch_shape', range]]), range);
        }
        return NONE;
      }
      default:
        return unknown(`model.${name}() is not evaluated`);
    }
  }

  /**
   * A recipe trainer's compile and fit reach the models it was given (`vae.fit(x, epochs=30,
   * batch_size=128)` sets the Train defaults of the encoder and the decoder); nothing else of it is read.
   */
  private trainerMethod(trainer: TrainerObject, name: string, args: CallArgs, range: SourceRange): Value {
    if (name === 'compile') {
      const call = { trainerClass: trainer.className, keyword: args.keyword, range };
      for (const model of trainer.models) model.trainerCompile = call;
      return NONE;
    }
    if (name === 'fit') {
      const call = readFitCall(this.dialect, this.generators, args, range, false);
      for (const model of trainer.models) model.fit = call;
      return unknown('the History a fit() returns is not evaluated');
    }
    return unknown(`${trainer.className}.${name}() is not evaluated`);
  }

  private warn(range: SourceRange, message: string): void {
    this.diagnostics.push({ severity: 'warning', range, message });
  }
}

/** Tensors in a value: a tensor, or a list/tuple of them (merge inputs, multi-input models). */
export function collectTensors(values: Value[]): SymbolicTensor[] {
  const out: SymbolicTensor[] = [];
  for (const v of values) {
    if (v.kind === 'tensor') out.push(v.tensor);
    else if (v.kind === 'list') out.push(...collectTensors(v.items));
    else if (v.kind === 'dict') out.push(...collectTensors([...v.entries.values()]));
  }
  return out;
}

