import type { Executor } from "./db/client.js";

type Reaction<T> = (tx: Executor, event: T) => Promise<void>;

/**
 * A named point where one module's change has effects in others (a posting ended, a person found
 * work). The module that changes owns the point and runs it inside its own transaction; each module
 * that reacts registers its reaction, by name, where the app is wired (src/modules/module-hooks.ts),
 * so no repository carries another module's policy. Reactions run in registration order, in the
 * caller's transaction: a failing reaction rolls the change back with it.
 */
export class HookPoint<T> {
  private readonly reactions: { name: string; react: Reaction<T> }[] = [];
  private wired = false;

  constructor(readonly name: string) {}

  /** Adds a reaction (once per name: wiring twice changes nothing). */
  register(name: string, react: Reaction<T>): void {
    this.wired = true;
    if (!this.reactions.some((r) => r.name === name)) this.reactions.push({ name, react });
  }

  /** The reactions' names, in the order they run. */
  get reactionNames(): string[] {
    return this.reactions.map((r) => r.name);
  }

  /** Runs every reaction in `tx`. Refuses to run before wiring: a change whose effects were forgotten is a bug, not a no-op. */
  async run(tx: Executor, event: T): Promise<void> {
    if (!this.wired) throw new Error(`Hook ${this.name} ran before the modules were wired (call wireModuleHooks())`);
    for (const r of this.reactions) await r.react(tx, event);
  }
}
