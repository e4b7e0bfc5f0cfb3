/**
 * HDF5 files read with jsfive (pure JavaScript, read-only; Keras' default output, contiguous
 * uncompressed datasets and string attributes, is within its reach), behind a few helpers
 * that speak Keras: NUL-padded fixed-length strings, attribute lists split into `name0`,
 * `name1`, … past 64 KB, and one-line errors for a file that is not HDF5 at all.
 */
import * as hdf5 from 'jsfive';
import { ModelConfigError } from './configToSpec';

export type H5Group = hdf5.Group;
export type H5Dataset = hdf5.Dataset;

export function openHdf5(bytes: Uint8Array, fileName: string): hdf5.File {
  // HDF5's signature: \x89HDF\r\n\x1a\n at offset 0 (Keras never writes a user block).
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || signature.some((b, i) => bytes[i] !== b)) throw new ModelConfigError(`${fileName} is not an HDF5 file (a Keras .h5 starts with the HDF5 signature)`);
  try {
    return new hdf5.File(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, fileName);
  } catch (e) {
    throw new ModelConfigError(`${fileName} could not be read as HDF5: ${String(e instanceof Error ? e.message : e).split('\n')[0]}`);
  }
}

/** Fixed-length HDF5 strings come back padded with NULs. */
export function cleanString(v: unknown): string {
  return String(v).replace(/\0+$/, '');
}

/** A string attribute, or undefined. */
export function stringAttr(obj: { attrs: Record<string, unknown> }, name: string): string | undefined {
  const v = obj.attrs[name];
  return v === undefined ? undefined : cleanString(Array.isArray(v) ? v[0] : v);
}

/** A list-of-strings attribute, joined back from Keras' `name0`, `name1`, … chunks when it was split. */
export function stringListAttr(obj: { attrs: Record<string, unknown> }, name: string): string[] {
  const whole = obj.attrs[name];
  if (whole !== undefined) return (Array.isArray(whole) ? whole : [whole]).map(cleanString);
  const parts: string[] = [];
  for (let i = 0; obj.attrs[`${name}${i}`] !== undefined; i++) {
    const chunk = obj.attrs[`${name}${i}`];
    parts.push(...(Array.isArray(chunk) ? chunk : [chunk]).map(cleanString));
  }
  return parts;
}

export function isGroup(v: unknown): v is H5Group {
  return v instanceof hdf5.Group;
}

export function isDataset(v: unknown): v is H5Dataset {
  return v instanceof hdf5.Dataset;
}

/** numpy's dtype string as Keras' weight dtype name ('<f4' → 'float32'). */
export function dtypeName(dtype: unknown): string {
  const map: Record<string, string> = { '<f4': 'float32', '<f8': 'float64', '<f2': 'float16', '<i4': 'int32', '<i8': 'int64', '|u1': 'uint8', '|b1': 'bool' };
  return typeof dtype === 'string' ? map[dtype] ?? dtype : 'unknown';
}

/** `group.get(path)`, or null when the path is absent (jsfive throws a bare string for that). */
export function child(group: H5Group, path: string): H5Group | H5Dataset | null {
  try {
    return group.get(path);
  } catch {
    return null;
  }
}
