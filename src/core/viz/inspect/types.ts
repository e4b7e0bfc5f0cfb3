/**
 * What inspecting a trained model answers: the model as loaded from a run folder (or a
 * TF.js model.json), one image as the model gets it with its prediction, the feature maps of
 * a layer, a Grad-CAM heatmap, and filter patterns. Plain JSON data: the visualization worker
 * sends it to the panel, the CLI writes it as its --json output.
 */
import type { SampleRequest } from '../../engine/data/catalog';

/** Which image to look at: an MNIST digit, a synthetic shape, or an image file (the run's image folder or any other). */
export type InspectImage = SampleRequest;

export interface InspectLayer {
  name: string;
  className: string;
  /** Output shape without the batch axis; null when it is not a single tensor. */
  shape: number[] | null;
  /** conv: a 4-D output from a convolution; pool: from pooling; other: anything else. */
  kind: 'conv' | 'pool' | 'other';
  /** The nested model (e.g. a frozen VGG16 base) this layer lives in, when it is not the outer model's own. */
  parent?: string;
  /** How its output shape arises, from the static analysis of the run's model (e.g. 'height, width: ⌊(28 − 3 + 2·0)/1⌋ + 1 = 26'). */
  formula?: string;
}

export interface InspectModelInfo {
  /** The run folder (or the model.json's folder). */
  source: string;
  modelName: string;
  /** The model's image input, height × width × channels. */
  input: { height: number; width: number; channels: number };
  /** 255 when the model gets 0–255 pixels (it rescales them itself), else 1 (pixels in [0, 1]). */
  pixelScale: number;
  /** One sentence each: what was done to an image before the model saw it ('resized to 28×28', 'greyscale', 'pixels 0–1'). */
  preprocessing: string[];
  classNames: string[];
  /** The dataset the run trained on ('mnist', 'synthetic', 'folder'), when known: the first image shown comes from it. */
  trainedOn?: string;
  /** The image folder the run trained on, when it did (the panel's file picker starts there). */
  dataFolder?: string;
  /** Every layer, nested models' layers included (after their parent), in the order the data flows. */
  layers: InspectLayer[];
  /** Grad-CAM's default: the last layer with a 4-D output of spatial size > 1, looking into nested models. Null without one. */
  lastConvLayer: string | null;
  /** The TF.js backend the worker runs on. */
  backend: string;
}

export interface ClassScore {
  index: number;
  label: string;
  probability: number;
}

export interface Prediction {
  /** The image as the model gets it, as a PNG data URL (enlarged to at least 112 px for display). */
  image: string;
  /** What the image is ('MNIST digit #7 (label 3)', 'photo.jpg'). */
  label: string;
  /** The top classes, most probable first (at most 5). */
  top: ClassScore[];
}

export interface ChannelMap {
  index: number;
  min: number;
  mean: number;
  max: number;
  /** All zero: the channel never fires on this image. */
  dead: boolean;
  /** The channel normalised on its own (Chollet: centre, scale, clip) in a perceptually uniform colour map (viridis), PNG data URL. */
  image: string;
}

export interface LayerActivations {
  layer: InspectLayer;
  /** Height, width, channels of the feature maps. */
  shape: [number, number, number];
  channels: ChannelMap[];
}

export interface GradCamResult {
  layer: string;
  predicted: ClassScore;
  /** The class the heatmap explains (the predicted one unless another was asked for). */
  target: ClassScore;
  /** The heatmap resized to the input image: rows of `width` numbers in [0, 1]. */
  heatmap: { width: number; height: number; values: number[][] };
  /** The heatmap's maximum, in input pixels. */
  peak: { x: number; y: number };
  /** PNG data URLs: the heatmap alone (jet colour map) and over the image (0.4 opacity, as Chollet). */
  heatmapImage: string;
  overlayImage: string;
}

export interface FilterPattern {
  index: number;
  /** The pattern at the model's input size, PNG data URL (or a file path on the command line). */
  image: string;
  /** Mean activation of the filter on the final image, and on the starting grey-plus-noise image. */
  activation: number;
  startActivation: number;
}

export interface FilterRequest {
  layer: string;
  /** Which filters (channels) of the layer. */
  filters: number[];
  /** Gradient-ascent steps (Chollet: 40). */
  steps: number;
  seed: number;
}

/** The first conv layer's kernels drawn directly, one small image per filter. */
export interface KernelImages {
  layer: string;
  /** Kernel height × width × input channels. */
  shape: [number, number, number];
  images: string[];
}

export type { SampleRequest };
