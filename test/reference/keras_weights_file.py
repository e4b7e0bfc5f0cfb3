"""Writes a weights-only HDF5 file in the layout Keras' legacy `save_weights` uses (and the
keras.applications weight files on Google's server follow): root attribute `layer_names`, one
group per layer with attribute `weight_names`, datasets `<layer>/<weight>` in load order. The
values are seeded noise: the test checks where ConvLens puts them, not what a network learned.

    /usr/bin/python3 keras_weights_file.py OUT.h5 SPEC.json
SPEC.json: [[layer_name, [[weight_name, [shape...]], ...]], ...] (layers without weights too).
"""
import json
import sys

import h5py
import numpy as np


def main(out, spec_file):
    with open(spec_file) as f:
        spec = json.load(f)
    rng = np.random.default_rng(7)
    with h5py.File(out, "w") as h5:
        h5.attrs["layer_names"] = [name.encode("utf8") for name, _ in spec]
        h5.attrs["backend"] = b"tensorflow"
        h5.attrs["keras_version"] = b"2.2.4"
        for name, weights in spec:
            g = h5.create_group(name)
            g.attrs["weight_names"] = [w.encode("utf8") for w, _ in weights]
            for w, shape in weights:
                g.create_dataset(w, data=rng.standard_normal(shape).astype("float32") * 0.05)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
