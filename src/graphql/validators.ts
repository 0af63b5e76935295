import { registerDecorator, type ValidationOptions } from "class-validator";
import { creditCodeProblem } from "../modules/employers/credit-code.js";

/** A GB/T 2260 six-digit code; whether it exists (and is a county) is the service's check. */
export function IsRegionCode(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: "isRegionCode",
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a six-digit GB/T 2260 region code`, ...options },
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
      options: { message: `${propertyName} must be a region code prefix of 2, 4 or 6 digits`, ...options },
      validator: { validate: (value: unknown) => typeof value === "string" && /^(\d{2}|\d{4}|\d{6})$/.test(value) },
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
        message: (args) => `${propertyName} ${creditCodeProblem(String(args.value)) ?? "is not valid"}`,
        ...options,
      },
      validator: { validate: (value: unknown) => typeof value === "string" && creditCodeProblem(value) === null },
    });
}
