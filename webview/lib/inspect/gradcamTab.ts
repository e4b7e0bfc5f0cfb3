/**
 * Class activation tab (Grad-CAM): where in the image the evidence for a class is, as the
 * last convolution layer sees it (or any conv layer), over the image and alone, with the
 * peak. The class is the predicted one unless the user picks another.
 */
import type { SampleRequest } from '../../../src/core/engine/data/catalog';
import type { GradCamResult, InspectModelInfo } from '../../../src/core/viz/inspect/types';
import { h } from '../dom';
import { figure, Latest, mapLayers, PICTURE_TIMEOUT_MS, select, type Feedback, type InspectHost } from './widgets';

const PREDICTED = 'predicted';

export class GradCamTab {
  readonly element: HTMLElement;
  private readonly classPicker = select('gradcam-class', 'Class', () => this.refresh());
  private readonly layerPicker = select('gradcam-layer', 'Layer', () => this.refresh());
  private readonly summary = h('p', { id: 'gradcam-summary', class: 'meta' });
  private readonly pictures = h('div', { id: 'gradcam-grid', class: 'grid gradcam', role: 'list', 'aria-label': 'Class activation heatmap' });
  private readonly latest = new Latest();
  private image?: SampleRequest;

  constructor(private readonly host: InspectHost, private readonly feedback: Feedback) {
    this.element = h('section', { class: 'tab-body' },
      h('div', { class: 'toolbar' }, this.classPicker.element, this.layerPicker.element),
      h('p', { class: 'muted meta' }, 'Grad-CAM: the layer\'s channels weighted by how much the class score rises with each, summed, negative parts dropped. Red is where the evidence is.'),
      this.summary, this.pictures);
  }

  setModel(info: InspectModelInfo): void {
    this.classPicker.setOptions([{ value: PREDICTED, label: 'the predicted class' }, ...info.classNames.map((c, i) => ({ value: String(i), label: `${i}: ${c}` }))], PREDICTED);
    const layers = mapLayers(info, ['conv', 'pool']);
    this.layerPicker.setOptions(layers, info.lastConvLayer ?? layers[layers.length - 1]?.value);
    this.pictures.replaceChildren();
    this.summary.textContent = layers.length === 0 ? 'This model has no convolution layer, so there is no class activation map.' : '';
  }

  show(image: SampleRequest): void {
    this.image = image;
    this.refresh();
  }

  private refresh(): void {
    const image = this.image;
    const layer = this.layerPicker.value;
    if (!image || !layer) return;
    const classIndex = this.classPicker.value === PREDICTED ? undefined : Number(this.classPicker.value);
    this.feedback.busy('Computing the class activation map…');
    this.latest.run((signal) => this.host.request('gradcam', { image, layer, classIndex }, { signal, timeoutMs: PICTURE_TIMEOUT_MS }), (r) => this.render(r), this.feedback);
  }

  private render(r: GradCamResult): void {
    const pct = (p: number): string => `${(p * 100).toFixed(1)}%`;
    const explained = r.target.index === r.predicted.index ? 'the predicted class' : `class ${r.target.label} (predicted: ${r.predicted.label}, ${pct(r.predicted.probability)})`;
    this.summary.textContent = `${r.target.label} (${pct(r.target.probability)}), ${explained}, seen by ${r.layer}; the heat peaks at x ${r.peak.x}, y ${r.peak.y}.`;
    this.pictures.replaceChildren(
      figure(r.overlayImage, 'over the image', { id: 'gradcam-overlay', tooltip: `Grad-CAM of ${r.target.label} over the image (opacity 0.4)` }),
      figure(r.heatmapImage, 'heatmap alone', { id: 'gradcam-heatmap', tooltip: `Grad-CAM of ${r.target.label}, jet colour map` }));
    this.feedback.idle();
  }
}
