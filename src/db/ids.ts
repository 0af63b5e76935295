import { v7 as uuidv7, validate as isUuid } from "uuid";

/** New primary keys are UUID v7: time-ordered, so `order by id desc` is newest-first and keysets stay simple. */
export const newId = (): string => uuidv7();
export { isUuid };
