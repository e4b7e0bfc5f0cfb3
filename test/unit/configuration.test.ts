/** The typed configuration object matches the settings package.json declares: names, defaults, types, choices. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { BACKEND_CHOICES, CONFIGURATION_DEFAULTS, CONFIGURATION_SECTION } from '../../src/host/configurationSchema';

const ROOT = path.resolve(__dirname, '../..');

interface DeclaredSetting {
  type: string;
  default: unknown;
  enum?: unknown[];
}

/** The settings package.json declares, keyed without the `convlens.` prefix. */
function declaredSettings(): Record<string, DeclaredSetting> {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, DeclaredSetting> } } };
  const out: Record<string, DeclaredSetting> = {};
  for (const [name, setting] of Object.entries(manifest.contributes.configuration.properties)) {
    assert.ok(name.startsWith(`${CONFIGURATION_SECTION}.`), `${name} is outside the ${CONFIGURATION_SECTION} section`);
    out[name.slice(CONFIGURATION_SECTION.length + 1)] = setting;
  }
  return out;
}

describe('configuration object', () => {
  const declared = declaredSettings();

  it('has exactly the settings package.json declares', () => {
    assert.deepStrictEqual(Object.keys(CONFIGURATION_DEFAULTS).sort(), Object.keys(declared).sort());
  });

  it('has the defaults and value types package.json declares', () => {
    for (const [key, setting] of Object.entries(declared)) {
      const value = CONFIGURATION_DEFAULTS[key as keyof typeof CONFIGURATION_DEFAULTS];
      assert.deepStrictEqual(value, setting.default, `default of ${key}`);
      assert.strictEqual(typeof value, setting.type, `type of ${key}`);
    }
  });

  it('offers the backends package.json lists', () => {
    assert.deepStrictEqual([...BACKEND_CHOICES], declared.backend.enum);
  });
});
