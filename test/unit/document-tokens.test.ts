import { describe, expect, it } from "vitest";
import { documentTokens } from "../../src/search/segment.js";

/**
 * A document's tokens, exactly as the jieba-wasm implementation before @node-rs/jieba gave them
 * (tokens and their order: an engine that reads word positions indexes the same text) — these
 * answers were taken from that implementation, including runs of one character (哈哈哈哈哈: a word
 * at each of its places), repeated words, Latin, digits and characters beyond the BMP.
 */
const BEFORE: [string, string[]][] = [
  ["哈哈哈哈哈", ["哈哈", "哈哈哈", "哈哈哈哈"]],
  ["我哈哈哈哈你", ["我", "哈哈", "哈哈哈", "哈哈哈哈", "你"]],
  ["嘻嘻嘻嘻嘻嘻好", ["嘻嘻", "好"]],
  ["啊啊啊", ["啊啊啊"]],
  ["工程师工程师工程师", ["工程", "工程师"]],
  ["Java开发工程师（Spring Boot）", ["java", "开发", "工程", "工程师", "spring", "boot"]],
  ["人力资源管理专员", ["人力", "资源", "管理", "资源管理", "专员", "人力资源"]],
  ["招聘会计师", ["招聘", "会计", "会计师"]],
  ["南京市长江大桥", ["南京", "京市", "南京市", "长江", "大桥", "长江大桥"]],
  ["𠀀𠀁生僻字测试", ["𠀀𠀁", "生僻", "僻字", "生僻字", "测试"]],
  ["5-7年 3-5年经验", ["5-7", "年", "3-5", "经验"]],
  ["销售销售销售代表", ["销售", "代表"]],
];

describe("documentTokens", () => {
  it.each(BEFORE)("%s: the tokens the jieba-wasm implementation gave", (text, tokens) => {
    expect(documentTokens(text)).toEqual(tokens);
  });
});
