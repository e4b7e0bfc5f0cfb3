/** The parts of jsfive (a pure-JavaScript, read-only HDF5 reader; public domain) that ConvLens uses. It ships no types. */
declare module 'jsfive' {
  export type Attribute = string | number | bigint | (string | number | bigint)[];
  export class Group {
    readonly name: string;
    readonly keys: string[];
    readonly attrs: Record<string, Attribute>;
    get(path: string): Group | Dataset | null;
  }
  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    /** '<f4', '<f8', '<i4', … (numpy-style). */
    readonly dtype: string | object;
    readonly attrs: Record<string, Attribute>;
    readonly value: ArrayLike<number>;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
}
