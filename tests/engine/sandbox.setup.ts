/** jest.engine.config.js setupFiles: every engine-tier test file runs in the sandbox (tests/engine/sandbox.ts). */
import { installSandbox } from "./sandbox";

installSandbox();
