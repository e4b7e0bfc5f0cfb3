// VGG16 (Simonyan & Zisserman, 2014, configuration "D") with the ImageNet classifier, in
// TF.js (CommonJS). Same architecture as examples/keras/vgg16.py.
//
// Expected: 138,357,544 parameters, all trainable.
//   13 convs 3x3 "same" (params 3*3*C_in*filters + filters), 5 blocks:
//     64, 64 = 38,720 ; 128, 128 = 221,440 ; 256 x3 = 1,475,328 ;
//     512 x3 = 5,899,776 ; 512 x3 = 7,079,424           -> convolutions 14,714,688
//   2x2 max pool after each block: 224 -> 7 ; flatten 7x7x512 = 25,088
//   fc1 25,088x4,096 + 4,096 = 102,764,544 ; fc2 4,096x4,096 + 4,096 = 16,781,312 ;
//   predictions 4,096x1,000 + 1,000 = 4,097,000
//   total 14,714,688 + 102,764,544 + 16,781,312 + 4,097,000 = 138,357,544
const tf = require('@tensorflow/tfjs');

function vgg16() {
  const model = tf.sequential({ name: 'vgg16' });
  model.add(tf.layers.inputLayer({ inputShape: [224, 224, 3] }));
  const blocks = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]];
  for (const [filters, convs] of blocks) {
    for (let i = 0; i < convs; i++) {
      model.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }));
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  }
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 4096, activation: 'relu', name: 'fc1' }));
  model.add(tf.layers.dense({ units: 4096, activation: 'relu', name: 'fc2' }));
  model.add(tf.layers.dense({ units: 1000, activation: 'softmax', name: 'predictions' }));
  return model;
}

const model = vgg16();
model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

module.exports = { vgg16, model };
