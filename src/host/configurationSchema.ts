/**
 * Every `convlens.*` setting with its type and default, as package.json declares them
 * (`contributes.configuration`). No vscode import, so a unit test can check this object
 * against the manifest: a setting added to one and not the other fails that test.
 */
import { BACKEND_ORDER, type BackendPreference } from '../core/engine/backend/select';

/** The values of `convlens.backend`, in the order the manifest lists them. */
export const BACKEND_CHOICES: readonly BackendPreference[] = ['auto', ...BACKEND_ORDER];

/** Keys are the setting names without the `convlens.` prefix. */
export interface ConvLensConfiguration {
  'codeLens.enabled': boolean;
  'inlineHints.enabled': boolean;
  'diagnostics.enabled': boolean;
  backend: BackendPreference;
  nativeKernels: boolean;
  /** Where keras.applications weight files are (empty: Keras' own cache, ~/.keras/models). */
  weightsFolder: string;
}

export type ConfigurationKey = keyof ConvLensConfiguration;

/** The keys whose value is on/off, which the toggle commands flip. */
export type SwitchKey = { [K in ConfigurationKey]: ConvLensConfiguration[K] extends boolean ? K : never }[ConfigurationKey];

export const CONFIGURATION_SECTION = 'convlens';

export const CONFIGURATION_DEFAULTS: Readonly<ConvLensConfiguration> = {
  'codeLens.enabled': true,
  'inlineHints.enabled': true,
  'diagnostics.enabled': true,
  backend: 'auto',
  nativeKernels: true,
  weightsFolder: '',
};
