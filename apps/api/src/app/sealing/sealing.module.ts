import { Global, Module } from '@nestjs/common';

import { Sealer } from './sealer.service';
import { WalRetirer } from './wal-retirer.service';
import { WriteBuffer } from './write-buffer.service';

/** The write buffer and its sealer, shared by every feature that takes proven writes or joins. */
@Global()
@Module({
  providers: [Sealer, WriteBuffer, WalRetirer],
  exports: [Sealer, WriteBuffer],
})
export class SealingModule {}
