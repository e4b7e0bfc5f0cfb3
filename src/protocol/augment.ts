/**
 * The augmentation preview panel's protocol: the host sends what the model's augmentation
 * layers do to one image (as PNG data URLs computed in a worker), the panel asks for another
 * draw, another image or an image file. Plain JSON only, checked with guards on arrival, as
 * in messages.ts and training.ts.
 */

import { isObject, isStr, isStrings } from './guards';

export type SampleSource = 'synthetic' | 'mnist' | 'file';

export interface AugmentView {
  model: string;
  /** The model's document (a URI string): persisted, so the panel comes back after a reload. */
  uri: string;
  fileName: string;
  /** One sentence per augmentation layer, in order ('random_flip: mirrors left-right …'). */
  steps: string[];
  /** Layers that cannot be previewed (and train as identities), and other remarks. */
  notes: string[];
  /** The model's input, H×W×C. */
  inputShape: [number, number, number];
  /** 255 when the model takes 0–255 pixels (it rescales them itself). */
  pixelScale: number;
  sample: { source: SampleSource; label: string };
  /** data:image/png URLs: the image as the model gets it, then one per random draw. */
  original: string;
  augmented: string[];
  seed: number;
}

/** What the webview keeps with setState for the serializer. */
export interface AugmentState {
  uri: string;
  model: string;
  seed: number;
}

export type AugmentHostMessage =
  | { type: 'preview'; view: AugmentView }
  | { type: 'busy'; what: string }
  | { type: 'error'; message: string };

export type AugmentWebviewMessage =
  | { type: 'ready' }
  /** New random draws for the same image. */
  | { type: 'shuffle' }
  /** The next image of a source ('file' opens a file picker). */
  | { type: 'sample'; source: SampleSource }
  | { type: 'reveal' };

const isSource = (v: unknown): v is SampleSource => v === 'synthetic' || v === 'mnist' || v === 'file';
/** Only PNG data URLs reach an <img>: nothing else the host could send becomes a request. */
const isPngUrl = (v: unknown): v is string => isStr(v) && v.startsWith('data:image/png;base64,');

export function isAugmentView(v: unknown): v is AugmentView {
  return isObject(v) && isStr(v.model) && isStr(v.uri) && isStr(v.fileName) && isStrings(v.steps) && isStrings(v.notes)
    && Array.isArray(v.inputShape) && v.inputShape.length === 3 && v.inputShape.every((n) => Number.isInteger(n) && (n as number) > 0)
    && typeof v.pixelScale === 'number' && isObject(v.sample) && isSource(v.sample.source) && isStr(v.sample.label)
    && isPngUrl(v.original) && Array.isArray(v.augmented) && v.augmented.every(isPngUrl) && typeof v.seed === 'number';
}

export function isAugmentHostMessage(v: unknown): v is AugmentHostMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'preview': return isAugmentView(v.view);
    case 'busy': return isStr(v.what);
    case 'error': return isStr(v.message);
    default: return false;
  }
}

export function isAugmentWebviewMessage(v: unknown): v is AugmentWebviewMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'shuffle':
    case 'reveal':
      return true;
    case 'sample': return isSource(v.source);
    default: return false;
  }
}

export function isAugmentState(v: unknown): v is AugmentState {
  return isObject(v) && isStr(v.uri) && isStr(v.model) && Number.isInteger(v.seed);
}
