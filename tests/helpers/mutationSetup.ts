/**
 * For Stryker's runs only (jest.mutation.config.js): a property that fails stops at its first
 * counterexample. Shrinking it, which helps a person read a failure, is wasted on a mutant: it
 * would cost seconds per mutant and kills nothing more. numRuns stays as each test sets it.
 */
import fc from "fast-check";

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
