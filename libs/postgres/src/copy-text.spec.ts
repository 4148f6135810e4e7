import { CopyBuffer, CopyColumns, copyValue } from './copy-text';

describe('CopyBuffer', () => {
  const columns = new CopyColumns({ id: 'int4', name: 'text', tags: '_text', doc: 'jsonb', ok: 'bool', at: 'timestamptz' });
  const line = (row: Record<string, unknown>) => {
    const lines = new CopyBuffer(8);
    lines.addRow(row, columns);
    return lines.take().toString('utf8');
  };

  it('writes each field as copyValue formats it for its column, tab-separated, one line per row', () => {
    const row = { id: 7, name: 'plain', tags: ['a', 'b"c', null], doc: { k: 'line\nbreak' }, ok: false, at: new Date('2025-03-18T10:00:00.123Z') };
    expect(line(row)).toBe('7\tplain\t{"a","b\\\\"c",NULL}\t{"k":"line\\\\nbreak"}\tf\t2025-03-18T10:00:00.123Z\n');
  });

  it('writes NULL for null and missing values', () => {
    expect(line({ id: 1, name: null })).toBe('1\t\\N\t\\N\t\\N\t\\N\t\\N\n');
  });

  it.each([
    ['short ASCII', 'Kyiv'],
    ['short with a tab', 'a\tb'],
    ['short with a backslash, a newline and a carriage return', 'a\\b\nc\rd'],
    ['short in another script', 'Зеленський'],
    ['short with an emoji', 'dove 🕊️'],
    ['long ASCII', 'x'.repeat(500)],
    ['long with escapes', `${'y'.repeat(100)}\t\\\n${'z'.repeat(100)}`],
    ['long in another script', 'Зеленський — '.repeat(40)],
  ])('escapes and encodes text as copyValue does: %s', (_, text) => {
    expect(line({ id: 1, name: text })).toBe(`1\t${copyValue(text, 'text')}\t\\N\t\\N\t\\N\t\\N\n`);
  });

  it.each<[string, unknown[]]>([
    ['empty', []],
    ['plain ids', ['actor-1', 'state.ua', 'x']],
    ['nulls among them', [null, 'a', undefined, 'b']],
    ['an empty string and spaces', ['', 'a b', ' , ']],
    ['a quote', ['a', 'say "no"']],
    ['a backslash', ['a\\b']],
    ['a tab and a newline', ['a\tb', 'c\nd']],
    ['another script', ['Київ', 'a']],
    ['a long element', ['a', 'x'.repeat(100)]],
    ['numbers', [1, 2.5]],
    ['a string then a number', ['a', 3]],
  ])('writes an array field as copyValue does: %s', (_, tags) => {
    expect(line({ id: 1, tags })).toBe(`1\t\\N\t${copyValue(tags, '_text')}\t\\N\t\\N\t\\N\n`);
  });

  it('undoes a partly written array and goes on in the same buffer', () => {
    const lines = new CopyBuffer(4);
    const two = new CopyColumns({ tags: '_text', name: 'text' });
    lines.addRow({ tags: ['plain', 'then "quoted"'], name: 'a' }, two);
    lines.addRow({ tags: ['plain'], name: 'b' }, two);
    expect(lines.take().toString('utf8')).toBe(`${copyValue(['plain', 'then "quoted"'], '_text')}\ta\n{"plain"}\tb\n`);
  });

  it('grows past its first size and starts afresh after take', () => {
    const lines = new CopyBuffer(4);
    const two = new CopyColumns({ id: 'int4', name: 'text' });
    for (let i = 0; i < 100; i++) lines.addRow({ id: i, name: `row ${i} ${'é'.repeat(i % 7)}` }, two);
    expect(lines.lines).toBe(100);
    const first = lines.take().toString('utf8').split('\n');
    expect(first).toHaveLength(101);
    expect(first[99]).toBe(`99\trow 99 ${'é'.repeat(1)}`);
    expect(lines.lines).toBe(0);
    lines.addRow({ id: 1, name: 'again' }, two);
    expect(lines.take().toString('utf8')).toBe('1\tagain\n');
  });
});
