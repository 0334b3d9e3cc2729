/** CSV text meant to trip a splitter or a parser: quotes of every kind, line ends of every kind, in and out of quotes. */
export function trickyCsv(random: () => number, delimiter: string, records: number): string {
  const ends = ['\r\n', '\n', '\r'];
  const main = ends[Math.floor(random() * ends.length)] as string;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const fields = [
    () => 'Иванов',
    () => '',
    () => '8 (916) 123-45-67',
    () => `"в ""кавычках"" ${delimiter} и${pick(ends)}строка"`,
    () => 'ООО "Ромашка"',
    () => '"закрыта"и дальше',
    () => '"""',
    () => '""',
    () => `"${pick(ends)}"`,
    () => `text${pick(['\r', '\n'])}more`,
    () => '"a""b"',
    () => ` "пробел`,
    () => `"${delimiter}"`,
  ];
  let text = random() < 0.3 ? '\uFEFF' : '';
  for (let record = 0; record < records; record++) {
    const cells = Array.from({ length: 1 + Math.floor(random() * 5) }, () => (pick(fields) as () => string)());
    text += cells.join(delimiter) + (random() < 0.05 ? pick(ends) : main);
  }
  return random() < 0.3 ? text.replace(/(\r\n|\n|\r)$/, '') : text;
}

