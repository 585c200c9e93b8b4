import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import cluster from 'node:cluster';

interface SiblingMessage {
  bridgenotesSiblings: string;
}

const isSiblingMessage = (message: unknown): message is SiblingMessage =>
  typeof (message as SiblingMessage | null)?.bridgenotesSiblings === 'string';

/**
 * The other API processes of this machine (API_PROCESSES > 1): a write in one clears what the
 * others cache of it, so that a member who writes and then reads through another connection
 * sees the write. Does nothing in a lone process. Instances on other machines are not told:
 * there, caches expire by themselves (see the notes service).
 */
@Injectable()
export class SiblingProcesses implements OnModuleDestroy {
  private readonly listeners: ((message: unknown) => void)[] = [];

  tell(topic: string): void {
    if (cluster.isWorker) process.send?.({ bridgenotesSiblings: topic } satisfies SiblingMessage);
  }

  on(topic: string, listener: () => void): void {
    if (!cluster.isWorker) return;
    const handler = (message: unknown) => {
      if (isSiblingMessage(message) && message.bridgenotesSiblings === topic) listener();
    };
    this.listeners.push(handler);
    process.on('message', handler);
  }

  onModuleDestroy(): void {
    for (const handler of this.listeners.splice(0)) process.off('message', handler);
  }
}

/** In the supervising process: passes each API process's messages on to every other one. */
export function relayBetweenSiblings(): void {
  cluster.on('message', (from, message: unknown) => {
    if (!isSiblingMessage(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker !== from && worker.isConnected()) worker.send(message);
    }
  });
}
