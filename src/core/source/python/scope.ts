/**
 * Variable scopes and user-defined functions. Python scoping is lexical: a function
 * sees the scope it was defined in (its closure), and `global x` makes assignments to x
 * go to the module scope.
 */
import type { Value } from '../values';
import type { SyntaxNode } from './syntax';

export class Scope {
  readonly vars = new Map<string, Value>();
  /** Names declared `global` in this (function) scope. */
  readonly globals = new Set<string>();

  constructor(readonly parent?: Scope) {}

  get isModule(): boolean {
    return this.parent === undefined;
  }

  get module(): Scope {
    return this.parent ? this.parent.module : this;
  }

  lookup(name: string): Value | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }

  /** The scope an assignment to `name` writes to. */
  target(name: string): Scope {
    return this.globals.has(name) ? this.module : this;
  }
}

export interface Param {
  name: string;
  /** 'star' collects extra positional arguments (*args), 'kwargs' extra keywords (**kwargs). */
  kind: 'positional' | 'keywordOnly' | 'star' | 'kwargs';
  /** Evaluated once, where the function is defined, as Python does. */
  default?: Value;
}

/** The `impl` of a `def` or `lambda` function value. */
export class UserFunction {
  constructor(
    readonly name: string,
    readonly params: Param[],
    /** A Body node for `def`, the expression for `lambda`. */
    readonly body: SyntaxNode,
    readonly isLambda: boolean,
    readonly closure: Scope,
  ) {}
}

/**
 * A user's keras.layers.Layer subclass: calling it makes a layer (runtime.customLayer), read
 * per instance because its weights may follow the constructor's arguments (customClass.ts).
 */
/** `class GAN(keras.Model)`: calling it gives a TrainerObject (values.ts); its methods are not read. */
export class ModelSubclass {
  constructor(readonly name: string) {}
}

export class CustomLayerClass {
  constructor(readonly name: string, readonly node: SyntaxNode, readonly moduleValue: (name: string) => Value | undefined) {}
}
