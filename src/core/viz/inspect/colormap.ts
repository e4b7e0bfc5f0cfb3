/**
 * Colour maps as functions t ∈ [0, 1] → RGB bytes, for feature maps (viridis) and Grad-CAM
 * heatmaps (jet, as Chollet and keras.io draw them).
 */

type Rgb = [number, number, number];

/**
 * Viridis (Smith, van der Walt and Firing, 2015): perceptually uniform, readable in grey and by
 * colour-blind viewers. Every 5th entry (0, 5, …, 255) of the 256-entry table `_viridis_data`
 * published with the map (matplotlib `_cm_listed.py`; BIDS/colormap `colormaps.py`, CC0),
 * interpolated linearly: at most 0.0025 (0.6 of a byte) from the full table.
 */
const VIRIDIS: readonly Rgb[] = [
  [0.267004, 0.004874, 0.329415],
  [0.273809, 0.031497, 0.358853],
  [0.278791, 0.062145, 0.386592],
  [0.281924, 0.089666, 0.412415],
  [0.283197, 0.11568, 0.436115],
  [0.282623, 0.140926, 0.457517],
  [0.280255, 0.165693, 0.476498],
  [0.276194, 0.190074, 0.493001],
  [0.270595, 0.214069, 0.507052],
  [0.263663, 0.237631, 0.518762],
  [0.255645, 0.260703, 0.528312],
  [0.246811, 0.283237, 0.535941],
  [0.237441, 0.305202, 0.541921],
  [0.227802, 0.326594, 0.546532],
  [0.21813, 0.347432, 0.550038],
  [0.208623, 0.367752, 0.552675],
  [0.19943, 0.387607, 0.554642],
  [0.190631, 0.407061, 0.556089],
  [0.182256, 0.426184, 0.55712],
  [0.174274, 0.445044, 0.557792],
  [0.166617, 0.463708, 0.558119],
  [0.159194, 0.482237, 0.558073],
  [0.151918, 0.500685, 0.557587],
  [0.144759, 0.519093, 0.556572],
  [0.13777, 0.537492, 0.554906],
  [0.131172, 0.555899, 0.552459],
  [0.125394, 0.574318, 0.549086],
  [0.121148, 0.592739, 0.544641],
  [0.119423, 0.611141, 0.538982],
  [0.12138, 0.629492, 0.531973],
  [0.128087, 0.647749, 0.523491],
  [0.14021, 0.665859, 0.513427],
  [0.157851, 0.683765, 0.501686],
  [0.180653, 0.701402, 0.488189],
  [0.20803, 0.718701, 0.472873],
  [0.239374, 0.735588, 0.455688],
  [0.274149, 0.751988, 0.436601],
  [0.311925, 0.767822, 0.415586],
  [0.35236, 0.783011, 0.392636],
  [0.395174, 0.797475, 0.367757],
  [0.440137, 0.811138, 0.340967],
  [0.487026, 0.823929, 0.312321],
  [0.535621, 0.835785, 0.281908],
  [0.585678, 0.846661, 0.249897],
  [0.636902, 0.856542, 0.21662],
  [0.688944, 0.865448, 0.182725],
  [0.741388, 0.873449, 0.149561],
  [0.79376, 0.880678, 0.120005],
  [0.845561, 0.887322, 0.099702],
  [0.89632, 0.893616, 0.096335],
  [0.945636, 0.899815, 0.112838],
  [0.993248, 0.906157, 0.143936],
];

/** matplotlib's `_jet_data` (`_cm.py`): per channel, piecewise linear through (t, value) points. */
const JET: Record<'red' | 'green' | 'blue', readonly (readonly [number, number])[]> = {
  red: [
    [0, 0],
    [0.35, 0],
    [0.66, 1],
    [0.89, 1],
    [1, 0.5],
  ],
  green: [
    [0, 0],
    [0.125, 0],
    [0.375, 1],
    [0.64, 1],
    [0.91, 0],
    [1, 0],
  ],
  blue: [
    [0, 0.5],
    [0.11, 1],
    [0.34, 1],
    [0.65, 0],
    [1, 0],
  ],
};

function clamp01(t: number): number {
  return Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
}

function toByte(v: number): number {
  return Math.round(v * 255);
}

export function viridis(t: number): Rgb {
  const x = clamp01(t) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [toByte(a[0] + (b[0] - a[0]) * f), toByte(a[1] + (b[1] - a[1]) * f), toByte(a[2] + (b[2] - a[2]) * f)];
}

function segment(points: readonly (readonly [number, number])[], t: number): number {
  for (let i = 1; i < points.length; i++) {
    const [t1, v1] = points[i] as [number, number];
    if (t <= t1) {
      const [t0, v0] = points[i - 1] as [number, number];
      return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
    }
  }
  return (points.at(-1) as [number, number])[1];
}

export function jet(t: number): Rgb {
  const x = clamp01(t);
  return [toByte(segment(JET.red, x)), toByte(segment(JET.green, x)), toByte(segment(JET.blue, x))];
}

/** Values in [0, 1] (one per pixel) as interleaved RGB bytes through a colour map. */
export function colorize(values: ArrayLike<number>, map: (t: number) => Rgb): Uint8Array {
  const out = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) out.set(map(values[i]), i * 3);
  return out;
}
