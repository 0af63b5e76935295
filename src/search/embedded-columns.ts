import type { PostingDocument, EngineFilter } from "./search-port.js";
import { isRegionPrefix } from "../region-code.js";

/** Small integer codes for a handful of string values (statuses, kinds), assigned as they are met. */
class Codes {
  private readonly codes = new Map<string, number>();
  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.codes.size + 1;
      if (code > 255) throw new RangeError("More than 255 distinct values in a coded column");
      this.codes.set(value, code);
    }
    return code;
  }
  /** A 256-entry mask: 1 for each given value's code (a value never met has no documents). */
  mask(values: readonly string[]): Uint8Array {
    const mask = new Uint8Array(256);
    for (const v of values) mask[this.code(v)] = 1;
    return mask;
  }
}

/** One value of one column: the slots having it. `key` names it among the atoms of its `FilterBits`. */
interface Atom {
  key: string;
  has: (slot: number) => boolean;
  /** A place's atom: whether a county code lies in it (its slots are the union of those counties' slots). */
  holdsCounty?: (code: number) => boolean;
}

/** A filter's document-only part as atoms: in at least one atom of every `anyOf` group, in no atom of `noneOf`. */
interface FilterAtoms {
  anyOf: Atom[][];
  noneOf: Atom[];
}

const FOR_KEY_GROUPS = 1;
const VERIFIED = 2;
const WORKSHOP = 4;

/**
 * The filterable fields of every document slot in typed arrays: a broad query tests tens of
 * thousands of candidates, and reading each one's fields from its own object on the heap (a cache
 * miss apiece) was most of the search's time. Columns are contiguous; the filter reads only them.
 */
export class FilterColumns {
  private capacity = 0;
  private status = new Uint8Array(0);
  private kind = new Uint8Array(0);
  private education = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private county = new Int32Array(0);
  private validUntil = new Float64Array(0);
  /** salaryMax, or -1 when not stated. */
  private salaryMax = new Float64Array(0);
  /** publishedAt, for choosing the newest of many equally relevant hits without touching their objects. */
  private publishedAt = new Float64Array(0);
  private readonly statuses = new Codes();
  private readonly kinds = new Codes();

  private grow(slot: number) {
    if (slot < this.capacity) return;
    const capacity = Math.max(1024, this.capacity * 2, slot + 1);
    const widen = <T extends Uint8Array | Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.status = widen(this.status, (n) => new Uint8Array(n));
    this.kind = widen(this.kind, (n) => new Uint8Array(n));
    this.education = widen(this.education, (n) => new Uint8Array(n));
    this.flags = widen(this.flags, (n) => new Uint8Array(n));
    this.county = widen(this.county, (n) => new Int32Array(n));
    this.validUntil = widen(this.validUntil, (n) => new Float64Array(n));
    this.salaryMax = widen(this.salaryMax, (n) => new Float64Array(n));
    this.publishedAt = widen(this.publishedAt, (n) => new Float64Array(n));
    this.capacity = capacity;
  }

  set(slot: number, d: PostingDocument): void {
    this.grow(slot);
    this.status[slot] = this.statuses.code(d.status);
    this.kind[slot] = this.kinds.code(d.kind);
    this.education[slot] = d.educationRank;
    this.flags[slot] = (d.forKeyGroups ? FOR_KEY_GROUPS : 0) | (d.employerVerified ? VERIFIED : 0) | (d.povertyWorkshop ? WORKSHOP : 0);
    this.county[slot] = Number(d.regionCode);
    this.validUntil[slot] = d.validUntil;
    this.salaryMax[slot] = d.salaryMax ?? -1;
    this.publishedAt[slot] = d.publishedAt;
  }

  /**
   * The slots among `slots` that can be among the `k` newest: every slot published after the k-th
   * newest time, and all those tied with it (the caller orders them exactly). Linear time
   * (quickselect on the times), for buckets of thousands of equally relevant hits.
   */
  newestCandidates(slots: number[], k: number): number[] {
    if (slots.length <= k) return slots;
    const times = Float64Array.from(slots, (slot) => this.publishedAt[slot]!);
    const threshold = kthLargest(times, k);
    return slots.filter((slot) => this.publishedAt[slot]! >= threshold);
  }

  /** Empty slots pass nothing. */
  clear(slot: number): void {
    if (slot < this.capacity) this.status[slot] = 0;
  }

  /**
   * The part of a filter that depends only on the documents (not on the clock or on excluded ids),
   * with the same semantics as `compileFilter` over documents (and the Meilisearch filter string):
   * what `FilterVerdicts` remembers per slot. The engine adds the validity time and the exclusions.
   */
  compileFixed(f: EngineFilter): (slot: number) => boolean {
    const { status, kind, education, flags, county, salaryMax } = this;
    const statusMask = this.statuses.mask(f.statuses ?? ["OPEN"]);
    const kindMask = f.kinds && f.kinds.length > 0 ? this.kinds.mask(f.kinds) : null;
    const excludedKinds = f.excludeKinds && f.excludeKinds.length > 0 ? this.kinds.mask(f.excludeKinds) : null;
    // A prefix of 2, 4 or 6 digits as a division of the county code: 3501 → county / 100 === 3501.
    const prefixes = (f.regionPrefixes ?? []).filter(isRegionPrefix).map((p) => [10 ** (6 - p.length), Number(p)] as const);
    const anyRegion = !f.regionPrefixes || f.regionPrefixes.length === 0;
    const flagMask = (f.forKeyGroups !== undefined ? FOR_KEY_GROUPS : 0) | (f.employerVerified !== undefined ? VERIFIED : 0) | (f.povertyWorkshop !== undefined ? WORKSHOP : 0);
    const flagWant = (f.forKeyGroups ? FOR_KEY_GROUPS : 0) | (f.employerVerified ? VERIFIED : 0) | (f.povertyWorkshop ? WORKSHOP : 0);
    const educationAtMost = f.educationAtMost;
    const salaryAtLeast = f.salaryAtLeast;
    return (slot) => {
      if (statusMask[status[slot]!] !== 1) return false;
      if (educationAtMost !== undefined && education[slot]! > educationAtMost) return false;
      if (salaryAtLeast !== undefined && salaryMax[slot]! < salaryAtLeast) return false;
      if (kindMask !== null && kindMask[kind[slot]!] !== 1) return false;
      if (excludedKinds !== null && excludedKinds[kind[slot]!] === 1) return false;
      if ((flags[slot]! & flagMask) !== flagWant) return false;
      if (!anyRegion) {
        const code = county[slot]!;
        let inside = false;
        for (const [divisor, value] of prefixes) if (Math.floor(code / divisor) === value) inside = true;
        if (!inside) return false;
      }
      return true;
    };
  }

  /**
   * The document-only part of `f` as a formula over single-value tests ("atoms"): slots whose status
   * is one of these, whose county lies in one of these prefixes, … — each atom's slots kept as bits
   * by `FilterBits` and shared by every filter that names it, so a new combination of places,
   * education and kinds costs a few word-wise ANDs and ORs instead of a test per slot. Null when the
   * filter has a part no atom holds (a salary floor: a test per slot).
   */
  atomsOf(f: EngineFilter): FilterAtoms | null {
    if (f.salaryAtLeast !== undefined) return null;
    const { status, kind, education, flags, county } = this;
    const statusAtom = (code: number): Atom => ({ key: `s${code}`, has: (slot) => status[slot] === code });
    const kindAtom = (code: number): Atom => ({ key: `k${code}`, has: (slot) => kind[slot] === code });
    const flagAtom = (bit: number): Atom => ({ key: `f${bit}`, has: (slot) => (flags[slot]! & bit) !== 0 });
    const codes = (mask: Uint8Array) => [...mask.keys()].filter((code) => mask[code] === 1);
    const anyOf: Atom[][] = [codes(this.statuses.mask(f.statuses ?? ["OPEN"])).map(statusAtom)];
    const noneOf: Atom[] = [];
    if (f.educationAtMost !== undefined) {
      const most = f.educationAtMost;
      anyOf.push([{ key: `e${most}`, has: (slot) => education[slot]! <= most }]);
    }
    if (f.kinds && f.kinds.length > 0) anyOf.push(codes(this.kinds.mask(f.kinds)).map(kindAtom));
    if (f.excludeKinds && f.excludeKinds.length > 0) noneOf.push(...codes(this.kinds.mask(f.excludeKinds)).map(kindAtom));
    for (const [bit, want] of [[FOR_KEY_GROUPS, f.forKeyGroups], [VERIFIED, f.employerVerified], [WORKSHOP, f.povertyWorkshop]] as const) {
      if (want === true) anyOf.push([flagAtom(bit)]);
      if (want === false) noneOf.push(flagAtom(bit));
    }
    if (f.regionPrefixes && f.regionPrefixes.length > 0) {
      anyOf.push(
        f.regionPrefixes.filter(isRegionPrefix).map((prefix) => {
          const divisor = 10 ** (6 - prefix.length);
          const value = Number(prefix);
          const holdsCounty = (code: number) => Math.floor(code / divisor) === value;
          return { key: `r${prefix}`, has: (slot: number) => holdsCounty(county[slot]!), holdsCounty };
        }),
      );
    }
    return { anyOf, noneOf };
  }

  /** Each county code met among the first `positions` positions (`slotAt`: the slot at each), with its positions, ascending: one pass over them. */
  countyPositions(positions: number, slotAt: (position: number) => number): Map<number, number[]> {
    const county = this.county;
    const byCode = new Map<number, number[]>();
    let last = Number.NaN;
    let list: number[] | undefined;
    for (let position = 0; position < positions; position++) {
      const code = county[slotAt(position)]!;
      if (code !== last) {
        list = byCode.get(code);
        if (!list) byCode.set(code, (list = []));
        last = code;
      }
      list!.push(position);
    }
    return byCode;
  }

  /** Whether the slot's posting is still valid at `validAt` (epoch seconds). */
  validAt(slot: number, validAt: number): boolean {
    return this.validUntil[slot]! > validAt;
  }
}

/** Words of 32 bits that hold one bit per slot. */
export const wordsFor = (slots: number): number => (slots + 31) >>> 5;

export function setBit(bits: Int32Array, slot: number): void {
  bits[slot >>> 5]! |= 1 << (slot & 31);
}

/** The bytes of filter bits a `FilterBits` keeps: 96 MiB, ~770 filters judged whole at a million postings, ~7,700 at a hundred thousand. */
export const FILTER_BITS_BUDGET = 96 * 1024 * 1024;

/**
 * Remembered verdicts of the document-only part of recent filters, a bit per slot, forgotten
 * whenever a document changes. Matching asks the same few hundred filters (a person's places,
 * education and kinds) over and over — a campaign run for a hundred thousand people most of all —
 * so after the first query a slot is judged by one bit. A filter is judged slot by slot as queries
 * meet them (`test`), or for every slot at once when a query works on whole bitsets (`all`).
 */
export class FilterBits {
  /**
   * Most recently used last. `judged` is null once every position is judged (`passing` then says it
   * all). An entry answers for the `positions` it was made for only: with more (new positions may
   * share its last word of bits) its verdicts, whole or not, would leave the new ones out.
   */
  private readonly byKey = new Map<string, { fixed: (slot: number) => boolean; positions: number; judged: Int32Array | null; passing: Int32Array }>();
  /** The bytes the remembered filters' bits take (see `budget`). */
  private bytes = 0;
  /** The bits of each atom met (see `FilterColumns.atomsOf`), shared by the filters naming it, with the positions they are for. */
  private readonly atoms = new Map<string, { positions: number; bits: Int32Array }>();
  /** Each county code's positions (see `atomBits`), until a document changes. */
  private counties: { of: number; positions: Map<number, number[]> } | null = null;
  /**
   * `slotAt`: the slot at each bit position (the slot itself, or another order of the slots).
   * `budget`: the bytes of bits kept for remembered filters, the least recently used forgotten first.
   * A budget, not a count: at a million postings a filter's bits take 125 KB (250 KB while judged
   * slot by slot), and matching's working set — each person's places, education and kinds — ran to
   * hundreds of filters; forgetting them in turn (256 kept) made every request build its filter
   * again and fed the collector (the p99 of 300 people's matches: 107–216 ms; kept, 17–22 ms).
   */
  constructor(
    private readonly columns: FilterColumns,
    private readonly slotAt: (position: number) => number = (slot) => slot,
    private readonly budget = FILTER_BITS_BUDGET,
  ) {}

  private entry(f: EngineFilter, positions: number) {
    const key = fixedKey(f);
    const words = wordsFor(positions);
    let entry = this.byKey.get(key);
    if (entry && entry.positions === positions) {
      this.byKey.delete(key);
    } else {
      if (entry) this.drop(key, entry);
      entry = { fixed: this.columns.compileFixed(f), positions, judged: new Int32Array(words), passing: new Int32Array(words) };
      this.bytes += entry.judged!.byteLength + entry.passing.byteLength;
    }
    this.byKey.set(key, entry);
    // The least recently used forgotten until the rest fit (the one in hand is kept whatever its size).
    for (const [oldest, old] of this.byKey) {
      if (this.bytes <= this.budget || old === entry) break;
      this.drop(oldest, old);
    }
    return entry;
  }

  /** How many filters are remembered and the bytes their bits take. */
  kept(): { filters: number; bytes: number } {
    return { filters: this.byKey.size, bytes: this.bytes };
  }

  private drop(key: string, entry: { judged: Int32Array | null; passing: Int32Array }): void {
    this.byKey.delete(key);
    this.bytes -= (entry.judged?.byteLength ?? 0) + entry.passing.byteLength;
  }

  /** The document-only part of `f` as a function of a bit position, judging each at most once. */
  test(f: EngineFilter, positions: number): (position: number) => boolean {
    const entry = this.entry(f, positions);
    const { fixed, judged, passing } = entry;
    if (judged === null) return (position) => (passing[position >>> 5]! & (1 << (position & 31))) !== 0;
    const slotAt = this.slotAt;
    return (position) => {
      const word = position >>> 5;
      const bit = 1 << (position & 31);
      if ((judged[word]! & bit) === 0) {
        judged[word]! |= bit;
        if (fixed(slotAt(position))) passing[word]! |= bit;
      }
      return (passing[word]! & bit) !== 0;
    };
  }

  /** The positions (below `positions`) passing the document-only part of `f`, as bits. Do not write to it. */
  all(f: EngineFilter, positions: number): Int32Array {
    const entry = this.entry(f, positions);
    if (entry.judged !== null) {
      const atoms = this.columns.atomsOf(f);
      if (atoms) entry.passing.set(this.combine(atoms, positions));
      else {
        const test = this.test(f, positions);
        for (let position = 0; position < positions; position++) test(position);
      }
      // Every position judged: the verdicts are the passing bits alone.
      this.bytes -= entry.judged.byteLength;
      entry.judged = null;
    }
    return entry.passing;
  }

  /** Each group's atoms ORed, the groups ANDed, the excluded atoms taken away: word by word. */
  private combine({ anyOf, noneOf }: FilterAtoms, positions: number): Int32Array {
    const words = wordsFor(positions);
    const result = new Int32Array(words).fill(-1);
    const group = new Int32Array(words);
    for (const atoms of anyOf) {
      group.fill(0);
      for (const atom of atoms) {
        const bits = this.atomBits(atom, positions);
        for (let i = 0; i < words; i++) group[i]! |= bits[i]!;
      }
      for (let i = 0; i < words; i++) result[i]! &= group[i]!;
    }
    for (const atom of noneOf) {
      const bits = this.atomBits(atom, positions);
      for (let i = 0; i < words; i++) result[i]! &= ~bits[i]!;
    }
    // No position at or past `positions` passes.
    if (positions & 31) result[words - 1]! &= (1 << (positions & 31)) - 1;
    return result;
  }

  /**
   * An atom's positions as bits, judged once per atom until a document changes. A place's atom is
   * its counties' positions, all of which one pass over the positions finds: matching asks
   * for many places (a person's own, those they would move to), and a pass over a million positions
   * for each new one was most of the slowest requests' time.
   */
  private atomBits(atom: Atom, positions: number): Int32Array {
    const kept = this.atoms.get(atom.key);
    if (kept?.positions === positions) return kept.bits;
    const bits = new Int32Array(wordsFor(positions));
    if (atom.holdsCounty) {
      if (this.counties?.of !== positions) this.counties = { of: positions, positions: this.columns.countyPositions(positions, this.slotAt) };
      for (const [code, held] of this.counties.positions) if (atom.holdsCounty(code)) for (const position of held) setBit(bits, position);
    } else {
      for (let position = 0; position < positions; position++) if (atom.has(this.slotAt(position))) setBit(bits, position);
    }
    this.atoms.set(atom.key, { positions, bits });
    return bits;
  }

  /** A document changed: every remembered verdict may be wrong. */
  forget(): void {
    this.byKey.clear();
    this.bytes = 0;
    this.atoms.clear();
    this.counties = null;
  }
}

/** The document-only fields of a filter, in a fixed order, as a key (order of listed values ignored). */
function fixedKey(f: EngineFilter): string {
  const sorted = (values: string[] | undefined) => (values ? [...values].sort().join(",") : "-");
  return [
    sorted(f.statuses ?? ["OPEN"]),
    sorted(f.regionPrefixes),
    f.educationAtMost ?? "-",
    f.salaryAtLeast ?? "-",
    sorted(f.kinds),
    sorted(f.excludeKinds),
    f.forKeyGroups ?? "-",
    f.employerVerified ?? "-",
    f.povertyWorkshop ?? "-",
  ].join("|");
}

/** The k-th largest value (1-based) of `values`, which it reorders (Hoare's quickselect). */
function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1; // index in descending order
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target]!;
  }
  return values[target]!;
}
