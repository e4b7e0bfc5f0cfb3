// Chollet, "Deep Learning with Python" (1st ed.), listing 5.1: the MNIST convnet, written
// with TF.js. Same network as examples/keras/chollet_mnist_convnet.py: ConvLens must give
// both the same summary.
//
// Expected: 93,322 parameters, all trainable.
//   conv2d  3x3x1x32 + 32   =    320   (28x28x1 -> 26x26x32)
//   pool 2x2                            (-> 13x13x32)
//   conv2d  3x3x32x64 + 64  = 18,496   (-> 11x11x64)
//   pool 2x2                            (-> 5x5x64)
//   conv2d  3x3x64x64 + 64  = 36,928   (-> 3x3x64)
//   flatten                             (-> 576)
//   dense   576x64 + 64     = 36,928
//   dense   64x10 + 10      =    650
//   total 93,322
import * as tf from '@tensorflow/tfjs';

export const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu', inputShape: [28, 28, 1] }),
    tf.layers.maxPooling2d({ poolSize: [2, 2] }),
    tf.layers.conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: [2, 2] }),
    tf.layers.conv2d({ filters: 64, kernelSize: [3, 3], activation: 'relu' }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 64, activation: 'relu' }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});

model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
