/**
 * A contact file in the headers of mappings/samples-excel-ru.json with rows of every outcome over
 * many 64 KB pieces, for tests that compare a run on worker threads with one on one thread.
 */
const HEADER = ['Фамилия', 'Имя', 'Отчество', 'Телефон', 'E-mail', 'Дата рождения', 'Группа', 'Комментарий'];
const PHONES = ['8 (916) 123-45-67', '+7 701 234 56 78', '9161234567', '12345', '8 812 555-12-34', '+44 20 7946 0958', 'звонить', '79161234567, 8 495 123 45 67', ''];
const DATES = ['01.02.1990', '1985-12-31', '31.02.1990', '', '2/3/77', '44000'];

/**
 * Rows of every outcome: repeated phones, ragged rows, cells with quotes, delimiters and line
 * breaks of every kind (also unquoted), blank lines, stray quotes (and a field quoted only in part), formula triggers.
 */
export function contacts(rows: number, lineEnd = '\r\n'): string {
  const lines = [HEADER.join(';')];
  for (let i = 0; i < rows; i++) {
    const phone = i % 97 === 0 ? PHONES[0] : (PHONES[i % PHONES.length] ?? '').replace('123', String(100 + (i % 900)));
    const comment =
      i % 251 === 0 ? '"две\r\nстроки; и ""кавычки"""'
      : i % 257 === 0 ? '"одна\nи\rещё"'
      : i % 263 === 0 ? 'ООО "Ромашка"'
      // Unquoted: a line break that is not the file's line end is text, and still a line of the editor's.
      : i % 269 === 0 ? `без${['\n', '\r'].filter((lineBreak) => lineBreak !== lineEnd).join('кавычек')}и так`
      // A quote closed before the field ends: a piece with one is csv-parse's, after the fast path gave up on it mid-piece.
      // Rare (a piece holds ~1,000 rows): the other pieces are the fast path's.
      : i % 4001 === 0 ? '"Рома"шка'
      : i % 7 === 0 ? '=1+1'
      : '';
    const cells = [`Фам${i % 13}`, ` Имя  ${i % 5} `, i % 11 === 0 ? '"Отч;ество"' : '', phone, i % 3 === 0 ? ` U${i}@Example.COM ` : 'bad@', DATES[i % DATES.length], i % 4 === 0 ? 'VIP; Клиенты' : '', comment];
    lines.push(i % 499 === 0 ? `${cells.join(';')};лишняя` : cells.join(';'));
    if (i % 1009 === 0) lines.push('');
  }
  return `${lines.join(lineEnd)}${lineEnd}`;
}
