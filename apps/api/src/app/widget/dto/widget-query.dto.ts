import { PartialType, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

import { SLUG_PATTERN } from '../../common/slug';
import { CharLength } from '../../common/char-length';

export const THEMES = ['light', 'dark', 'auto'] as const;

/** A BCP 47 language tag as a page writes it (`fr`, `pt-BR`); the frame picks what it speaks. */
const LOCALE_PATTERN = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/;

/** What the loader puts in the frame's URL; the frame's script reads it, the server checks it. */
export class FrameQuery {
  @Matches(SLUG_PATTERN, { message: 'community must be a community slug' })
  community!: string;

  @IsOptional()
  @IsString({ message: 'post must be text' })
  @CharLength(1, 2048, { message: 'post must be 1 to 2048 characters' })
  post?: string;

  @IsOptional()
  @IsIn(THEMES, { message: 'theme must be light, dark or auto' })
  theme?: string;

  @IsOptional()
  @IsString({ message: 'parent must be text' })
  @CharLength(1, 300, { message: 'parent must be 1 to 300 characters' })
  parent?: string;

  @IsOptional()
  @Matches(LOCALE_PATTERN, { message: 'locale must be a language tag such as fr or pt-BR' })
  locale?: string;
}

/** The demo page's query: the frame's, all optional (the demo community by default), no parent. */
export class DemoQuery extends PartialType(
  PickType(FrameQuery, ['community', 'post', 'theme', 'locale'] as const),
) {}
