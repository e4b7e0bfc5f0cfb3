// A small residual convnet with the TF.js functional API (tf.input, layer.apply, tf.model):
// a stem convolution, then one residual block per entry of [16, 32], each followed by 2x2
// max pooling; the shortcut is projected by a 1x1 convolution when the filters change.
//
// Expected: 20,154 parameters: 19,930 trainable + 224 non-trainable
// (batchNormalization has 4 per channel; moving mean and variance are not trained).
//   input 32x32x3
//   stem conv 3x3, 16 filters, no bias: 3*3*3*16 = 432 ; batch norm 4*16 = 64      =    496
//   block 16 (16 -> 16, identity shortcut):
//     conv 3*3*16*16 = 2,304 ; bn 64 ; conv 2,304 ; bn 64                          =  4,736
//   max pool (-> 16x16x16)
//   block 32 (16 -> 32, projected shortcut):
//     conv 3*3*16*32 = 4,608 ; bn 128 ; conv 3*3*32*32 = 9,216 ; bn 128 ;
//     shortcut 1x1 conv 16*32 = 512                                                 = 14,592
//   max pool (-> 8x8x32), global average pooling (-> 32)
//   dense 32*10 + 10                                                               =    330
//   total 496 + 4,736 + 14,592 + 330 = 20,154
//   non-trainable: moving mean + variance of the batch norms' 16 + (16 + 16) + (32 + 32)
//   = 112 channels -> 224
import * as tf from '@tensorflow/tfjs';

function residualBlock(x: tf.SymbolicTensor, filters: number, inChannels: number): tf.SymbolicTensor {
  let shortcut = x;
  let y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  y = tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  if (inChannels !== filters) {
    shortcut = tf.layers.conv2d({ filters, kernelSize: 1, useBias: false }).apply(shortcut) as tf.SymbolicTensor;
  }
  y = tf.layers.add().apply([y, shortcut]) as tf.SymbolicTensor;
  return tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
}

const inputs = tf.input({ shape: [32, 32, 3] });
let x = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', useBias: false }).apply(inputs) as tf.SymbolicTensor;
x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
x = tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor;

let channels = 16;
for (const filters of [16, 32]) {
  x = residualBlock(x, filters, channels);
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  channels = filters;
}

x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
const outputs = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;

export const model = tf.model({ inputs, outputs });
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
