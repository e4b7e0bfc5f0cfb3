/**
 * Checks a model against a data set BEFORE training, with messages that say what to change:
 * input rank and size (MNIST is fixed at 28×28×1; folders and synthetic data are produced at
 * the model's H×W), channels (1 or 3), and the class count against the output layer (N units
 * for N classes, or 1 sigmoid unit for 2 classes).
 */
import type { ModelSpec } from '../../model/spec';
import { analyzeModel } from '../../shapes/analyze';
import { datasetDescriptor } from './catalog';
import { DataError, describeShape, type DatasetKind, type ImageShape } from './types';

/** What the check needs to know about a model: read statically from its spec. */
export interface ModelIO {
  /** Input shape without the batch axis; null when unknown. */
  inputShape: (number | null)[] | null;
  /** Units of the (single) output; null when unknown. */
  outputUnits: number | null;
  /** The output layer's activation ('softmax', 'sigmoid', 'linear', ...). */
  outputActivation?: string;
  outputLayer?: string;
  /** Number of model inputs and outputs: training here supports one of each. */
  inputs: number;
  outputs: number;
  dialect: 'keras' | 'tfjs';
}

export function modelIO(spec: ModelSpec): ModelIO {
  const summary = analyzeModel(spec);
  const inputShape = summary.inputShapes[0] ? summary.inputShapes[0].slice(1) : null;
  const outIndex = spec.kind === 'sequential' ? spec.layers.length - 1 : spec.outputs[0];
  const outLayer = spec.layers[outIndex];
  const outShape = summary.layers.find((l) => l.index === outIndex)?.outputShape ?? null;
  const units = outShape?.length === 2 ? outShape[1] : null;
  let activation: string | undefined;
  if (outLayer) {
    const a = outLayer.config['activation'];
    if (outLayer.className === 'Softmax') activation = 'softmax';
    else if (typeof a === 'string') activation = a;
    else if (outLayer.className === 'Dense' || outLayer.className === 'Activation') activation = 'linear';
  }
  return {
    inputShape,
    outputUnits: units,
    outputActivation: activation,
    outputLayer: outLayer?.name,
    inputs: spec.kind === 'sequential' ? 1 : spec.inputs.length,
    outputs: spec.kind === 'sequential' ? 1 : spec.outputs.length,
    dialect: spec.dialect,
  };
}

export interface DataDescription {
  kind: DatasetKind;
  /** For messages: 'MNIST digits', 'the synthetic shapes', 'the images in ./data'. */
  label?: string;
  /** Fixed image shape (MNIST); undefined when the data adapts to the model (folder, synthetic). */
  fixedShape?: ImageShape;
  numClasses: number;
  classNames?: string[];
  /**
   * The images as the code's flow_from_directory gives them (target_size × color_mode's
   * channels): the folder is loaded at that size, and the model must take it, as in Keras.
   */
  flow?: { shape: ImageShape; label: string; settings: string };
}

function shapeLiteral(s: readonly number[], dialect: 'keras' | 'tfjs'): string {
  return dialect === 'tfjs' ? `inputShape: [${s.join(', ')}]` : `input_shape=(${s.join(', ')})`;
}

function denseLiteral(units: number, activation: string, dialect: 'keras' | 'tfjs'): string {
  return dialect === 'tfjs' ? `tf.layers.dense({units: ${units}, activation: '${activation}'})` : `Dense(${units}, activation='${activation}')`;
}

function dataLabel(d: DataDescription): string {
  return d.label ?? datasetDescriptor(d.kind).noun;
}

/**
 * The image to load for a model whose input is the image's pixels in another shape: (h, w)
 * for greyscale h×w×1 images, or a vector as long as a fixed-size image (784 for MNIST).
 * Undefined for image (rank-3) inputs and for anything else.
 */
export function flatImage(inShape: readonly (number | null)[], fixed: ImageShape | undefined): ImageShape | undefined {
  if (inShape.some((d) => d === null)) return undefined;
  const dims = inShape as number[];
  if (dims.length === 2) {
    const image: ImageShape = [dims[0], dims[1], 1];
    return !fixed || image.every((d, i) => d === fixed[i]) ? image : undefined;
  }
  if (dims.length === 1 && fixed && dims[0] === fixed[0] * fixed[1] * fixed[2]) return fixed;
  return undefined;
}

/**
 * The image shape to load the data at for this model (folders and synthetic data follow the
 * model; MNIST is fixed). Throws a DataError saying what to change when the model cannot
 * take the data.
 */
export function checkCompatibility(io: ModelIO, data: DataDescription): ImageShape {
  const problems: string[] = [];
  const label = dataLabel(data);
  if (io.inputs !== 1 || io.outputs !== 1) {
    throw new DataError(`training supports models with one input and one output; this model has ${io.inputs} inputs and ${io.outputs} outputs`);
  }
  const inShape = io.inputShape;
  let shape: ImageShape | undefined;
  if (inShape === null) {
    problems.push(
      `the model's input shape is unknown: give its first layer ${shapeLiteral(data.fixedShape ?? data.flow?.shape ?? [150, 150, 3], io.dialect)}` +
        (data.fixedShape ?? data.flow ? '' : ' (your image size)'),
    );
  } else if (data.flow) {
    const { shape: given, label: from, settings } = data.flow;
    const fits = inShape.length === 3 && inShape.every((d, i) => d === null || d === given[i]);
    if (!fits) {
      problems.push(`${from} gives ${describeShape(given)} images (${settings}) but the model's input is ${describeShape(inShape)}: make them agree (Keras fails on this too)`);
    } else if (given[2] !== 1 && given[2] !== 3) {
      problems.push(`${from} gives ${describeShape(given)} images (${settings}); ConvLens loads images with 1 (greyscale) or 3 (RGB) channels: use color_mode='grayscale' or 'rgb'`);
    } else shape = [...given];
  } else if (flatImage(inShape, data.fixedShape)) {
    // Chollet's first MNIST network (Dense on x.reshape((60000, 28 * 28))) and the TF tutorials'
    // Flatten(input_shape=(28, 28)): the same pixels in another shape, reshaped per batch.
    shape = flatImage(inShape, data.fixedShape);
  } else if (inShape.length !== 3) {
    // A vector input's length says nothing about an image size: suggest the data's own, or a typical one.
    const want = data.fixedShape ?? [150, 150, 3];
    problems.push(
      `The model expects inputs of shape ${describeShape(inShape)} but ${label} are ${data.fixedShape ? describeShape(data.fixedShape) + ' ' : ''}images (height×width×channels): ` +
        `start the model with ${shapeLiteral(want, io.dialect)}${data.fixedShape ? '' : ' (your image size)'} (and a Flatten layer before the first Dense)`,
    );
  } else if (data.fixedShape) {
    const [h, w, c] = inShape;
    const [fh, fw, fc] = data.fixedShape;
    if (!(h === fh && w === fw && c === fc)) {
      problems.push(
        `The model expects ${describeShape(inShape)} images but ${label} are ${describeShape(data.fixedShape)}: ` +
          `change ${io.dialect === 'tfjs' ? 'inputShape' : 'input_shape'} to ${io.dialect === 'tfjs' ? `[${fh}, ${fw}, ${fc}]` : `(${fh}, ${fw}, ${fc})`}` +
          // Only a data set of fixed-size images gets here: a folder is loaded at the model's size.
          ' or use --data <folder>',
      );
    } else shape = [fh, fw, fc];
  } else {
    const [h, w, c] = inShape;
    if (h === null || w === null) {
      problems.push(
        `The model's input size is ${describeShape(inShape)} (not fixed) but ${label} must be resized to a fixed size: ` +
          `give ${shapeLiteral([h ?? 150, w ?? 150, c ?? 3], io.dialect)}`,
      );
    } else if (c !== 1 && c !== 3) {
      problems.push(`The model expects ${describeShape(inShape)} images; ${label} can be loaded with 1 (greyscale) or 3 (RGB) channels: change the last number of the input shape to 1 or 3`);
    } else shape = [h, w, c];
  }

  const n = data.numClasses;
  const names = data.classNames && data.classNames.length <= 12 ? ` (${data.classNames.join(', ')})` : '';
  const units = io.outputUnits;
  const act = io.outputActivation ?? 'linear';
  const layerName = io.outputLayer ? `output layer '${io.outputLayer}'` : 'output layer';
  if (units === null) {
    problems.push(`the model's output shape is unknown or not a vector (the ${layerName} must give one score per class, e.g. ${denseLiteral(n, 'softmax', io.dialect)})`);
  } else if (units === 1) {
    if (n !== 2) {
      problems.push(
        `The model's ${layerName} has 1 unit (a binary classifier) but ${label} have ${n} classes${names}: ` +
          `end the model with ${denseLiteral(n, 'softmax', io.dialect)} and use categorical_crossentropy`,
      );
    } else if (act === 'softmax') {
      problems.push(`The model's ${layerName} is a 1-unit softmax, which always outputs 1: use ${denseLiteral(1, 'sigmoid', io.dialect)} with binary_crossentropy, or ${denseLiteral(2, 'softmax', io.dialect)}`);
    }
  } else if (units !== n) {
    problems.push(
      `The model's ${layerName} has ${units} units but ${label} have ${n} classes${names}: ` +
        `change it to ${denseLiteral(n, act === 'linear' ? 'softmax' : act, io.dialect)}${n === 2 ? ` (or ${denseLiteral(1, 'sigmoid', io.dialect)} with binary_crossentropy)` : ''}`,
    );
  }
  if (problems.length > 0 || shape === undefined) throw new DataError(problems.join('; '));
  return shape;
}
