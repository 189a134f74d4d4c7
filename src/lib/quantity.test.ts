import { describe, expect, it } from "vitest";
import {
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  intValue,
  isQuantity,
  milliValue,
  parseQuantity,
  quantityFromNumber,
  quantityValue,
} from "./quantity.js";

describe("parseQuantity", () => {
  it.each([
    ["500m", 0.5],
    ["1", 1],
    ["1.5", 1.5],
    ["0.1", 0.1],
    ["128Mi", 134217728],
    ["1Gi", 1073741824],
    ["1Ki", 1024],
    ["1G", 1e9],
    ["1k", 1000],
    ["2e3", 2000],
    ["1E", 1e18],
    ["100n", 1e-7],
    ["-1", -1],
    ["+2", 2],
    [".5", 0.5],
  ])("%s = %d", (s, want) => {
    expect(quantityValue(s)).toBeCloseTo(want, 12);
  });

  it.each(["", "m", "abc", "1.2.3", "1Q", "1 Mi", "1e", "--1"])("rejects %j", (s) => {
    expect(isQuantity(s)).toBe(false);
    expect(() => parseQuantity(s)).toThrow();
  });

  it("accepts JSON numbers", () => {
    expect(quantityValue(parseQuantity(2))).toBe(2);
    expect(formatQuantity(parseQuantity(0.25))).toBe("250m");
  });
});

describe("milliValue and intValue round up as upstream", () => {
  it.each([
    ["500m", 500],
    ["1.5", 1500],
    ["2", 2000],
    ["0.0001", 1],
    ["100u", 1],
  ])("cpu %s = %i millicores", (s, want) => {
    expect(milliValue(s)).toBe(want);
  });
  it.each([
    ["128Mi", 134217728],
    ["1G", 1e9],
    ["1.5Ki", 1536],
    ["0.5", 1],
  ])("memory %s = %i bytes", (s, want) => {
    expect(intValue(s)).toBe(want);
  });
});

describe("canonical form", () => {
  it.each([
    ["0.5", "500m"],
    ["1.5", "1500m"],
    ["1000", "1k"],
    ["1500", "1500"],
    ["1000000", "1M"],
    ["1024Mi", "1Gi"],
    ["1536Mi", "1536Mi"],
    ["1.5Gi", "1536Mi"],
    ["512", "512"],
    ["0.5Ki", "512"],
    ["2e3", "2e3"],
    ["0", "0"],
    ["0m", "0"],
    ["100m", "100m"],
    ["-500m", "-500m"],
  ])("%s → %s", (s, want) => {
    expect(canonicalQuantity(s)).toBe(want);
  });

  it("formats numbers of bytes and cores", () => {
    expect(formatQuantity(quantityFromNumber(268435456, "BinarySI"))).toBe("256Mi");
    expect(formatQuantity(quantityFromNumber(0.25))).toBe("250m");
  });

  it("compares", () => {
    expect(compareQuantities(parseQuantity("1"), parseQuantity("1000m"))).toBe(0);
    expect(compareQuantities(parseQuantity("1Gi"), parseQuantity("1G"))).toBe(1);
    expect(compareQuantities(parseQuantity("100m"), parseQuantity("0.2"))).toBe(-1);
  });
});
