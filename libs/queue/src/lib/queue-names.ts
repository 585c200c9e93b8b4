/** Every BullMQ queue the system uses. Producers and consumers refer to these, never to strings. */
export enum QueueName {
  Scoring = 'scoring',
  Webhooks = 'webhooks',
  Mirroring = 'mirroring',
}
