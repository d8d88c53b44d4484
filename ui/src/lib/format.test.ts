import { describe, expect, it } from "vitest";
import { dayLabel, formatSize, formatTime, isSameDay, shortTimestamp } from "./format";

// Local dates, so the tests hold in any time zone.
const at = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const NOW = at(2026, 11, 24, 15, 0); // Tuesday 24 November 2026

describe("formatTime", () => {
  it("gives HH:MM on a 24-hour clock", () => {
    expect(formatTime(at(2026, 11, 24, 9, 5), "fr")).toBe("09:05");
    expect(formatTime(at(2026, 11, 24, 21, 30), "fr")).toBe("21:30");
    expect(formatTime(at(2026, 11, 24, 21, 30), "en")).toBe("21:30");
  });
});

describe("dayLabel", () => {
  it("says Aujourd'hui and Hier", () => {
    expect(dayLabel(at(2026, 11, 24, 0, 1), NOW, "fr")).toBe("Aujourd'hui");
    expect(dayLabel(at(2026, 11, 23, 23, 59), NOW, "fr")).toBe("Hier");
    expect(dayLabel(at(2026, 11, 23), NOW, "en")).toBe("Yesterday");
  });

  it("writes other days in full", () => {
    expect(dayLabel(at(2026, 11, 22), NOW, "fr")).toBe("dimanche 22 novembre 2026");
    expect(dayLabel(at(2025, 3, 3), NOW, "fr")).toBe("lundi 3 mars 2025");
    expect(dayLabel(at(2026, 11, 22), NOW, "en")).toMatch(/^Sunday,? 22 November 2026$/);
  });

  it("handles yesterday across a month boundary", () => {
    expect(dayLabel(at(2026, 2, 28), at(2026, 3, 1, 8), "fr")).toBe("Hier");
    expect(dayLabel(at(2026, 2, 27), at(2026, 3, 1, 8), "fr")).toBe("vendredi 27 février 2026");
  });
});

describe("shortTimestamp", () => {
  it("shows the time today, Hier yesterday, the weekday this week, else the date", () => {
    expect(shortTimestamp(at(2026, 11, 24, 8, 7), NOW, "fr")).toBe("08:07");
    expect(shortTimestamp(at(2026, 11, 23), NOW, "fr")).toBe("Hier");
    expect(shortTimestamp(at(2026, 11, 20), NOW, "fr")).toBe("ven.");
    expect(shortTimestamp(at(2026, 10, 2), NOW, "fr")).toBe("02/10");
    expect(shortTimestamp(at(2025, 10, 2), NOW, "fr")).toBe("02/10/2025");
  });
});

describe("isSameDay", () => {
  it("compares calendar days, not 24-hour spans", () => {
    expect(isSameDay(at(2026, 11, 24, 0, 0), at(2026, 11, 24, 23, 59))).toBe(true);
    expect(isSameDay(at(2026, 11, 23, 23, 59), at(2026, 11, 24, 0, 1))).toBe(false);
  });
});

describe("formatSize", () => {
  it("writes sizes in French units with a decimal comma", () => {
    expect(formatSize(512, "fr")).toBe("512 octets");
    expect(formatSize(2.4 * 1024 * 1024, "fr")).toBe("2,4 Mo");
    expect(formatSize(100 * 1024 * 1024, "fr")).toBe("100 Mo");
    expect(formatSize(1536, "fr")).toBe("1,5 Ko");
    expect(formatSize(3 * 1024 ** 3, "fr")).toBe("3 Go");
    expect(formatSize(2.4 * 1024 * 1024, "en")).toBe("2.4 MB");
  });
});
