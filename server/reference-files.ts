/** Where the shipped reference files live (db/reference): read by the loader and the scenario. */
import { fileURLToPath } from 'node:url';

export const referenceDirectory = fileURLToPath(new URL('../db/reference', import.meta.url));
