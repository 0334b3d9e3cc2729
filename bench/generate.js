// Generates realistic contact files for the benchmarks: Russian Excel CSV (windows-1251, `;`, CRLF)
// with mixed phone/date formats, some invalid values and ~1% duplicate phones, and the same as XLSX.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';

export const HEADERS = ['Фамилия', 'Имя', 'Отчество', 'Телефон', 'E-mail', 'Дата рождения', 'Группа', 'Комментарий'];

const SURNAMES = ['Иванов', 'Петров', 'Сидоров', 'Смирнов', 'Кузнецов', 'Попов', 'Соколов', 'Лебедев', 'Козлов', 'Новиков'];
const NAMES = ['Иван', 'Пётр', 'Анна', 'Мария', 'Олег', 'Елена', 'Сергей', 'Ольга', 'Дмитрий', 'Татьяна'];
const PATRONYMICS = ['Иванович', 'Петровна', 'Сергеевич', 'Олеговна', '', 'Дмитриевич'];
const GROUPS = ['Клиенты', 'VIP', 'Рассылка', ''];

/** Deterministic PRNG so every run benchmarks the same bytes. */
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function* contacts(count, seed = 42) {
  const random = mulberry32(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const pad = (n) => String(n).padStart(2, '0');
  for (let i = 0; i < count; i++) {
    const duplicate = i > 10 && random() < 0.01;
    const national = duplicate ? 9_160_000_000 + ((i - 7) * 7919) % 83_999_999 : 9_160_000_000 + (i * 7919) % 83_999_999;
    const digits = String(national);
    const format = Math.floor(random() * 6);
    const phone =
      format === 0 ? `8 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6, 8)}-${digits.slice(8)}`
      : format === 1 ? `+7 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`
      : format === 2 ? digits
      : format === 3 ? `7${digits}`
      : format === 4 ? `+7${digits}`
      : random() < 0.5 ? `8${digits}` : '12345';
    const day = 1 + Math.floor(random() * 28);
    const month = 1 + Math.floor(random() * 12);
    const year = 1950 + Math.floor(random() * 55);
    const dateFormat = Math.floor(random() * 4);
    const birthday =
      dateFormat === 0 ? `${pad(day)}.${pad(month)}.${year}`
      : dateFormat === 1 ? `${year}-${pad(month)}-${pad(day)}`
      : dateFormat === 2 ? `${day}/${month}/${year}`
      : random() < 0.9 ? '' : '31.02.1990';
    const surname = pick(SURNAMES);
    yield {
      cells: [surname, pick(NAMES), pick(PATRONYMICS), phone, random() < 0.5 ? ` ${surname.length}User${i}@Example.COM ` : '', birthday, pick(GROUPS), random() < 0.1 ? 'перезвонить  после 18:00' : ''],
      date: new Date(Date.UTC(year, month - 1, day)),
    };
  }
}

function csvCell(value) {
  return /[;"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export async function writeCsv(path, count) {
  const out = createWriteStream(path);
  const encode = (text) => iconv.encode(text, 'win1251');
  out.write(encode(`${HEADERS.join(';')}\r\n`));
  let chunk = '';
  for (const { cells } of contacts(count)) {
    chunk += `${cells.map(csvCell).join(';')}\r\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(encode(chunk))) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(encode(chunk));
  await once(out, 'close');
}

export async function writeXlsx(path, count) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet('Клиенты');
  sheet.addRow(HEADERS).commit();
  for (const { cells, date } of contacts(count)) {
    const [surname, name, patronymic, phone, mail, birthday, group, comment] = cells;
    const numeric = /^\d+$/.test(phone) ? Number(phone) : phone;
    const row = sheet.addRow([surname, name, patronymic, numeric, mail, birthday === '' ? '' : date, group, comment]);
    if (birthday !== '') row.getCell(6).numFmt = 'dd.mm.yyyy';
    row.commit();
  }
  await workbook.commit();
}
