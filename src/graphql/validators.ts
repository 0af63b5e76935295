import { registerDecorator, type ValidationOptions } from "class-validator";
import { creditCodeProblem } from "../modules/employers/credit-code.js";
import { isRegionPrefix } from "../region-code.js";
import { msg, say } from "../i18n.js";

// Moved to src/text-input.ts (transport-free); re-exported until every importer points there.

/** A GB/T 2260 six-digit code; whether it exists (and is a county) is the service's check. */
export function IsRegionCode(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: "isRegionCode",
      target: target.constructor,
      propertyName,
      options: { message: () => say(msg(`${propertyName} 须为 6 位 GB/T 2260 行政区划代码`, `${propertyName} must be a six-digit GB/T 2260 region code`)), ...options },
      validator: { validate: (value: unknown) => typeof value === "string" && /^\d{6}$/.test(value) },
    });
}

/** A region-code prefix of 2, 4 or 6 digits: province, prefecture or county. */
export function IsRegionPrefix(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: "isRegionPrefix",
      target: target.constructor,
      propertyName,
      options: { message: () => say(msg(`${propertyName} 须为 2、4 或 6 位行政区划代码前缀`, `${propertyName} must be a region code prefix of 2, 4 or 6 digits`)), ...options },
      validator: { validate: (value: unknown) => isRegionPrefix(value) },
    });
}

/** 统一社会信用代码 with its GB 32100 check character. */
export function IsCreditCode(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: "isCreditCode",
      target: target.constructor,
      propertyName,
      options: {
        message: (args) => `${propertyName} ${creditCodeProblem(String(args.value).toUpperCase()) ?? "is not valid"}`,
        ...options,
      },
      // Lower-case letters are accepted and upper-cased by the services.
      validator: { validate: (value: unknown) => typeof value === "string" && creditCodeProblem(value.toUpperCase()) === null },
    });
}

/**
 * Length in characters as PostgreSQL counts them (code points — class-validator's Length skips
 * variation selectors), with the minimum checked after trimming, so "   " is not a title.
 */
export function CharLength(min: number, max: number, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: "charLength",
      target: target.constructor,
      propertyName,
      options: {
        message: () =>
          say(min > 0 ? msg(`${propertyName} 须为 ${min}–${max} 个字符（不能全是空格）`, `${propertyName} must be ${min}–${max} characters (not only spaces)`) : msg(`${propertyName} 最多 ${max} 个字符`, `${propertyName} must be at most ${max} characters`)),
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          const check = (v: unknown) => typeof v === "string" && [...v.trim()].length >= min && [...v].length <= max;
          return options?.each && Array.isArray(value) ? value.every(check) : check(value);
        },
      },
    });
}
