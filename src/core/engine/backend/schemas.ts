/** The backend choice and what was chosen, as valibot schemas for requests to and events from workers. */
import * as v from 'valibot';
import type { NativeKernelsInfo } from './nativeKernels';
import { BACKEND_ORDER, type BackendInfo, type BackendPreference } from './select';

const BackendNameSchema = v.picklist(BACKEND_ORDER);
export const BackendPreferenceSchema: v.GenericSchema<BackendPreference> = v.picklist(['auto', ...BACKEND_ORDER]);

const NativeKernelsInfoSchema: v.GenericSchema<NativeKernelsInfo> = v.object({
  library: v.literal('oneDNN'),
  version: v.string(),
  threads: v.number(),
  kernels: v.array(v.string()),
  addonPath: v.string(),
});

export const BackendInfoSchema: v.GenericSchema<BackendInfo> = v.object({
  name: BackendNameSchema,
  tfBackend: v.string(),
  reason: v.optional(v.string()),
  tried: v.array(v.object({ name: BackendNameSchema, error: v.string() })),
  nativeKernels: v.optional(NativeKernelsInfoSchema),
  nativeKernelsUnavailable: v.optional(v.string()),
});
