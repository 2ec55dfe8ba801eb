// A Lighthouse 12 user flow through the light page, mobile preset (Lighthouse's defaults: a mid-range
// phone, simulated slow 4G): the start page, the question page reached by posting the form (the way
// without JavaScript), the result page reached the same way, then a timespan and a snapshot of the
// script updating the result as an answer changes. Run by benchmarks/web_lighthouse.py, which starts the
// server and prints the scores:  node flow.mjs BASE_URL OUT.json
import fs from "node:fs";
import puppeteer from "puppeteer-core";
import { startFlow } from "lighthouse";

const [base, out] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const page = await browser.newPage();
// The browser has run before (as a visitor's has): its first page ever pays for starting its font and
// layout machinery, which is not the page's doing. The API page (no script, nothing shared) warms it.
await page.goto(base + "/api");
const flow = await startFlow(page, { name: "Калькулятор социальных услуг (лёгкая страница)" });

const answers = {
  category: "elderly", disability_group: "II",
  "self_care.hygiene": "2", "self_care.toilet": "2", "self_care.dressing": "2", "self_care.medication": "2",
  "self_care.cooking": "2", "self_care.eating": "2", "self_care.housekeeping": "2", "self_care.paperwork": "2",
  "mobility.shopping": "2", "mobility.transport": "2", "mobility.outdoor_walk": "2", "mobility.indoors": "2",
  "mobility.bed": "2", medical_indications_kinds: "none", lives_by_self: "yes", relatives_help: "no",
  carer_absent: "no", family_conflict: "no", psychiatrist_recommends: "none",
};
const tick = (name, value) => page.$eval(`input[name="${name}"][value="${value}"]`, (el) => { el.checked = true; });

await flow.navigate(base + "/", { name: "Первая страница" });
await tick("category", "elderly");
await flow.navigate(async () => { await page.$eval("button[value=next]", (b) => b.click()); },
                    { name: "Вопросы (форма отправлена)" });
for (const [name, value] of Object.entries(answers)) await tick(name, value);
await page.$eval("#f-income", (el) => { el.value = "32000"; });
await flow.navigate(async () => { await page.$eval("button[value=result]", (b) => b.click()); },
                    { name: "Результат (форма отправлена)" });
await flow.startTimespan({ name: "Ответ изменён: скрипт обновляет результат" });
// Not living alone after all: the spouse question appears; living with the family, not only a spouse.
await page.click('input[name="lives_by_self"][value="no"]');
await page.click('input[name="couple_living_alone"][value="no"]');
await page.waitForFunction(() => !document.querySelector("#sm-result-body").textContent.includes("программа N 1"));
await flow.endTimespan();
await flow.snapshot({ name: "Результат после изменения ответа" });

fs.writeFileSync(out, JSON.stringify(await flow.createFlowResult()));
await browser.close();
