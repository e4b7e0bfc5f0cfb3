/**
 * The text of the quick fix "insert Flatten() before Dense", computed from the Dense line
 * alone (no vscode import, so it is unit-tested in plain mocha). It copies the user's own
 * spelling: `model.add(layers.Dense(64))` gets `model.add(layers.Flatten())` above it,
 * `x = layers.Dense(64)(x)` gets `x = layers.Flatten()(x)`, a list element gets a list element.
 */

interface Call {
  /** Start of the qualified callee (`layers.` in `layers.Dense(`). */
  qualifiedStart: number;
  nameStart: number;
  end: number;
  name: string;
}

/** The `Dense(...)` or `dense(...)` call in a line, with its balanced closing parenthesis. */
function findDenseCall(text: string): Call | undefined {
  for (const name of ['Dense', 'dense']) {
    let from = 0;
    for (;;) {
      const nameStart = text.indexOf(`${name}(`, from);
      if (nameStart < 0) break;
      from = nameStart + 1;
      if (nameStart > 0 && /[\w$]/.test(text[nameStart - 1])) continue; // part of a longer name
      let depth = 0;
      for (let i = nameStart + name.length; i < text.length; i++) {
        if (text[i] === '(') depth++;
        else if (text[i] === ')' && --depth === 0) {
          let qualifiedStart = nameStart;
          while (qualifiedStart > 0 && /[\w$.]/.test(text[qualifiedStart - 1])) qualifiedStart--;
          return { qualifiedStart, nameStart, end: i + 1, name };
        }
      }
    }
  }
  return undefined;
}

/**
 * The line to insert above the Dense line, or undefined when no safe edit exists
 * (multi-line calls, TF.js `.apply` into a const, bare `Dense` without `Flatten` imported).
 */
export function flattenLineFor(line: string, flattenImported: boolean): string | undefined {
  const call = findDenseCall(line);
  if (!call) return undefined;
  const qualifier = line.slice(call.qualifiedStart, call.nameStart);
  if (!qualifier && !flattenImported) return undefined;
  const flatten = `${qualifier}${call.name === 'Dense' ? 'Flatten' : 'flatten'}()`;
  const indent = /^\s*/.exec(line)![0];
  const rest = line.slice(call.end);
  // Functional Keras: `y = layers.Dense(64)(x)` -> `x = layers.Flatten()(x)`, so Dense then sees the flattened x.
  const applied = /^\((\w+)\)/.exec(rest);
  if (applied) return `${indent}${applied[1]} = ${flatten}(${applied[1]})`;
  if (/^\s*\.apply\(/.test(rest)) return undefined;
  return line.slice(0, call.qualifiedStart) + flatten + rest;
}
