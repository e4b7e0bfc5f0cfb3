#!/usr/bin/env python3
"""Keras' legacy ImageDataGenerator.apply_transform, independent of ConvLens.

Transcribed from keras/src/legacy/preprocessing/image.py in keras-team/keras at commit
0a54048b9961097d2628727e564708f9f4264b39 (Apache License 2.0): transform_matrix_offset_center,
apply_affine_transform, apply_channel_shift, apply_brightness_shift, flip_axis and
ImageDataGenerator.apply_transform (channels_last, interpolation_order=1). Keras itself is
not needed: only numpy, scipy.ndimage and PIL, which are what Keras calls.

Usage: keras_apply_transform.py IMAGE.f32 H W C PARAMS.json OUT.f32
IMAGE.f32 / OUT.f32 are raw little-endian float32, HWC. PARAMS.json holds
{"params": {theta, tx, ty, shear, zx, zy, flip_horizontal, flip_vertical,
channel_shift_intensity, brightness}, "fill_mode": ..., "cval": ...}.
"""
import json
import sys

import numpy as np
import scipy.ndimage
from PIL import Image, ImageEnhance


def transform_matrix_offset_center(matrix, x, y):
    o_x = float(x) / 2 - 0.5
    o_y = float(y) / 2 - 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return np.dot(np.dot(offset_matrix, matrix), reset_matrix)


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=0,
                           col_axis=1, channel_axis=2, fill_mode="nearest", cval=0.0, order=1):
    transform_matrix = None
    if theta != 0:
        theta = np.deg2rad(theta)
        transform_matrix = np.array([[np.cos(theta), -np.sin(theta), 0],
                                     [np.sin(theta), np.cos(theta), 0], [0, 0, 1]])
    if tx != 0 or ty != 0:
        shift_matrix = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        transform_matrix = shift_matrix if transform_matrix is None else np.dot(transform_matrix, shift_matrix)
    if shear != 0:
        shear = np.deg2rad(shear)
        shear_matrix = np.array([[1, -np.sin(shear), 0], [0, np.cos(shear), 0], [0, 0, 1]])
        transform_matrix = shear_matrix if transform_matrix is None else np.dot(transform_matrix, shear_matrix)
    if zx != 1 or zy != 1:
        zoom_matrix = np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
        transform_matrix = zoom_matrix if transform_matrix is None else np.dot(transform_matrix, zoom_matrix)
    if transform_matrix is not None:
        h, w = x.shape[row_axis], x.shape[col_axis]
        transform_matrix = transform_matrix_offset_center(transform_matrix, h, w)
        x = np.rollaxis(x, channel_axis, 0)
        if col_axis > row_axis:
            transform_matrix[:, [0, 1]] = transform_matrix[:, [1, 0]]
            transform_matrix[[0, 1]] = transform_matrix[[1, 0]]
        final_affine_matrix = transform_matrix[:2, :2]
        final_offset = transform_matrix[:2, 2]
        channel_images = [scipy.ndimage.affine_transform(x_channel, final_affine_matrix, final_offset,
                                                         order=order, mode=fill_mode, cval=cval)
                          for x_channel in x]
        x = np.stack(channel_images, axis=0)
        x = np.rollaxis(x, 0, channel_axis + 1)
    return x


def apply_channel_shift(x, intensity, channel_axis=0):
    x = np.rollaxis(x, channel_axis, 0)
    min_x, max_x = np.min(x), np.max(x)
    channel_images = [np.clip(x_channel + intensity, min_x, max_x) for x_channel in x]
    x = np.stack(channel_images, axis=0)
    return np.rollaxis(x, 0, channel_axis + 1)


def array_to_img(x, scale):
    # keras/src/utils/image_utils.py array_to_img, channels_last, float32.
    x = np.asarray(x, dtype="float32")
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    if x.shape[2] == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if x.shape[2] == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    return Image.fromarray(x[:, :, 0].astype("uint8"), "L")


def apply_brightness_shift(x, brightness, scale=True):
    x_min, x_max = np.min(x), np.max(x)
    local_scale = (x_min < 0) or (x_max > 255)
    img = array_to_img(x, scale=local_scale or scale)
    img = ImageEnhance.Brightness(img).enhance(brightness)
    x = np.asarray(img, dtype="float32")
    if x.ndim == 2:
        x = x[:, :, None]
    if not scale and local_scale:
        x = x / 255 * (x_max - x_min) + x_min
    return x


def flip_axis(x, axis):
    x = np.asarray(x).swapaxes(axis, 0)
    x = x[::-1, ...]
    return x.swapaxes(0, axis)


def apply_transform(x, p, fill_mode, cval):
    x = apply_affine_transform(x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0), p.get("shear", 0),
                               p.get("zx", 1), p.get("zy", 1), row_axis=0, col_axis=1, channel_axis=2,
                               fill_mode=fill_mode, cval=cval, order=1)
    if p.get("channel_shift_intensity") is not None:
        x = apply_channel_shift(x, p["channel_shift_intensity"], 2)
    if p.get("flip_horizontal", False):
        x = flip_axis(x, 1)
    if p.get("flip_vertical", False):
        x = flip_axis(x, 0)
    if p.get("brightness") is not None:
        x = apply_brightness_shift(x, p["brightness"], False)
    return x


def main():
    image, h, w, c, params, out = sys.argv[1:7]
    x = np.fromfile(image, dtype="<f4").reshape(int(h), int(w), int(c))
    spec = json.load(open(params))
    y = apply_transform(x, spec["params"], spec["fill_mode"], float(spec["cval"]))
    np.asarray(y, dtype="<f4").tofile(out)


if __name__ == "__main__":
    main()
