/**
 * Training settings, progress events and the final report: plain JSON, shared by the worker,
 * the host-side TrainingSession, the CLI and the extension.
 */
import type { BackendInfo, BackendPreference } from '../backend/select';
import type { DatasetKind, DatasetSpec, SkippedFile } from '../data/types';
import type { CompileSettings } from './compile';
import type { ConfigObject } from '../../model/spec';

export type Monitor = 'val_loss' | 'val_acc' | 'loss' | 'acc';

export interface EarlyStopping {
  /** Epochs without improvement before stopping. */
  patience: number;
  monitor: Monitor;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
}

/**
 * An ImageDataGenerator (Keras' legacy augmentation API) the code's fit() trains on: its
 * random transforms are applied to every training batch, then its rescale; validation and
 * test images get the rescale only (Keras' validation generators usually only rescale).
 */
export interface GeneratorAugmentation {
  /** The generator's variable ('datagen'), for messages. */
  name: string;
  /** Its options under Keras' names, as read from the code (augment/idg/random.ts reads them). */
  config: ConfigObject;
  /** What the run does differently from the code's fit() (another rescale for validation, ...), said once in the log. */
  notes?: string[];
  /** The iterator fit() trains on (flow_from_directory / flow): the image size and labels it gives. */
  flow?: FlowSettings;
  /** The iterator given as validation_data, when it is one. */
  validationFlow?: FlowSettings;
}

/**
 * What a Keras iterator (`datagen.flow_from_directory(...)`, `datagen.flow(...)`) gives fit(),
 * under Keras' names: flow_from_directory's images are loaded at target_size in color_mode,
 * labelled as class_mode says; both must agree with the model, as Keras requires.
 */
export interface FlowSettings {
  /** 'train_generator = datagen.flow_from_directory(...), line 22', for messages. */
  label: string;
  method: 'flow_from_directory' | 'flow';
  /** flow_from_directory's directory as written (when it is known). */
  directory?: string;
  targetSize?: [number, number];
  /** 'rgb', 'grayscale' or 'rgba'. */
  colorMode?: string;
  /** 'binary', 'categorical', 'sparse', 'input' or 'none'. */
  classMode?: string;
  batchSize?: number;
  /** The class folders, labelled in this order (Keras' classes=); absent: every subfolder, sorted. */
  classes?: string[] | { unknown: string };
  /** flow_from_directory's load_img resize filter; absent: Keras' default 'nearest'; an unknown one keeps its reason. */
  interpolation?: string | { unknown: string };
  /** 'training' / 'validation' (absent: all files); an unknown one keeps its reason. */
  subset?: string | { unknown: string };
  /** The generator's validation_split, which subset cuts by (absent: Keras' 0). */
  validationSplit?: number | { unknown: string };
  /** false: batches in file order (Keras' shuffle=False); absent: Keras' default, shuffled. */
  shuffle?: boolean;
  /** Walk symbolic links to subfolders (Keras' follow_links). */
  followLinks?: boolean;
  /** Crop the centre to the target's aspect ratio before resizing (Keras' keep_aspect_ratio); absent: no. */
  keepAspectRatio?: boolean | { unknown: string };
}

export interface TrainSettings {
  data: DatasetSpec;
  /** The last epoch to train (Keras' `epochs`; on resume, training continues up to it). */
  epochs: number;
  batchSize: number;
  /** Held-out fraction for folders without validation/ and synthetic data (MNIST: fixed 8,000/2,000). */
  validationSplit: number;
  earlyStopping?: EarlyStopping;
  /** Shuffles the training batches per epoch; seeds synthetic data and folder splits. */
  seed: number;
  backend: BackendPreference;
  /** On wasm, ConvLens' native (oneDNN) convolution kernels when built (default true). */
  nativeKernels?: boolean;
  /** Runs are written to `<outDir>/.convlens/runs/<ISO-time>-<model>/`. */
  outDir: string;
  /** Continue this run folder from its last checkpoint instead of starting a new one. */
  resume?: string;
  /**
   * Start from the trained weights of a saved model (.keras, .h5, TF.js model.json) instead of
   * random ones: fine-tuning. The learning rate is then a tenth of the compiled one by default.
   */
  initialWeights?: string;
  /** initialWeights come from the code's own `model.load_weights(...)`: its compile settings apply as written, not a tenth. */
  weightsFromCode?: boolean;
  /** Where keras.applications weight files are looked for (default: Keras' cache, ~/.keras/models). */
  weightsFolder?: string;
  /** Train an application whose pretrained file is missing from random weights (the user said so). */
  randomPretrained?: boolean;
  /** Misclassified examples saved as PNG after evaluation (default 16). */
  galleryCount?: number;
  /** Augment every training batch with this ImageDataGenerator (the code's fit() trains on it). */
  generator?: GeneratorAugmentation;
  /**
   * Training batches per epoch (Keras' steps_per_epoch), drawn from an endless stream of shuffled
   * passes over the training images that goes on from one epoch to the next, as Keras' iterators
   * do; absent: each epoch is one pass.
   */
  stepsPerEpoch?: number;
  /** Validation batches per epoch (Keras' validation_steps), from the validation images' own endless stream; absent: all of them. */
  validationSteps?: number;
  /** The size of those validation batches (the validation iterator's batch_size); absent: batchSize. */
  validationBatchSize?: number;
}

export const DEFAULT_SETTINGS: Omit<TrainSettings, 'data' | 'outDir'> = {
  epochs: 5,
  batchSize: 32,
  validationSplit: 0.2,
  seed: 1,
  backend: 'auto',
};

export interface EpochLogs {
  loss: number;
  acc: number;
  val_loss: number;
  val_acc: number;
}

export interface EpochRecord extends EpochLogs {
  epoch: number;
  seconds: number;
  /** Training images per second in this epoch (validation excluded). */
  imagesPerSec: number;
}

export interface MisclassifiedExample {
  /** Index in the evaluated split. */
  index: number;
  source?: string;
  label: number;
  labelName: string;
  predicted: number;
  predictedName: string;
  /** The predicted class' probability (or score). */
  confidence: number;
  /** PNG file, relative to the run folder. */
  file: string;
}

export interface Evaluation {
  split: 'test' | 'validation';
  count: number;
  loss: number;
  accuracy: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  /** Per class: correct / count (null for a class with no examples). */
  perClassAccuracy: (number | null)[];
  misclassified: MisclassifiedExample[];
}

export interface DatasetInfo {
  name: string;
  kind: DatasetKind;
  inputShape: [number, number, number];
  classNames: string[];
  train: number;
  validation: number;
  test?: number;
  skipped: SkippedFile[];
}

export interface TrainReport {
  status: 'completed' | 'early-stopped' | 'cancelled';
  runDir: string;
  model: string;
  backend: BackendInfo;
  dataset: DatasetInfo;
  /** What the loop did to the data before the model: pixel scale, augmentation per training batch. */
  input?: { pixelScale: number; augmentation: string[] };
  compile: CompileSettings;
  /** First epoch trained in this session (1, or the epoch after the checkpoint resumed). */
  startEpoch: number;
  epochsCompleted: number;
  history: EpochRecord[];
  /** Mean training throughput of this session's epochs, images/s. */
  imagesPerSec: number;
  evaluation?: Evaluation;
  /** tf.memory().numTensors after each epoch (flat when nothing leaks). */
  tensorsAfterEpoch: number[];
  /** Batches that finished after the cancel request arrived (0 or 1). */
  batchesAfterCancel?: number;
  seconds: number;
  files: { model: string; weights: string; history: string; settings: string; report: string; checkpoint?: string };
}

/** What a run reports as it goes (the worker's `train` progress), then one 'done' or 'error'. */
export type TrainEvent =
  | { type: 'log'; message: string }
  | { type: 'backend'; backend: BackendInfo }
  /** What the loop does to each batch before the model (see trainingInput.ts). */
  | { type: 'input'; input: { pixelScale: number; augmentation: string[] } }
  | { type: 'dataset'; dataset: DatasetInfo }
  | { type: 'run'; runDir: string; startEpoch: number }
  | { type: 'batch'; epoch: number; batch: number; batches: number; loss: number; acc: number; imagesPerSec: number }
  | { type: 'epoch'; epoch: number; epochs: number; logs: EpochLogs; seconds: number; imagesPerSec: number; numTensors: number }
  | { type: 'checkpoint'; epoch: number; path: string }
  | { type: 'done'; report: TrainReport }
  | { type: 'error'; message: string; kind: TrainErrorKind };

/** 'usage': the user can fix it (data, shapes, compile settings); 'internal': a bug or a crash. */
export type TrainErrorKind = 'usage' | 'internal';
