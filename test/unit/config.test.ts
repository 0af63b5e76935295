import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("config", () => {
  it("defaults to the embedded database with dev secrets, and says so", () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ driver: "pglite", dataDir: ".data/pglite" });
    expect(config.usingDevSecrets).toBe(true);
    expect(config.exposeSqlCount).toBe(true);
  });

  it("reads the token lifetime cap and the import row cap (issue 15)", () => {
    expect(loadConfig({}).auth.maxTokenLifetimeSeconds).toBe(30 * 86_400);
    expect(loadConfig({}).importMaxRowChars).toBe(65_536);
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME: "12h" }).auth.maxTokenLifetimeSeconds).toBe(43_200);
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME: "3600" }).auth.maxTokenLifetimeSeconds).toBe(3600);
    expect(() => loadConfig({ AUTH_MAX_TOKEN_LIFETIME: "forever" })).toThrow(/AUTH_MAX_TOKEN_LIFETIME/);
    expect(() => loadConfig({ AUTH_MAX_TOKEN_LIFETIME: "400d" })).toThrow(/AUTH_MAX_TOKEN_LIFETIME/);
    expect(loadConfig({ IMPORT_MAX_ROW_CHARS: "1024" }).importMaxRowChars).toBe(1024);
  });

  it("lists every problem at once", () => {
    try {
      loadConfig({ PORT: "70000", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud", AUTH_JWT_SECRET: "short" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const fields = (error as ConfigError).problems.map((p) => p.split(":")[0]);
      expect(fields).toEqual(expect.arrayContaining(["PORT", "DATABASE_URL", "LOG_LEVEL", "AUTH_JWT_SECRET"]));
    }
  });

  it("refuses to start production without real secrets", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/AUTH_JWT_SECRET: required in production[\s\S]*PII_KEY: required/);
    const ok = loadConfig({
      NODE_ENV: "production",
      AUTH_JWT_SECRET: "a-real-secret-that-is-long-enough-0123456789",
      PII_KEY: Buffer.alloc(32, 7).toString("base64"),
      DATABASE_URL: "postgres://u@db:5432/app",
    });
    expect(ok.usingDevSecrets).toBe(false);
    expect(ok.exposeSqlCount).toBe(false);
    expect(ok.database).toMatchObject({ driver: "postgres" });
  });

  it("reads TRUSTED_PROXIES as addresses and CIDRs (none by default) and refuses anything else", () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: " 10.0.0.0/8, ::1 ,192.168.1.5" }).trustedProxies).toEqual(["10.0.0.0/8", "::1", "192.168.1.5"]);
    for (const bad of ["proxy.local", "10.0.0.0/33", "10.0.0.1/8/2", "::1/129"]) expect(() => loadConfig({ TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES/);
  });

  it("reads the SMS channel: log outside production, off in production, log refused there; http needs its URL, key and signature", () => {
    expect(loadConfig({}).sms).toMatchObject({ provider: "log", concurrency: 16, batch: 128, intervalMs: 1000 });
    const prod = { NODE_ENV: "production", AUTH_JWT_SECRET: "a-real-secret-that-is-long-enough-0123456789", PII_KEY: Buffer.alloc(32, 7).toString("base64") };
    expect(loadConfig(prod).sms.provider).toBe("off");
    expect(() => loadConfig({ ...prod, SMS_PROVIDER: "log" })).toThrow(/SMS_PROVIDER: log cannot be used in production/);
    expect(() => loadConfig({ SMS_PROVIDER: "http" })).toThrow(/SMS_HTTP_URL: required[\s\S]*SMS_HTTP_KEY: required[\s\S]*SMS_SIGNATURE: required/);
    expect(() => loadConfig({ ...prod, SMS_PROVIDER: "http", SMS_HTTP_URL: "http://gw.example.cn/send", SMS_HTTP_KEY: "k", SMS_SIGNATURE: "福建就业" })).toThrow(/SMS_HTTP_URL: must be https/);
    expect(loadConfig({ SMS_PROVIDER: "http", SMS_HTTP_URL: "https://gw.example.cn/send", SMS_HTTP_KEY: "k", SMS_SIGNATURE: "福建就业" }).sms.http).toEqual({ url: "https://gw.example.cn/send", key: "k", signature: "福建就业", timeoutMs: 5000 });
    expect(() => loadConfig({ SMS_RECEIPT_TOKEN: "short" })).toThrow(/SMS_RECEIPT_TOKEN/);
  });

  it("reads the webhook settings: HTTPS only and no private addresses in production, where WEBHOOK_ALLOW_PRIVATE=true is refused", () => {
    expect(loadConfig({}).webhooks).toEqual({ httpsOnly: false, allowPrivate: true, concurrency: 64 });
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: "false", WEBHOOK_CONCURRENCY: "8" }).webhooks).toEqual({ httpsOnly: false, allowPrivate: false, concurrency: 8 });
    const prod = { NODE_ENV: "production", AUTH_JWT_SECRET: "a-real-secret-that-is-long-enough-0123456789", PII_KEY: Buffer.alloc(32, 7).toString("base64") };
    expect(loadConfig(prod).webhooks).toEqual({ httpsOnly: true, allowPrivate: false, concurrency: 64 });
    expect(() => loadConfig({ ...prod, WEBHOOK_ALLOW_PRIVATE: "true" })).toThrow(/WEBHOOK_ALLOW_PRIVATE: cannot be true in production/);
    expect(() => loadConfig({ WEBHOOK_CONCURRENCY: "0" })).toThrow(/WEBHOOK_CONCURRENCY/);
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: "yes" })).toThrow(/WEBHOOK_ALLOW_PRIVATE/);
  });

  it("refuses a PII key that is not 32 bytes", () => {
    expect(() => loadConfig({ PII_KEY: Buffer.alloc(16).toString("base64") })).toThrow(/PII_KEY/);
  });

  it("reads rate limits and refuses a cost budget below one operation's most", () => {
    expect(loadConfig({}).rateLimits).toEqual({ requestsPerMinute: 600, costPerMinute: 200_000, keyPrefix: "jb" });
    expect(loadConfig({ REDIS_URL: "redis://127.0.0.1:6379", RATE_LIMIT_COST_PER_MINUTE: "0" }).rateLimits).toMatchObject({ costPerMinute: 0, redisUrl: "redis://127.0.0.1:6379" });
    expect(() => loadConfig({ RATE_LIMIT_COST_PER_MINUTE: "1000" })).toThrow(/RATE_LIMIT_COST_PER_MINUTE/);
    expect(() => loadConfig({ REDIS_URL: "http://x" })).toThrow(/REDIS_URL/);
  });
});
