/** A change cursor, as instances give it: the batch and the record's id (base64url of `batch|id`). */
export const changeCursor = (batch: bigint, id: string): string =>
  Buffer.from(`${batch}|${id}`).toString('base64url');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A change cursor read back, or undefined when it is not one. */
export function parseChangeCursor(cursor: string): { batch: bigint; id: Buffer } | undefined {
  const [batch, id, extra] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (extra !== undefined || !/^[0-9]{1,19}$/.test(batch ?? '') || !UUID.test(id ?? '')) {
    return undefined;
  }
  return { batch: BigInt(batch as string), id: idBytes(id as string) };
}

/** A UUID's 16 bytes: PostgreSQL orders uuids as these bytes compare. */
const idBytes = (id: string): Buffer => Buffer.from(id.replace(/-/g, ''), 'hex');

/**
 * Where each record of a saved change stream's file is, in change order (its `changedBatch`,
 * then its id), as an instance serves `?order=changes`: a few typed arrays, about 40 bytes a
 * record, never the records themselves. Records are added in the file's order, which must be id
 * order (the order instances export, and `bridgenotes export` saves).
 */
export class ChangeIndex {
  private readonly offsets: Float64Array;
  private readonly lengths: Uint32Array;
  private readonly batches: BigInt64Array;
  private readonly ids: Buffer;
  private order = new Uint32Array(0);
  private size = 0;

  constructor(private readonly capacity: number) {
    this.offsets = new Float64Array(capacity);
    this.lengths = new Uint32Array(capacity);
    this.batches = new BigInt64Array(capacity);
    this.ids = Buffer.alloc(capacity * 16);
  }

  /** Adds the next record of the file; a reason when it cannot be indexed. */
  add(offset: number, length: number, record: { id?: unknown; changedBatch?: unknown }) {
    const { id, changedBatch } = record;
    if (typeof id !== 'string' || !UUID.test(id)) return 'its id is not a UUID';
    if (typeof changedBatch !== 'string' || !/^[0-9]{1,19}$/.test(changedBatch)) {
      return 'it carries no changedBatch (an export made before the change feed)';
    }
    if (this.size === this.capacity) return 'the file holds more records than its manifest says';
    const at = this.size;
    idBytes(id).copy(this.ids, at * 16);
    if (at > 0 && this.compareIds(at - 1, at) >= 0) return 'the file is not in id order';
    this.offsets[at] = offset;
    this.lengths[at] = length;
    this.batches[at] = BigInt(changedBatch);
    this.size += 1;
    return undefined;
  }

  /** Sorts the records into change order, once all are added. */
  seal(): void {
    const order = new Uint32Array(this.size).map((_, index) => index);
    this.order = order.sort((a, b) => {
      const [x, y] = [this.batches[a] as bigint, this.batches[b] as bigint];
      // Within a batch, the file's order is id order.
      return x < y ? -1 : x > y ? 1 : a - b;
    });
  }

  /**
   * Up to `limit` records after the change `after` (none: from the start) in batches below
   * `below`: where each is in the file, and its change cursor's batch.
   */
  page(after: { batch: bigint; id: Buffer } | undefined, below: bigint, limit: number) {
    let low = 0;
    if (after) {
      // The first record whose (batch, id) is above `after`'s.
      let high = this.order.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        const index = this.order[middle] as number;
        const batch = this.batches[index] as bigint;
        const above =
          batch > after.batch ||
          (batch === after.batch &&
            // The record's id (source) above `after`'s (target).
            this.ids.compare(after.id, 0, 16, index * 16, index * 16 + 16) > 0);
        if (above) high = middle;
        else low = middle + 1;
      }
    }
    const places: { offset: number; length: number; batch: bigint }[] = [];
    for (let at = low; at < this.order.length && places.length < limit; at++) {
      const index = this.order[at] as number;
      const batch = this.batches[index] as bigint;
      if (batch >= below) break;
      places.push({
        offset: this.offsets[index] as number,
        length: this.lengths[index] as number,
        batch,
      });
    }
    return places;
  }

  private compareIds(a: number, b: number): number {
    return this.ids.compare(this.ids, b * 16, b * 16 + 16, a * 16, a * 16 + 16);
  }
}
