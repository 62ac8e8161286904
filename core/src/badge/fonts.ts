/**
 * The metric tables badges are measured with, from the `anafanafo` package that shields.io's
 * badge-maker uses (pure JSON data, no runtime dependency). "flat" and "flat-square" measure
 * in 11px Verdana; "for-the-badge" in 10px Verdana, bold for the message.
 */
import verdana11 from "anafanafo/data/verdana-11px-normal.json";
import verdana10 from "anafanafo/data/verdana-10px-normal.json";
import verdana10Bold from "anafanafo/data/verdana-10px-bold.json";
import { measurerFor, type CharWidthTable, type TextMeasurer } from "./text-width.ts";

export interface BadgeFonts {
  verdana11: TextMeasurer;
  verdana10: TextMeasurer;
  verdana10Bold: TextMeasurer;
}

export const BADGE_FONTS: BadgeFonts = {
  verdana11: measurerFor(verdana11 as CharWidthTable),
  verdana10: measurerFor(verdana10 as CharWidthTable),
  verdana10Bold: measurerFor(verdana10Bold as CharWidthTable),
};
