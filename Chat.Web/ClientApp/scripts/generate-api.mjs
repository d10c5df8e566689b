import { writeFile } from 'node:fs/promises';
import { generateSchema, schemaUrl } from './apiSchema.mjs';

await writeFile(schemaUrl, await generateSchema());
console.log(`wrote ${schemaUrl.pathname}`);
