import { describe, expect, it } from "vitest";
import { distanceFactor, educationFactor, occupationFactor, salaryFactor } from "../../src/modules/matching/match-score.js";

describe("the ranker's factors", () => {
  const engineer = [{ word: "软件工程师", synonyms: ["程序员", "开发工程师"] }];

  it("occupation: whole words and their synonyms fit, jieba's sub-words do not", () => {
    expect(occupationFactor(engineer, "软件工程师 java", null).score).toBe(1); // the person's only word
    expect(occupationFactor(engineer, "java开发工程师 spring", null).score).toBeCloseTo(0.6); // a synonym counts 0.6
    expect(occupationFactor(engineer, "测试工程师 selenium", null).score).toBe(0); // 工程师 alone is not 软件工程师
    const two = [...engineer, { word: "java", synonyms: [] }];
    expect(occupationFactor([...two, { word: "mysql", synonyms: [] }], "java", null).score).toBeCloseTo(0.5); // one of the two words that make a full fit
    expect(occupationFactor(two, "软件工程师 java", null)).toMatchObject({ score: 1, detail: "意向或技能“软件工程师、java”与岗位对口" });
    expect(occupationFactor(two, "会计", "计算机科学与技术")).toMatchObject({ score: 1, detail: "岗位要求的专业包含“计算机科学与技术”" });
    expect(occupationFactor([], "会计", null).score).toBe(0);
  });

  it("distance, salary and education score as documented", () => {
    expect(distanceFactor(0, true, "鼓楼区").score).toBe(1);
    expect(distanceFactor(50, false, "闽侯县").score).toBeCloseTo(0.5);
    expect(distanceFactor(null, false, "某地").score).toBe(0.5);
    expect(salaryFactor(8000, 5000).score).toBe(1);
    expect(salaryFactor(4000, 8000).score).toBeCloseTo(0.25);
    expect(salaryFactor(null, 5000).score).toBe(0.5);
    expect(educationFactor(4, 3, "ASSOCIATE").score).toBe(1);
    expect(educationFactor(4, 2, "HIGH_SCHOOL").score).toBe(0.85);
    expect(educationFactor(6, 0, "NONE").score).toBe(0.7);
  });
});
