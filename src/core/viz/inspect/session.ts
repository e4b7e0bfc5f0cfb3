/**
 * One trained model opened for inspection: loaded once (a run folder or a model.json), then
 * asked for predictions, feature maps, Grad-CAM heatmaps, filter patterns and kernels, each
 * for an image of the dataset registry or a file. The visualization worker keeps one of these
 * per panel's model; tests and the command line use it in process.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { layerActivations } from './activations';
import { filterPatterns, firstConvKernels } from './filters';
import { gradCam } from './gradcam';
import { prepareImage } from './image';
import { loadInspectable } from './load';
import { predict } from './predict';
import type { FilterOptions } from './filters';
import type { FilterPattern, FilterRequest, GradCamResult, InspectImage, InspectModelInfo, KernelImages, LayerActivations, Prediction } from './types';

type Tf = typeof tfjs;

export class InspectSession {
  private constructor(private readonly tf: Tf, private readonly model: tfjs.LayersModel, readonly info: InspectModelInfo) {}

  /** Loads the model; a missing or unreadable run is a DataError. */
  static async open(tf: Tf, source: string, backend: string): Promise<InspectSession> {
    const { model, info } = await loadInspectable(tf, source, backend);
    return new InspectSession(tf, model, info);
  }

  async predict(image: InspectImage): Promise<Prediction> {
    const { x, label, display } = await prepareImage(this.tf, this.info, image);
    try {
      return { image: display, label, top: predict(this.tf, this.model, this.info, x) };
    } finally {
      x.dispose();
    }
  }

  async activations(image: InspectImage, layer: string): Promise<LayerActivations> {
    const { x } = await prepareImage(this.tf, this.info, image);
    try {
      return await layerActivations(this.tf, this.model, this.info, x, layer);
    } finally {
      x.dispose();
    }
  }

  async gradCam(image: InspectImage, options: { classIndex?: number; layer?: string }): Promise<GradCamResult> {
    const { x } = await prepareImage(this.tf, this.info, image);
    try {
      return await gradCam(this.tf, this.model, this.info, x, options);
    } finally {
      x.dispose();
    }
  }

  filters(request: FilterRequest, options: FilterOptions = {}): Promise<FilterPattern[]> {
    return filterPatterns(this.tf, this.model, this.info, request, options);
  }

  kernels(): Promise<KernelImages | undefined> {
    return firstConvKernels(this.tf, this.model, this.info);
  }

  dispose(): void {
    this.model.dispose();
  }
}
