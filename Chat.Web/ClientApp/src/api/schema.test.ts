import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the build's scripts, without type declarations
import { generateSchema, schemaUrl } from '../../scripts/apiSchema.mjs';

describe("the client's contract types", () => {
  it('are the ones the API\'s OpenAPI document gives (run npm run generate:api after changing a contract)', async () => {
    const generated: string = await generateSchema();
    expect(generated).toContain('"/api/conversations/{peerId}/messages"');
    expect(await readFile(schemaUrl, 'utf8')).toBe(generated);
  }, 30_000);
});
