import fc from "fast-check";

// Property tests explore new random cases on every local run, but CI must be reproducible: there
// a fixed seed is used (override with FC_SEED). A failure prints its seed and path either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : process.env.CI ? 20261124 : undefined;
if (seed !== undefined) fc.configureGlobal({ seed });
