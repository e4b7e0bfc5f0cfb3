/**
 * Host side of the visualization worker (./vizWorker.ts): one method per request kind of
 * ./vizProtocol.ts. Used by the panels and the CLI (no vscode here).
 *
 *   const viz = new VizClient();
 *   const preview = await viz.augmentPreview(spec, { sample: { kind: 'synthetic', index: 0 }, count: 8, seed: 1 }, { signal });
 *   viz.dispose();                           // terminates the worker; pending requests reject
 *
 * The worker starts on the first request and keeps TF.js loaded for the next ones; a
 * crashed worker rejects what it had pending with one clear line and the next request
 * starts a fresh one. An idle worker keeps a Node process alive, so a CLI calls dispose().
 */
import type { BackendPreference } from '../engine/backend/select';
import type { ModelSpec } from '../model/spec';
import { WorkerClient } from '../worker/client';
import type { AugmentPreview, AugmentPreviewRequest } from './augmentPreview';
import type { GeneratorPreview, GeneratorPreviewRequest } from './generatorPreview';
import type { FilterPattern, FilterRequest, GradCamResult, InspectImage, InspectModelInfo, KernelImages, LayerActivations, Prediction } from './inspect/types';
import type { LatentOverview } from '../generative/overviewTypes';
import { latentClose, latentDecode, latentEncode, latentOpen, latentSamples } from './vizProtocol';
import { augmentPreview, generatorPreview, inspectActivations, inspectFilters, inspectClose, inspectGradCam, inspectKernels, inspectOpen, inspectPredict } from './vizProtocol';

export interface VizClientOptions {
  /** The worker script; default: core/worker/scriptPath.ts' lookup for 'vizWorker'. */
  workerPath?: string;
  /** TF.js backend in the worker; default 'cpu' (see vizProtocol.ts). */
  backend?: BackendPreference;
  /** Receives the worker's stdout/stderr lines (TF.js notices); default: dropped. */
  onOutput?: (line: string) => void;
}

export interface VizRequestOptions {
  /** Aborting it rejects the request at once and aborts the worker's handler (or keeps it from starting). */
  signal?: AbortSignal;
}

/**
 * How long a picture may take, queue included, before the request gives up: far above what
 * any preview needs (seconds), low enough that a hung worker becomes an error, not a spinner.
 */
const VIZ_TIMEOUT_MS = 120_000;

export class VizClient {
  private readonly worker: WorkerClient;

  constructor(private readonly options: VizClientOptions = {}) {
    this.worker = new WorkerClient({ name: 'vizWorker', label: 'visualization worker', scriptPath: options.workerPath, onOutput: options.onOutput, timeoutMs: VIZ_TIMEOUT_MS });
  }

  /** Resolves with the preview, or rejects with an Error whose message is one line (a DataError keeps its name). */
  augmentPreview(spec: ModelSpec, request: AugmentPreviewRequest, options: VizRequestOptions = {}): Promise<AugmentPreview> {
    return this.worker.request(augmentPreview, { spec, request, backend: this.options.backend }, options);
  }

  /** An ImageDataGenerator's draws on one sample, with their Keras parameters; rejects like augmentPreview. */
  generatorPreview(request: GeneratorPreviewRequest, options: VizRequestOptions = {}): Promise<GeneratorPreview> {
    return this.worker.request(generatorPreview, request, options);
  }

  /** Loads a trained model (a run folder or a model.json) in the worker, which keeps it for the requests below. */
  inspectOpen(source: string, options: VizRequestOptions = {}): Promise<InspectModelInfo> {
    return this.worker.request(inspectOpen, { source }, options);
  }

  predict(source: string, image: InspectImage, options: VizRequestOptions = {}): Promise<Prediction> {
    return this.worker.request(inspectPredict, { source, image }, options);
  }

  activations(source: string, image: InspectImage, layer: string, options: VizRequestOptions = {}): Promise<LayerActivations> {
    return this.worker.request(inspectActivations, { source, image, layer }, options);
  }

  gradCam(source: string, image: InspectImage, target: { classIndex?: number; layer?: string }, options: VizRequestOptions = {}): Promise<GradCamResult> {
    return this.worker.request(inspectGradCam, { source, image, ...target }, options);
  }

  /** Patterns arrive through onPattern as each finishes; aborting stops the gradient ascent. */
  filters(source: string, request: FilterRequest, options: VizRequestOptions & { onPattern?: (pattern: FilterPattern) => void } = {}): Promise<{ count: number }> {
    // The whole set may take minutes on a large model: the request waits as long as it runs (it can be stopped).
    return this.worker.request(inspectFilters, { source, request }, { signal: options.signal, onProgress: options.onPattern, timeoutMs: 0 });
  }

  kernels(source: string, options: VizRequestOptions = {}): Promise<KernelImages | null> {
    return this.worker.request(inspectKernels, { source }, options);
  }

  /** Frees the worker's copy of the model of `source`, when it is the one kept (a closed panel's). */
  async inspectClose(source: string): Promise<boolean> {
    return (await this.worker.request(inspectClose, { source })).closed;
  }

  /** Opens a VAE or GAN run in the worker (kept for the requests below): its history, manifold and scatter. */
  latentOpen(source: string, options: VizRequestOptions & { reload?: boolean } = {}): Promise<LatentOverview> {
    return this.worker.request(latentOpen, { source, reload: options.reload }, { signal: options.signal });
  }

  /** Latent points decoded to PNG data URLs. */
  async latentDecode(source: string, points: number[][], options: VizRequestOptions = {}): Promise<string[]> {
    return (await this.worker.request(latentDecode, { source, points }, options)).images;
  }

  /** `count` standard-normal points from `seed`, decoded. */
  latentSamples(source: string, count: number, seed: number, options: VizRequestOptions = {}): Promise<{ points: number[][]; images: string[] }> {
    return this.worker.request(latentSamples, { source, count, seed }, options);
  }

  /** A VAE's latent mean of one image. */
  latentEncode(source: string, image: InspectImage, options: VizRequestOptions = {}): Promise<{ z: number[]; label: string }> {
    return this.worker.request(latentEncode, { source, image }, options);
  }

  async latentClose(source: string): Promise<boolean> {
    return (await this.worker.request(latentClose, { source })).closed;
  }

  /** Terminates the worker; requests still pending reject, later ones reject at once. */
  dispose(): void {
    this.worker.dispose();
  }
}
