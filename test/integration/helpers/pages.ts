/** The ConvLens pages as the integration tests drive them: through the test API of a test-mode activation. */
import * as assert from 'assert';
import type { ConvLensApi } from '../../../src/extension';
import type { PageDriver } from '../../../src/panels/framework/testDriver';

export interface Pages {
  summary: PageDriver;
  sideView: PageDriver;
  augment: PageDriver;
  inspect: PageDriver;
  latent: PageDriver;
  /** The editor of a saved model file (.keras, .h5, or model.json under Open With). */
  modelFile: (viewType?: string) => PageDriver;
  /** A model's training panel, or the one last shown or focused. */
  training: (modelKey?: string) => PageDriver;
}

export function pages(api: ConvLensApi): Pages {
  const test = api.editor.test;
  assert.ok(test, 'the extension was not activated in test mode (ExtensionMode.Test): the runner must pass extensionTestsPath');
  return {
    summary: test.page('convlens.summary'),
    sideView: test.page('convlens.modelView'),
    augment: test.page('convlens.augment'),
    inspect: test.page('convlens.inspect'),
    latent: test.page('convlens.latent'),
    modelFile: (viewType = 'convlens.modelFile') => test.page(viewType),
    training: (modelKey) => test.page('convlens.training', modelKey),
  };
}
