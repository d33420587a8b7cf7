/** Foreign-format importers available to the headless host. */
import type { ImportFormat, Importer } from '../core/config/profile-import.ts';
import { importSersync } from '../core/config/sersync-import.ts';

export async function loadImporters(): Promise<Partial<Record<ImportFormat, Importer>>> {
  return { sersync: importSersync };
}
