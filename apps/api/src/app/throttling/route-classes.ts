import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { pathToRegexp } from 'path-to-regexp';

import { routeRateLimitClass, type RateLimitClass } from './rate-limit-class';

interface RouteClass {
  /** Upper-case HTTP method, or undefined for `@All`. */
  method?: string;
  pattern: RegExp;
  rateLimitClass: RateLimitClass;
}

const asList = (paths: unknown): string[] =>
  (Array.isArray(paths) ? paths : [paths ?? '']).map(String);

/** Nest's own joining of a controller's and a handler's paths, without the trailing slash. */
const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/')}`;

/**
 * Which class of route a request is for, from its method and path alone, before Express and
 * Nest route it: what the early refusal (early-refusal.ts) needs to refuse a blocked client
 * without running the pipeline. Built once from every controller's routes, with the same rule
 * as the throttler guard (`routeRateLimitClass`) and Express 5's path syntax (path-to-regexp).
 */
@Injectable()
export class RouteClasses {
  private routes?: RouteClass[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  /**
   * The class, or undefined when no route matches or routes of different classes do (then only
   * the router knows which runs, and the request goes the whole way).
   */
  classify(method: string, path: string): RateLimitClass | undefined {
    const routeMethod = method === 'HEAD' ? 'GET' : method;
    let found: RateLimitClass | undefined;
    for (const route of (this.routes ??= this.collect())) {
      if (route.method !== undefined && route.method !== routeMethod) continue;
      if (!route.pattern.test(path)) continue;
      if (found !== undefined && found !== route.rateLimitClass) return undefined;
      found = route.rateLimitClass;
    }
    return found;
  }

  private collect(): RouteClass[] {
    const routes: RouteClass[] = [];
    for (const { metatype, instance } of this.discovery.getControllers()) {
      if (!metatype || !instance) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as (...args: unknown[]) => unknown;
        const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (verb === undefined) continue;
        const method = verb === RequestMethod.ALL ? undefined : RequestMethod[verb];
        const rateLimitClass = routeRateLimitClass(handler, metatype, method ?? 'POST');
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, metatype))) {
          for (const path of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
            // Express matches paths case-insensitively and with or without a trailing slash.
            const { regexp } = pathToRegexp(joinPath(base, path), { sensitive: false });
            routes.push({ method, pattern: regexp, rateLimitClass });
          }
        }
      }
    }
    return routes;
  }
}
