/**
 * The 51job basis of the demo's salary ranges (seed/industries.ts): for each occupation keyword, how many
 * 51job postings (seed/data/postings-51job-2023.csv, parsed with seed/51job/) hold it in their title, and
 * the median of their monthly salaryMin and salaryMax in yuan.
 *
 *   npx tsx test/eval/occupation-salaries.ts
 */
import { load51jobPostings } from "./screening-data.js";

const KEYWORDS = ["会计", "出纳", "财务", "客服", "销售", "电商", "运营", "软件", "java", "前端", "测试", "护士", "教师", "老师", "幼儿", "文员", "行政", "人事", "司机", "仓管", "物流", "普工", "操作工", "质检", "技术员", "设计", "厨师", "导游", "主播", "采购", "美工", "数据标注", "实习"];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

const postings = load51jobPostings();
const rows = KEYWORDS.map((keyword) => {
  const hits = postings.filter((p) => p.title.toLowerCase().includes(keyword) && p.salaryMin > 0);
  return { keyword, postings: hits.length, medianMin: hits.length ? median(hits.map((p) => p.salaryMin)) : null, medianMax: hits.length ? median(hits.map((p) => p.salaryMax)) : null };
});
console.table(rows);
