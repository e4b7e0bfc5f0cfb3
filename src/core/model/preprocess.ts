/**
 * What `keras.applications.<module>.preprocess_input` does, by module, as
 * keras/src/applications/imagenet_utils.py defines the modes (the readers record it, the TF.js
 * builder applies it: engine/preprocessInput.ts).
 */
export type PreprocessMode = 'caffe' | 'tf' | 'torch' | 'none';

/** The mode Keras' preprocess_input uses for an application module (`keras.applications.<module>.preprocess_input`). */
export function preprocessMode(module: string | undefined): PreprocessMode {
  if (module === undefined || /^(vgg16|vgg19|resnet|resnet50|imagenet_utils|applications)$/.test(module)) return 'caffe';
  if (/^(mobilenet|mobilenet_v2|mobilenet_v3|resnet_v2|xception|inception_v3|inception_resnet_v2|nasnet)$/.test(module)) return 'tf';
  if (module === 'densenet') return 'torch';
  return 'none';
}

