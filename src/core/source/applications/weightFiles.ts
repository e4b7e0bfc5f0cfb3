/**
 * The weight file Keras loads for `keras.applications.<Net>(weights=...)`: its name in Keras'
 * cache (~/.keras/models/, where `get_file` keeps downloads) and the URL Keras downloads it
 * from, as keras/src/applications/*.py name them. `weights=None` asks for none; a path is
 * that file; 'imagenet' (Keras' default) is the published ImageNet file, with or without top.
 */
import type { PretrainedWeights } from '../../model/spec';
import type { CallArgs } from '../runtime';
import { arg } from './common';

const BASE = 'https://storage.googleapis.com/tensorflow/keras-applications/';

/** Folder on the download server and file name, with and without the classifier on top. */
function imagenetFile(name: string, includeTop: boolean): { folder: string; file: string } | undefined {
  const tfKernels = (stem: string): string => `${stem}_weights_tf_dim_ordering_tf_kernels${includeTop ? '' : '_notop'}.h5`;
  if (name === 'VGG16' || name === 'VGG19') return { folder: name.toLowerCase(), file: tfKernels(name.toLowerCase()) };
  if (/^ResNet\d+(V2)?$/.test(name)) return { folder: 'resnet', file: tfKernels(name.toLowerCase()) };
  if (/^DenseNet\d+$/.test(name)) return { folder: 'densenet', file: tfKernels(name.toLowerCase()) };
  if (name === 'Xception') return { folder: 'xception', file: tfKernels('xception') };
  if (name === 'InceptionV3') return { folder: 'inception_v3', file: tfKernels('inception_v3') };
  if (/^EfficientNetB[0-7]$/.test(name)) return { folder: 'efficientnetb', file: `${name.toLowerCase()}${includeTop ? '' : '_notop'}.h5` };
  return undefined;
}

/** The pretrained weights a call asks for; undefined for weights=None or an application whose file ConvLens does not know. */
export function pretrainedWeights(name: string, args: CallArgs, includeTop: boolean, weightsPosition = 1): PretrainedWeights | undefined {
  const weights = arg(args, 'weights', weightsPosition);
  if (weights?.kind === 'none') return undefined;
  if (weights?.kind === 'string' && weights.value !== 'imagenet') return { application: name, file: weights.value };
  if (weights !== undefined && weights.kind !== 'string') return undefined; // not known statically: nothing to load
  const known = imagenetFile(name, includeTop);
  return known ? { application: name, file: known.file, url: `${BASE}${known.folder}/${known.file}` } : undefined;
}
