/**
 * `import` statements become library references: every spelling of Keras is passed
 * through canonicalPath, so `from tensorflow.keras import layers` and `import keras`
 * lead to the same runtime calls. Imports of other modules bind references too; the
 * runtime answers unknown values for them.
 */
import { MERGE_FUNCTIONS, allLayerClasses } from '../../model/catalog';
import { canonicalPath } from '../runtime';
import { unknown, type Value } from '../values';
import { children, type SyntaxNode } from './syntax';

export interface Binding {
  name: string;
  value: Value;
}

function ref(path: string): Value {
  return { kind: 'ref', path: canonicalPath(path) };
}

/** Names `from M import *` provides for the Keras modules ConvLens knows. */
function starNames(module: string): string[] {
  switch (module) {
    case 'keras.layers': {
      const names = ['Input', 'Layer', ...Object.keys(MERGE_FUNCTIONS)];
      for (const info of allLayerClasses()) {
        names.push(info.className);
        // Keras aliases start with a capital (MaxPool2D); lowercase ones are TF.js factory names.
        for (const alias of info.aliases) if (alias[0] >= 'A' && alias[0] <= 'Z') names.push(alias);
      }
      return names;
    }
    case 'keras.models': return ['Sequential', 'Model'];
    case 'keras': return ['layers', 'models', 'optimizers', 'losses', 'metrics', 'callbacks', 'applications', 'Input', 'Sequential', 'Model'];
    default: return [];
  }
}

/** The bindings an ImportStatement makes, in order. */
export function importBindings(node: SyntaxNode, text: string): Binding[] {
  const parts = children(node);
  const word = (n: SyntaxNode): string => text.slice(n.from, n.to);
  const out: Binding[] = [];
  if (parts[0]?.name === 'from') {
    // from [.]* a.b.c import (x [as y], ...) | *
    let i = 1;
    let relative = false;
    const path: string[] = [];
    for (; i < parts.length && parts[i].name !== 'import'; i++) {
      if (parts[i].name === 'VariableName') path.push(word(parts[i]));
      else if (parts[i].name === '.' || parts[i].name === 'Ellipsis') { if (path.length === 0) relative = true; }
    }
    const module = path.join('.');
    for (i++; i < parts.length; i++) {
      const p = parts[i];
      if (p.name === '*') {
        if (!relative) for (const name of starNames(canonicalPath(module))) out.push({ name, value: ref(`${module}.${name}`) });
      } else if (p.name === 'VariableName') {
        const name = word(p);
        let local = name;
        if (parts[i + 1]?.name === 'as' && parts[i + 2]?.name === 'VariableName') {
          local = word(parts[i + 2]);
          i += 2;
        }
        out.push({
          name: local,
          value: relative ? unknown(`${name} is imported from another file, which ConvLens does not read`) : ref(`${module}.${name}`),
        });
      }
    }
    return out;
  }
  // import a.b.c [as d], e
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].name !== 'VariableName') continue;
    const path = [word(parts[i])];
    while (parts[i + 1]?.name === '.' && parts[i + 2]?.name === 'VariableName') {
      path.push(word(parts[i + 2]));
      i += 2;
    }
    if (parts[i + 1]?.name === 'as' && parts[i + 2]?.name === 'VariableName') {
      out.push({ name: word(parts[i + 2]), value: ref(path.join('.')) });
      i += 2;
    } else {
      // `import tensorflow.keras` binds `tensorflow`, the top-level package.
      out.push({ name: path[0], value: ref(path[0]) });
    }
  }
  return out;
}
