/**
 * The weight file Keras loads for `keras.applications.<Net>(weights=...)`: its name in Keras'
 * cache (~/.keras/models/, where `get_file` keeps downloads) and the URL Keras downloads it
 * from, as keras/src/applications/*.py name them. `weights=None` asks for none; a path is
 * that file; 'imagenet' (Keras' default) is the published ImageNet file, with or without top.
 */
import type { PretrainedWeights } from '../../model/spec';
import type { CallArgs } from '../runtime';
import { arg } from './common';
import { numberArg } from './mobilenet';

const BASE = 'https://storage.googleapis.com/tensorflow/keras-applications/';

/** Python's str(float(x)), as Keras spells alpha in file names: 1 → "1.0", 0.35 → "0.35". */
const pyFloat = (x: number): string => (Number.isInteger(x) ? x.toFixed(1) : String(x));

/**
 * The input side Keras picks a MobileNet weight file by: input_shape's rows when Keras
 * publishes weights for that size (and the input is square), else 224 (Keras then warns and
 * loads the 224 file).
 */
function publishedRows(args: CallArgs, sizes: number[]): number {
  const shape = arg(args, 'input_shape', 0);
  const [rows, cols] = shape?.kind === 'list' ? shape.items.map((v) => (v.kind === 'number' ? v.value : undefined)) : [];
  return rows !== undefined && rows === cols && sizes.includes(rows) ? rows : 224;
}

/** Folder on the download server and file name, with and without the classifier on top. */
function imagenetFile(name: string, includeTop: boolean, args: CallArgs): { folder: string; file: string } | undefined {
  const tfKernels = (stem: string): string => `${stem}_weights_tf_dim_ordering_tf_kernels${includeTop ? '' : '_notop'}.h5`;
  if (name === 'VGG16' || name === 'VGG19') return { folder: name.toLowerCase(), file: tfKernels(name.toLowerCase()) };
  if (/^ResNet\d+(V2)?$/.test(name)) return { folder: 'resnet', file: tfKernels(name.toLowerCase()) };
  if (/^DenseNet\d+$/.test(name)) return { folder: 'densenet', file: tfKernels(name.toLowerCase()) };
  if (name === 'Xception') return { folder: 'xception', file: tfKernels('xception') };
  if (name === 'InceptionV3') return { folder: 'inception_v3', file: tfKernels('inception_v3') };
  if (/^EfficientNetB[0-7]$/.test(name)) return { folder: 'efficientnetb', file: `${name.toLowerCase()}${includeTop ? '' : '_notop'}.h5` };
  const alpha = numberArg(args, 'alpha', 1, 1);
  // keras/src/applications/mobilenet.py: alpha 1.0/0.75/0.5/0.25 as "1_0", "7_5", "5_0", "2_5".
  if (name === 'MobileNet') {
    const alphaText = ({ 1: '1_0', 0.75: '7_5', 0.5: '5_0' } as Record<number, string>)[alpha] ?? '2_5';
    return { folder: 'mobilenet', file: `mobilenet_${alphaText}_${publishedRows(args, [128, 160, 192, 224])}_tf${includeTop ? '' : '_no_top'}.h5` };
  }
  if (name === 'MobileNetV2') {
    const rows = publishedRows(args, [96, 128, 160, 192, 224]);
    return { folder: 'mobilenet_v2', file: `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${pyFloat(alpha)}_${rows}${includeTop ? '' : '_no_top'}.h5` };
  }
  const v3 = /^MobileNetV3(Small|Large)$/.exec(name);
  if (v3) {
    const minimal = arg(args, 'minimalistic', 2);
    const model = `${v3[1].toLowerCase()}${minimal?.kind === 'bool' && minimal.value ? '_minimalistic' : ''}_224_${pyFloat(alpha)}_float`;
    return { folder: 'mobilenet_v3', file: `weights_mobilenet_v3_${model}${includeTop ? '' : '_no_top_v2'}.h5` };
  }
  return undefined;
}

/**
 * Where `weights` sits among an application's positional arguments: most take (include_top,
 * weights, …); MobileNet (input_shape, alpha, depth_multiplier, dropout, include_top, weights),
 * MobileNetV2 (input_shape, alpha, include_top, weights), MobileNetV3* (input_shape, alpha,
 * minimalistic, include_top, weights).
 */
export function weightsPosition(name: string): number {
  if (name === 'MobileNet') return 5;
  if (name === 'MobileNetV2') return 3;
  if (name.startsWith('MobileNetV3')) return 4;
  return 1;
}

/** The pretrained weights a call asks for; undefined for weights=None or an application whose file ConvLens does not know. */
export function pretrainedWeights(name: string, args: CallArgs, includeTop: boolean): PretrainedWeights | undefined {
  const weights = arg(args, 'weights', weightsPosition(name));
  if (weights?.kind === 'none') return undefined;
  if (weights?.kind === 'string' && weights.value !== 'imagenet') return { application: name, file: weights.value };
  if (weights !== undefined && weights.kind !== 'string') return undefined; // not known statically: nothing to load
  const known = imagenetFile(name, includeTop, args);
  return known ? { application: name, file: known.file, url: `${BASE}${known.folder}/${known.file}` } : undefined;
}
