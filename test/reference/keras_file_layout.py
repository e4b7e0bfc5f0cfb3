"""Lists what a Keras 3 `.keras` file holds, read with Python's zipfile and h5py (independently
of ConvLens' readers and of h5wasm, which wrote ConvLens' exports): the zip's members and how
they are stored, metadata.json, every group and dataset of model.weights.h5 (path, shape,
dtype), the `name` attribute of each `vars` group, an optimizer's iteration count and
learning rate, and config.json's model class and each
layer's class with the arguments that decide what it computes. Prints one JSON object.

    /usr/bin/python3 keras_file_layout.py FILE.keras
"""
import io
import json
import sys
import zipfile

import h5py

# The arguments compared between files: what a layer computes, not how it was initialised.
KEY_ARGS = [
    "batch_shape", "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
    "activation", "use_bias", "units", "pool_size", "rate", "axis", "epsilon", "center", "scale",
]


def weights_layout(data):
    datasets, groups, names = {}, [], {}
    with h5py.File(io.BytesIO(data), "r") as h5:
        def visit(path, obj):
            if isinstance(obj, h5py.Dataset):
                datasets[path] = {"shape": list(obj.shape), "dtype": str(obj.dtype)}
            else:
                groups.append(path)
                if path == "vars" or path.endswith("/vars"):
                    name = obj.attrs.get("name")
                    names[path] = name.decode() if isinstance(name, bytes) else name
        h5.visititems(visit)
        names["vars"] = names.get("vars")
        # An optimizer's first two variables: its iteration count and learning rate.
        scalars = {p: h5[p][()].item() for p in ("optimizer/vars/0", "optimizer/vars/1") if p in h5}
    return {"datasets": datasets, "groups": sorted(groups), "vars_names": names, "optimizer_scalars": scalars}


def layers_of(config):
    out = []
    for layer in config["config"]["layers"]:
        args = {k: layer["config"][k] for k in KEY_ARGS if k in layer["config"]}
        entry = {"class_name": layer["class_name"], "module": layer.get("module"), "name": layer["config"].get("name"), "args": args}
        if layer["class_name"] in ("Sequential", "Functional"):
            entry["layers"] = layers_of(layer)
        out.append(entry)
    return out


def main(path):
    with zipfile.ZipFile(path) as z:
        members = [{"name": i.filename, "stored": i.compress_type == zipfile.ZIP_STORED} for i in z.infolist()]
        metadata = json.loads(z.read("metadata.json"))
        config = json.loads(z.read("config.json"))
        weights = weights_layout(z.read("model.weights.h5"))
    print(json.dumps({
        "members": members,
        "metadata": metadata,
        "model": {"class_name": config["class_name"], "module": config.get("module"), "compiled": "compile_config" in config},
        "layers": layers_of(config),
        **weights,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
