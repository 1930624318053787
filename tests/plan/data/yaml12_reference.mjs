// Records how yaml-language-server's YAML parser (the npm package `yaml`, 2.x, YAML 1.2) reads
// each scalar; its output is tests/plan/data/yaml12_reference.tsv (scalar, JS type, value).
// Regenerate: npm install yaml@2 && node tests/plan/data/yaml12_reference.mjs > tests/plan/data/yaml12_reference.tsv
import { parse } from 'yaml';
const cases = ["1e1","7.2e4","1E3","1.5e3","6.5e+4","2.5e-1","010","0o10","0x10","0x1F4","0b10","1_0","1_000.5","-0x10","1:30","1:30:00","yes","no","on","off","y","n","Yes","OFF","True","FALSE","2026-12-01","2026-12-01 10:00:00",".inf","-.inf",".Inf",".nan",".NaN","1e30","1e400","1e-400","+1","+10","+1.5","-1","1.",".5","0.","00","10","null","~","<<"];
for (const c of cases) {
  const v = parse(`a: ${c}\n`, { version: '1.2' }).a;
  console.log([c, typeof v, String(v)].join("\t"));
}
