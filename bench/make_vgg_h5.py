#!/usr/bin/env python3
"""Writes a VGG16-sized Keras model file in the legacy HDF5 format (as tf.keras 2.x's
model.save("model.h5") lays it out: `model_config` and `keras_version` attributes, a
`model_weights` group with `layer_names`, one group per layer with `weight_names` and the
arrays at model_weights/<layer>/<layer>/kernel:0), for bench/modelfile.js.

The model: VGG16's convolutional base on 150x150x3 images (Chollet's cats-vs-dogs size),
Flatten, Dense(1536, relu), Dense(10, softmax): 27,314,506 parameters, 109 MB of
float32. The weights are random (seeded): the benchmark measures reading, not accuracy.

Usage: /usr/bin/python3 bench/make_vgg_h5.py OUT.h5
"""
import json
import sys

import h5py
import numpy as np

BLOCKS = [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]


def layer(class_name, **config):
    return {"class_name": class_name, "config": {"trainable": True, "dtype": "float32", **config}}


def model():
    layers = [{"class_name": "InputLayer", "config": {"batch_input_shape": [None, 150, 150, 3], "dtype": "float32", "sparse": False, "ragged": False, "name": "input_1"}}]
    weights = []
    channels = 3
    for b, (filters, convs) in enumerate(BLOCKS, start=1):
        for c in range(1, convs + 1):
            name = f"block{b}_conv{c}"
            layers.append(layer("Conv2D", name=name, filters=filters, kernel_size=[3, 3], strides=[1, 1], padding="same",
                                data_format="channels_last", dilation_rate=[1, 1], groups=1, activation="relu", use_bias=True))
            weights.append((name, [(3, 3, channels, filters), (filters,)]))
            channels = filters
        layers.append(layer("MaxPooling2D", name=f"block{b}_pool", pool_size=[2, 2], padding="valid", strides=[2, 2], data_format="channels_last"))
    layers.append(layer("Flatten", name="flatten", data_format="channels_last"))
    flat = 4 * 4 * 512
    for name, units, activation, inputs in [("dense", 1536, "relu", flat), ("dense_1", 10, "softmax", 1536)]:
        layers.append(layer("Dense", name=name, units=units, activation=activation, use_bias=True))
        weights.append((name, [(inputs, units), (units,)]))
    return {"class_name": "Sequential", "config": {"name": "vgg_sized", "layers": layers}}, layers, weights


def main():
    out = sys.argv[1]
    config, layers, weights = model()
    rng = np.random.default_rng(1)
    shapes = dict(weights)
    with h5py.File(out, "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.4.0"
        f.attrs["model_config"] = json.dumps(config)
        root = f.create_group("model_weights")
        names = [l["config"]["name"] for l in layers]
        root.attrs["layer_names"] = np.array([n.encode() for n in names])
        root.attrs["backend"] = "tensorflow"
        root.attrs["keras_version"] = "2.4.0"
        for name in names:
            g = root.create_group(name)
            arrays = shapes.get(name, [])
            labels = [f"{name}/kernel:0", f"{name}/bias:0"][: len(arrays)]
            g.attrs["weight_names"] = np.array([l.encode() for l in labels]) if labels else np.array([], dtype=np.float64)
            for label, shape in zip(labels, arrays):
                g.create_dataset(label, data=(rng.standard_normal(shape, dtype=np.float32) * 0.01))


if __name__ == "__main__":
    main()
