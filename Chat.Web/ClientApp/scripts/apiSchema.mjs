// The client's REST and hub types, generated from the API's own OpenAPI document (written by the
// API's build into Chat.Api/openapi/chat-api.json). `npm run generate:api` writes src/api/schema.d.ts;
// src/api/schema.test.ts fails when the committed file is not what the document gives.
import { readFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';

export const documentUrl = new URL('../../../Chat.Api/openapi/chat-api.json', import.meta.url);
export const schemaUrl = new URL('../src/api/schema.d.ts', import.meta.url);

const header = `/**
 * Generated from Chat.Api/openapi/chat-api.json by openapi-typescript (npm run generate:api).
 * Do not edit: change the API's contracts, build it, and generate again.
 */

`;

export async function generateSchema() {
  const document = JSON.parse(await readFile(documentUrl, 'utf8'));
  return header + astToString(await openapiTS(document));
}
