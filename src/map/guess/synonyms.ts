import type { ContactField } from '../../contact.js';
import { normalizeHeader } from './header-text.js';

/**
 * Header texts that name an SMSC field, Russian and English, compared whole after
 * {@link normalizeHeader}: `Email consent` or `Дата создания` contain a field word but name
 * something else, so they match nothing. Phones come in three ranks (see {@link PHONE_RANKS}).
 */
const FIELD_SYNONYMS: Readonly<Record<Exclude<ContactField, 'phone' | 'pho'>, readonly string[]>> = {
  mail: [
    'email', 'e-mail', 'e mail', 'mail', 'почта', 'эл. почта', 'эл.почта', 'электронная почта', 'адрес электронной почты',
    'адрес эл. почты', 'email address', 'e-mail address', 'емейл', 'имейл', 'емайл', 'мейл', 'рабочий e-mail', 'частный e-mail',
    'личный e-mail', 'рабочий email', 'личный email', 'work email', 'personal email', 'e-mail 1 - value', 'email 1',
  ],
  name: ['фио', 'ф.и.о.', 'ф. и. о.', 'полное имя', 'полное имя контакта', 'имя полностью', 'name', 'full name', 'fullname', 'contact name', 'контакт', 'клиент', 'наименование'],
  lnm: ['фамилия', 'last name', 'lastname', 'surname', 'family name'],
  fnm: ['имя', 'first name', 'firstname', 'given name'],
  mnm: ['отчество', 'middle name', 'middlename', 'additional name', 'patronymic'],
  bd: ['дата рождения', 'день рождения', 'др', 'д.р.', 'birthday', 'birth date', 'birthdate', 'date of birth', 'dob'],
  grp: ['группа', 'группы', 'группа контактов', 'group', 'groups', 'категория', 'категории', 'categories', 'group membership'],
  myid: ['id', 'ид', 'код', 'код клиента', 'номер клиента', 'id клиента', 'customer id', 'client id', 'external id', 'внешний id', 'myid'],
  cmt: ['комментарий', 'комментарии', 'примечание', 'примечания', 'заметки', 'заметка', 'comment', 'comments', 'note', 'notes'],
  tags: ['теги', 'тег', 'метки', 'tags', 'tag'],
};

/** How strongly a header says "the phone to text": mobile beats plain beats another (work, home) phone. */
export const PHONE_RANKS = ['mobile', 'plain', 'other'] as const;
export type PhoneRank = (typeof PHONE_RANKS)[number];

const PHONE_SYNONYMS: Readonly<Record<PhoneRank, readonly string[]>> = {
  mobile: [
    'мобильный', 'мобильный телефон', 'телефон мобильный', 'моб. телефон', 'моб.телефон', 'моб телефон', 'моб.', 'моб', 'сотовый',
    'сотовый телефон', 'телефон переносной', 'телефон (моб.)', 'телефон (мобильный)', 'тел. моб.', 'моб. тел.', 'мобильный тел.', 'mobile', 'mobile phone', 'mobile number', 'cell', 'cell phone', 'cellphone', 'msisdn',
  ],
  plain: ['телефон', 'тел.', 'тел', 'номер телефона', 'контактный телефон', 'phone', 'phone number', 'telephone', 'tel', 'phone 1 - value'],
  other: [
    'рабочий телефон', 'домашний телефон', 'другой телефон', 'доп. телефон', 'дополнительный телефон', 'второй телефон', 'телефон 2',
    'рабочий прямой телефон', 'work phone', 'home phone', 'other phone', 'business phone', 'другие телефоны', 'other phones',
  ],
};

/** Headers never guessed from their content: fax and pager numbers, tax ids, postcodes look like phones. */
const NOT_BY_CONTENT_WORDS = new Set(['инн', 'inn', 'кпп', 'zip', 'tin']);
const NOT_BY_CONTENT_STEMS = ['факс', 'fax', 'пейджер', 'pager', 'огрн', 'снилс', 'индекс', 'postal', 'postcode'];

const byHeader = new Map<string, ContactField>();
const phoneRank = new Map<string, PhoneRank>();
for (const [field, texts] of Object.entries(FIELD_SYNONYMS)) for (const text of texts) byHeader.set(normalizeHeader(text), field as ContactField);
for (const rank of PHONE_RANKS) for (const text of PHONE_SYNONYMS[rank]) phoneRank.set(normalizeHeader(text), rank);

export type SynonymMatch = { field: Exclude<ContactField, 'phone' | 'pho'> } | { field: 'phone'; rank: PhoneRank };

/** The field a header names, if it is one of the synonyms. */
export function synonymOf(header: string): SynonymMatch | undefined {
  const key = normalizeHeader(header);
  const rank = phoneRank.get(key);
  if (rank !== undefined) return { field: 'phone', rank };
  const field = byHeader.get(key);
  return field === undefined || field === 'phone' || field === 'pho' ? undefined : { field };
}

export function excludedFromContent(header: string): boolean {
  const words = normalizeHeader(header).split(/[^\p{L}\p{N}]+/u);
  return words.some((word) => NOT_BY_CONTENT_WORDS.has(word) || NOT_BY_CONTENT_STEMS.some((stem) => word.startsWith(stem)));
}
