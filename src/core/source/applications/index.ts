/**
 * Keras' pretrained applications, described statically: `keras.applications.VGG16(
 * include_top=False, input_shape=(180, 180, 3))` is the same functional graph Keras builds
 * (layer names and all), so a transfer-learning model shows the conv base's real shapes and
 * parameter counts. Which pretrained file it asks for is recorded (weightFiles.ts); training
 * loads it from Keras' cache (engine/train/pretrained.ts).
 */
import type { SourceRange } from '../../model/spec';
import type { CallArgs } from '../runtime';
import { unknown, type Value } from '../values';
import type { GraphBuilder } from './common';
import { DENSENETS, densenet } from './densenet';
import { EFFICIENTNETS, efficientnet } from './efficientnet';
import { inceptionV3 } from './inception';
import { mobilenet, mobilenetV2 } from './mobilenet';
import { MOBILENETS_V3, mobilenetV3 } from './mobilenetv3';
import { RESNETS, resnet } from './resnet';
import { VGG_BLOCKS, vgg } from './vgg';
import { pretrainedWeights, weightsPosition } from './weightFiles';
import { xception } from './xception';

export type { GraphBuilder } from './common';

type Builder = (variant: string, args: CallArgs, range: SourceRange, b: GraphBuilder) => Value;

const BUILDERS: Record<string, Builder> = {
  ...Object.fromEntries(Object.keys(VGG_BLOCKS).map((k) => [k, vgg])),
  ...Object.fromEntries(Object.keys(RESNETS).map((k) => [k, resnet])),
  ...Object.fromEntries(Object.keys(DENSENETS).map((k) => [k, densenet])),
  MobileNet: mobilenet,
  MobileNetV2: mobilenetV2,
  ...Object.fromEntries(Object.keys(MOBILENETS_V3).map((k) => [k, mobilenetV3])),
  Xception: xception,
  InceptionV3: inceptionV3,
  ...Object.fromEntries(Object.keys(EFFICIENTNETS).map((k) => [k, efficientnet])),
};

/**
 * The application a `keras.applications` path names, built; undefined for one ConvLens does
 * not describe (the caller reports it as unknown).
 */
export function buildApplication(path: string, args: CallArgs, range: SourceRange, b: GraphBuilder): Value | undefined {
  const name = path.slice(path.lastIndexOf('.') + 1);
  const build = Object.hasOwn(BUILDERS, name) ? BUILDERS[name] : undefined;
  if (!build) return undefined;
  // input_tensor comes just after weights in every signature. Keras builds the network on that
  // tensor itself (its shape, not input_shape's None×None, flows through), and the application's
  // layers join the graph of whoever made the tensor (DeepLabV3+ on ResNet50).
  const tensor = args.keyword.get('input_tensor') ?? args.positional[weightsPosition(name) + 1];
  if (tensor && tensor.kind !== 'none' && tensor.kind !== 'tensor') {
    return unknown(`${name}(input_tensor=...) of something that is not a Keras tensor is not read`);
  }
  const built = build(name, args, range, tensor?.kind === 'tensor' ? { ...b, input: () => tensor.tensor } : b);
  if (built?.kind === 'model') {
    // include_top comes just before weights in every signature (see weightsPosition).
    const top = args.keyword.get('include_top') ?? args.positional[weightsPosition(name) - 1];
    built.model.pretrained = pretrainedWeights(name, args, top?.kind !== 'bool' || top.value);
  }
  return built;
}

/** `keras.applications.<net>.preprocess_input`: scales or shifts pixels, keeping the shape. */
export function isPreprocessInput(path: string): boolean {
  return /^keras\.applications\.(\w+\.)?preprocess_input$/.test(path);
}
