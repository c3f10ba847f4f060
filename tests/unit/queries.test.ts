/**
 * Statements whose parameters the services fill from lists kept elsewhere: the order of the list
 * and of the statement's columns must agree (pure: reads the SQL text).
 */
import { describe, expect, it } from 'vitest';
import { outcomeColumns } from '../../server/schemas/records.js';
import { insertOperation, getOperation } from '../../server/queries/operations.js';

describe('the operations statements', () => {
  it('insert the outcomes in the order of the schema\'s outcome fields ($6 onwards)', () => {
    const columns = /INSERT INTO operations \(([^)]*)\)/.exec(insertOperation)![1].split(',').map((c) => c.trim());
    expect(columns.slice(5, 5 + outcomeColumns.length)).toEqual(outcomeColumns);
    expect(columns).toHaveLength(14);
    expect(insertOperation.match(/\$\d+/g)).toHaveLength(14);
  });

  it('serve every outcome field', () => {
    for (const column of outcomeColumns) expect(getOperation).toContain(column);
  });
});
