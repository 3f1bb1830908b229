import { expect } from 'chai';

import { parseJavaMajor } from '../../../../src/db/embedded/java-runtime.js';

describe('parseJavaMajor', () => {
  const cases: [string, string, number | undefined][] = [
    ['OpenJDK 21', 'openjdk version "21.0.2" 2024-01-16\nOpenJDK Runtime Environment (build 21.0.2+13-58)', 21],
    ['OpenJDK 17', 'openjdk version "17.0.15" 2025-04-15', 17],
    ['a version without minor', 'openjdk version "22" 2024-03-19', 22],
    ['an early-access build', 'openjdk version "23-ea" 2024-09-17', 23],
    ['Java 8 in the 1.x scheme', 'java version "1.8.0_392"\nJava(TM) SE Runtime Environment', 8],
    ['output after a JAVA_TOOL_OPTIONS line', 'Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "21.0.5" 2024-10-15', 21],
    ['output without a version', 'bash: java: command not found', undefined],
    ['empty output', '', undefined],
  ];

  for (const [name, output, expected] of cases) {
    it(`reads ${name}`, () => {
      expect(parseJavaMajor(output)).to.equal(expected);
    });
  }
});
