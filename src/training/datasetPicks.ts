/**
 * The training quick pick's data set items, from the data set catalog: one per data set (a
 * folder item opens a folder dialog instead of carrying a value), plus the folder used last
 * time, so Enter trains on it again. No vscode import, so it is unit-tested in plain mocha.
 */
import * as path from 'path';
import { DATASETS, isNamedDatasetId } from '../core/engine/data/catalog';

export interface DatasetPickItem {
  label: string;
  description: string;
  /** The `--data` value it stands for; absent: ask for a folder. */
  data?: string;
}

/** `lastLabel`: how the offered folder is introduced ('Last folder', or the code's flow_from_directory folder). */
export function datasetPickItems(last: string, lastLabel = 'Last folder'): DatasetPickItem[] {
  const items: DatasetPickItem[] = DATASETS.map((d) => ('path' in d ? { label: d.label, description: d.description } : { label: d.label, description: d.description, data: d.id }));
  if (!isNamedDatasetId(last)) {
    const askForFolder = items.findIndex((i) => i.data === undefined);
    items.splice(askForFolder, 0, { label: `${lastLabel}: ${path.basename(last)}`, description: last, data: last });
  }
  return items;
}
