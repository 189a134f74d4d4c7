import { describe, expect, it } from "vitest";
import {
  cidrSize,
  containsAddress,
  containsCidr,
  formatCidr,
  formatIPv4,
  nthAddress,
  offsetOf,
  parseCidr,
  parseIPv4,
  subnetAt,
  subnetCount,
  subnetIndex,
  subnets,
} from "./cidr.js";

const cidr = (text: string) => parseCidr(text)!;
const ip = (text: string) => parseIPv4(text)!;

describe("IPv4", () => {
  it.each(["0.0.0.0", "10.244.1.7", "255.255.255.255", "192.168.0.1"])("round-trips %s", (text) => {
    expect(formatIPv4(ip(text))).toBe(text);
  });

  it.each(["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "a.b.c.d", "1.2.3.-4", " 1.2.3.4"])("rejects %j", (text) => {
    expect(parseIPv4(text)).toBeUndefined();
  });
});

describe("CIDR", () => {
  it.each([
    ["10.244.0.0/16", "10.244.0.0/16"],
    ["10.244.3.1/16", "10.244.0.0/16"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["10.0.0.1/32", "10.0.0.1/32"],
  ])("parses %s as %s", (text, want) => {
    expect(formatCidr(cidr(text))).toBe(want);
  });

  it.each(["10.0.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08", "x/8"])("rejects %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("counts, indexes and contains", () => {
    const services = cidr("10.96.0.0/12");
    expect(cidrSize(services)).toBe(2 ** 20);
    expect(formatIPv4(nthAddress(services, 10)!)).toBe("10.96.0.10");
    expect(formatIPv4(nthAddress(services, 2 ** 20 - 1)!)).toBe("10.111.255.255");
    expect(nthAddress(services, 2 ** 20)).toBeUndefined();
    expect(offsetOf(services, ip("10.96.1.0"))).toBe(256);
    expect(offsetOf(services, ip("10.112.0.0"))).toBeUndefined();
    expect(containsAddress(cidr("0.0.0.0/0"), ip("255.255.255.255"))).toBe(true);
    expect(containsCidr(cidr("10.244.0.0/16"), cidr("10.244.7.0/24"))).toBe(true);
    expect(containsCidr(cidr("10.244.0.0/16"), cidr("10.0.0.0/8"))).toBe(false);
  });

  it("enumerates subnets", () => {
    const cluster = cidr("10.244.0.0/16");
    expect(subnetCount(cluster, 24)).toBe(256);
    expect(subnetCount(cluster, 8)).toBe(0);
    expect(formatCidr(subnetAt(cluster, 24, 3)!)).toBe("10.244.3.0/24");
    expect(subnetAt(cluster, 24, 256)).toBeUndefined();
    expect(subnetIndex(cluster, cidr("10.244.200.0/24"))).toBe(200);
    expect(subnetIndex(cluster, cidr("10.245.0.0/24"))).toBeUndefined();
    expect([...subnets(cidr("192.168.0.0/22"), 24)].map(formatCidr)).toEqual([
      "192.168.0.0/24",
      "192.168.1.0/24",
      "192.168.2.0/24",
      "192.168.3.0/24",
    ]);
    expect(formatCidr(subnetAt(cidr("128.0.0.0/1"), 2, 1)!)).toBe("192.0.0.0/2");
  });
});
