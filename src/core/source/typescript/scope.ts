/**
 * Scopes, interpreter-owned function values and the hard limits of the TypeScript/JavaScript
 * interpreter. The limits exist because ConvLens reads arbitrary user files in the editor:
 * whatever the input, reading must finish quickly and never throw.
 */
import type * as ts from 'typescript';
import { unknown, type Value } from '../values';

export const LIMITS = {
  /** Expressions and statements evaluated in one file, in total. */
  steps: 200_000,
  /** Iterations of any single loop. */
  loopIterations: 10_000,
  /** Nested calls of user functions (recursion). */
  callDepth: 50,
  /** Syntactic nesting the evaluator follows before giving up (protects the JS stack). */
  nesting: 800,
  /** Items in one array; bigger arrays become unknown values. */
  arrayLength: 100_000,
  /** Characters in one string; longer strings become unknown values. */
  stringLength: 100_000,
};

/** Thrown when the step budget is spent; caught once, at the top of the interpreter. */
export class StopEvaluation extends Error {}

/** The function-like declarations a user function value can come from. */
export type FunctionNode = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

/** A function written in the file: interpreted (not run) each time it is called. */
export interface UserFunction {
  type: 'user';
  node: FunctionNode;
  /** The scope the function was created in: closures see its later changes, as in JS. */
  closure: Scope;
  called: boolean;
}

/** What a builtin (Math.floor, arr.map, require) may ask of the interpreter. */
export interface BuiltinContext {
  /** Calls any callable value (user function, builtin or library value). */
  call(fn: Value, args: Value[]): Value;
  /** Makes a list, or an unknown value when it would exceed LIMITS.arrayLength. */
  list(items: Value[]): Value;
  warn(message: string): void;
}

export interface BuiltinFunction {
  type: 'builtin';
  call(args: Value[], ctx: BuiltinContext): Value;
}

export type FunctionImpl = UserFunction | BuiltinFunction;

export function functionValue(name: string, impl: FunctionImpl): Value {
  return { kind: 'function', name, impl };
}

export function builtin(name: string, call: BuiltinFunction['call']): Value {
  return functionValue(name, { type: 'builtin', call });
}

/** The interpreter's own function object behind a 'function' value (values.ts keeps it opaque). */
export function implOf(v: Value): FunctionImpl | undefined {
  if (v.kind !== 'function') return undefined;
  const impl = v.impl as Partial<FunctionImpl> | null;
  if (typeof impl !== 'object' || impl === null) return undefined;
  return impl.type === 'user' || impl.type === 'builtin' ? (impl as FunctionImpl) : undefined;
}

/**
 * A lexical scope. Blocks get their own scope (let/const); `var` goes to the nearest
 * function scope. Lookups walk up to the global scope holding Math, console, require, ...
 */
export class Scope {
  private readonly vars = new Map<string, Value>();

  constructor(readonly parent: Scope | undefined, readonly isFunction: boolean) {}

  lookup(name: string): Value | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }

  declare(name: string, value: Value): void {
    this.vars.set(name, value);
  }

  /** Assigns to the nearest scope declaring `name`; an undeclared name becomes a module global, like sloppy JS. */
  assign(name: string, value: Value): void {
    (this.declaring(name) ?? this.moduleScope()).vars.set(name, value);
  }

  functionScope(): Scope {
    return this.isFunction || !this.parent ? this : this.parent.functionScope();
  }

  /** The nearest scope, from this one outwards, that declares `name`. */
  private declaring(name: string): Scope | undefined {
    return this.vars.has(name) ? this : this.parent?.declaring(name);
  }

  /** The scope just below the globals: where sloppy assignments land. */
  private moduleScope(): Scope {
    return this.parent?.parent ? this.parent.moduleScope() : this;
  }
}

/** A list, or an unknown value when `items` is longer than the cap (runaway spreads and pushes). */
export function cappedList(items: Value[], warn: (message: string) => void): Value {
  if (items.length > LIMITS.arrayLength) {
    warn(`evaluation stopped: array longer than ${LIMITS.arrayLength} items`);
    return unknown(`an array longer than ${LIMITS.arrayLength} items`);
  }
  return { kind: 'list', items, tuple: false };
}
