// The reference text-width library (used by tests to check Kodo's own measuring); it ships no types.
declare module "anafanafo" {
  export default function measure(text: string, options: { font: string; guess?: boolean }): number;
}
