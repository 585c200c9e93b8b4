import { Global, Module } from '@nestjs/common';

import { Clock } from './clock';

/** Provides the one `Clock` to every module. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
