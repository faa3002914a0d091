/** Allocates node and shuffle ids for one session. */
export class IdSource {
  private node = 0;
  private shuffle = 0;
  nodeId(): number {
    return this.node++;
  }
  shuffleId(): number {
    return this.shuffle++;
  }
}
