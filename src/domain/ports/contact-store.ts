import type { ChannelSpec } from '../channels/channel-spec.js';
import type { SegmentFilter } from '../contacts/segment-filter.js';

/** A validated CSV row, ready to store; `line` is its line in the file, for error reports. */
export interface ContactInput {
  line: number;
  email: string | null;
  phone: string | null;
  attributes: Record<string, string>;
  timeZone: string | null;
}

/**
 * Lists and segments are soft-deleted so campaigns that use them can fail at launch with "deleted
 * list" / "deleted segment". The name column is unique, so deleting renames the row to
 * `<name> (deleted <id>)` and the name is free again; `name` is returned as stored.
 */
export interface ContactListInfo {
  id: number;
  name: string;
  description: string;
  createdBy: string;
  createdAt: Date;
  deletedAt: Date | null;
  memberCount: number;
}

export interface SegmentInfo {
  id: number;
  name: string;
  filter: SegmentFilter;
  createdBy: string;
  createdAt: Date;
  deletedAt: Date | null;
}

export interface ContactInfo {
  id: number;
  email: string | null;
  phone: string | null;
  attributes: Record<string, string>;
  timeZone: string | null;
  /** Names of the live lists the contact belongs to. */
  lists: string[];
  /** Either of its addresses, or the contact itself, is on the suppression list. */
  suppressed: boolean;
}

export interface UpsertResult {
  inserted: number;
  /** Rows that matched an existing contact (by email or phone), changed or not. */
  updated: number;
  rejected: { line: number; reason: string }[];
}

/** Who a campaign run reaches: list members, then include segments (any), exclude segments (any), the one-time filter. */
export interface AudienceSpec {
  listId: number;
  include: SegmentFilter[];
  exclude: SegmentFilter[];
  oneTime: SegmentFilter | null;
  /** Where the channel finds a contact's address (ChannelSpec.address). */
  address: ChannelSpec['address'];
}

/** Each step of the audience funnel, for launch checks ("no contact matches the include segments"). */
export interface AudienceCount {
  /** Members of the list. */
  listMembers: number;
  /** Members with an address for the channel (email or phone). */
  reachable: number;
  /** Reachable members matching at least one include segment (all of them when there is none). */
  afterInclude: number;
  /** After exclude segments and the one-time filter: the messages a run would create. */
  final: number;
  /** How many of `final` are on the suppression list (they become `opted_out` messages). */
  suppressed: number;
}

/** Contacts, contact lists, segments and audience counts. */
export interface ContactStore {
  /** ALREADY_EXISTS if a live list has the name (case-insensitive). */
  createList(input: { name: string; description: string; createdBy: string }): Promise<ContactListInfo>;
  /** Live lists only, case-insensitive. */
  findListByName(name: string): Promise<ContactListInfo | null>;
  /** Includes deleted lists (deletedAt set). */
  getList(id: number): Promise<ContactListInfo | null>;
  /** Live lists, by name. */
  listLists(): Promise<ContactListInfo[]>;
  /** Soft delete (see ContactListInfo); members are kept. NOT_FOUND if there is no such list. */
  deleteList(id: number): Promise<void>;
  /**
   * Runs `work` in one database transaction with a store bound to it: when `work` throws, nothing
   * it wrote stays (a list it created included). For imports, which must finish or leave nothing.
   */
  inOneTransaction<T>(work: (store: ContactStore) => Promise<T>): Promise<T>;
  /**
   * Stores one batch (≤ a few thousand rows, each email and phone at most once) set-based: rows
   * matching a contact by email or phone update it (attributes merged, the row's values win),
   * others insert; all join the list. A row whose email and phone belong to two different
   * contacts is rejected, as is an earlier row that resolves to the same contact as a later one.
   * NOT_FOUND if the list does not exist or was deleted.
   */
  upsertIntoList(listId: number, rows: ContactInput[]): Promise<UpsertResult>;
  /** By email (any case) or phone (E.164, separators ignored). */
  findContact(address: string): Promise<ContactInfo | null>;
  /** ALREADY_EXISTS if a live segment has the name (case-insensitive). */
  createSegment(input: { name: string; filter: SegmentFilter; createdBy: string }): Promise<SegmentInfo>;
  /** Live segments only, case-insensitive. */
  findSegmentByName(name: string): Promise<SegmentInfo | null>;
  /** Includes deleted segments (deletedAt set). */
  getSegment(id: number): Promise<SegmentInfo | null>;
  /** Live segments, by name. */
  listSegments(): Promise<SegmentInfo[]>;
  /** Soft delete with the same renaming as lists. NOT_FOUND if there is no such segment. */
  deleteSegment(id: number): Promise<void>;
  countAudience(spec: AudienceSpec): Promise<AudienceCount>;
}
