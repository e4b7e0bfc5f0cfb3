/** Training: settings, the worker-hosting session, the in-process loop, checkpoints and model files. */
export * from './types';
export { TrainingSession, type TrainingSessionOptions } from './session';
export { TrainingError } from './errors';
export { TrainControl, runTraining, type RunHooks } from './loop';
export { resolveCompile, CompileError, type CompileSettings } from './compile';
export { loadCheckpoint, hasCheckpoint, readCheckpointState, checkpointPath } from './checkpoint';
export { loadModelFile, writeModelFiles } from './modelFiles';
export { createRunDir, runsRoot } from './runDir';
