/**
 * Reading layer arguments the way Keras does (an int or a tuple for kernel sizes,
 * None meaning "use the default"), with errors that name the argument.
 */
import { isUnknown, type ConfigObject, type ConfigValue } from '../model/spec';

/** Thrown when an argument's value is not known statically: the layer's result becomes unknown. */
export class UnknownArgument extends Error {
  constructor(readonly key: string, reason: string) {
    super(`${key} is not known statically (${reason})`);
  }
}

/** Thrown when an argument has a value Keras would reject. */
export class InvalidArgument extends Error {
  constructor(readonly key: string, message: string) {
    super(message);
  }
}

export class Args {
  constructor(private readonly config: ConfigObject, private readonly className: string) {}

  /** The argument was given as None (not merely left out). */
  isNone(key: string): boolean {
    return this.config[key] === null;
  }

  has(key: string): boolean {
    const v = this.config[key];
    return v !== undefined && v !== null;
  }

  private raw(key: string): ConfigValue | undefined {
    const v = this.config[key];
    if (isUnknown(v)) throw new UnknownArgument(key, v.unknown);
    return v ?? undefined;
  }

  /** Raw access for rules with unusual argument forms (padding, cropping, target_shape). */
  value(key: string): ConfigValue | undefined {
    return this.raw(key);
  }

  int(key: string, fallback?: number): number {
    const v = this.raw(key);
    if (v === undefined) {
      if (fallback === undefined) throw new InvalidArgument(key, `${this.className} needs ${key}`);
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new InvalidArgument(key, `${this.className} ${key} must be an integer, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  number(key: string, fallback: number): number {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'number') throw new InvalidArgument(key, `${this.className} ${key} must be a number`);
    return v;
  }

  /** An int or a tuple of n ints (kernel_size=3 or (3, 3)), as Keras' `standardize_tuple`. */
  intTuple(key: string, n: number, fallback?: number[]): number[] {
    const v = this.raw(key);
    if (v === undefined) {
      if (fallback === undefined) throw new InvalidArgument(key, `${this.className} needs ${key}`);
      return fallback;
    }
    if (typeof v === 'number' && Number.isInteger(v)) return new Array<number>(n).fill(v);
    if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      return v as number[];
    }
    if (Array.isArray(v) && v.some(isUnknown)) throw new UnknownArgument(key, 'an element is unknown');
    throw new InvalidArgument(key, `${this.className} ${key} must be an integer or a tuple of ${n} integers, got ${JSON.stringify(v)}`);
  }

  string(key: string, fallback: string): string {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'string') throw new InvalidArgument(key, `${this.className} ${key} must be a string`);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new InvalidArgument(key, `${this.className} ${key} must be True or False`);
    return v;
  }

  /** 'valid' or 'same' (Keras accepts any case; TF.js also has 'causal' for 1D). */
  padding(): 'valid' | 'same' | 'causal' {
    const p = this.string('padding', 'valid').toLowerCase();
    if (p !== 'valid' && p !== 'same' && p !== 'causal') {
      throw new InvalidArgument('padding', `${this.className} padding must be "valid" or "same", got "${p}"`);
    }
    return p;
  }

  /** ConvLens computes channels_last, Keras' default; channels_first is reported, not guessed. */
  requireChannelsLast(): void {
    const f = this.string('data_format', 'channels_last');
    if (f !== 'channels_last' && f !== 'channelsLast') {
      throw new InvalidArgument('data_format', `${this.className} data_format "${f}" is not supported: ConvLens computes channels_last`);
    }
  }
}
